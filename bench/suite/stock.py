"""One run of stock sb3-contrib RecurrentPPO (its defaults, ``MlpLstmPolicy``) on a suite task,
evaluated greedily as ``train.py`` runs are; writes ``RUN_DIR/result.json`` (core
``stock-lstm``) and one W&B run in the suite's group.

    python bench/suite/stock.py --task ID [--memory_length L] --seed S --total_timesteps N \\
        --run_dir DIR [--wandb_group G] [--wandb_mode MODE] [--env_options JSON]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

STOCK_CORE = "stock-lstm"


def build_parser() -> argparse.ArgumentParser:
    """Arguments of a stock run (train.py's names)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--task", required=True)
    p.add_argument("--memory_length", type=int)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--total_timesteps", type=int, required=True)
    p.add_argument("--run_dir", required=True)
    p.add_argument("--n_envs", type=int, help="parallel envs (default: train.py's)")
    p.add_argument("--eval_episodes", type=int, default=100)
    p.add_argument(
        "--eval_sampled",
        type=true_or_false,
        default=False,
        help="also evaluate with sampled actions (true/false)",
    )
    p.add_argument("--env_options", type=json.loads, default={})
    p.add_argument("--wandb_group")
    p.add_argument("--wandb_project", default=None)
    p.add_argument("--wandb_mode", default=None)
    return p


def true_or_false(text: str) -> bool:
    """A boolean option read as train.py reads one (an argparse ``type``)."""
    from recurrent_agents.run.config import parse_value

    try:
        return parse_value(text, bool)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    """Train stock RecurrentPPO with its defaults, evaluate greedily, write the result; exit
    status 2 when another run holds the run directory (two suites on one OUT)."""
    from recurrent_agents.run.config import ConfigError
    from recurrent_agents.run.rundir import RunDirLock

    args = build_parser().parse_args(argv)
    lock = RunDirLock(args.run_dir)
    try:
        lock.acquire()
    except ConfigError as exc:
        print(f"stock.py: error: {exc}", file=sys.stderr)
        return 2
    try:
        return _train_and_evaluate(args)
    finally:
        lock.release()


def _train_and_evaluate(args: argparse.Namespace) -> int:
    """`main` once the run directory is held."""
    from gymnasium import spaces
    from sb3_contrib import RecurrentPPO

    from envs.sb3 import make_sb3_vec_env
    from recurrent_agents.run.config import TrainConfig
    from recurrent_agents.run.evaluation import evaluate
    from recurrent_agents.run.records import FINISHED, RunResult
    from recurrent_agents.run.tracking import WANDB_PROJECT, init_wandb

    length = {} if args.memory_length is None else {"memory_length": args.memory_length}
    env_kwargs = length | args.env_options
    n_envs = args.n_envs or TrainConfig.n_envs
    env = make_sb3_vec_env(args.task, n_envs=n_envs, seed=args.seed, **env_kwargs)
    is_dict = isinstance(env.observation_space, spaces.Dict)
    policy = "MultiInputLstmPolicy" if is_dict else "MlpLstmPolicy"
    model = RecurrentPPO(policy, env, seed=args.seed, verbose=0)
    config = {"agent": "stock", "policy": policy, "n_envs": n_envs, **vars(args)}
    run = init_wandb(
        project=args.wandb_project or WANDB_PROJECT,
        group=args.wandb_group,
        job_type="train",
        config=config,
        mode=args.wandb_mode,
        dir=args.run_dir,
        name=Path(args.run_dir).name,
        tags=["stock-sb3-contrib"],
    )
    start = time.monotonic()
    model.learn(total_timesteps=args.total_timesteps)
    seconds = time.monotonic() - start
    env.close()
    ev = evaluate(model, args.task, env_kwargs, args.eval_episodes, args.seed, n_envs=n_envs)
    sampled: dict = {}
    if args.eval_sampled:
        sampled = evaluate(
            model, args.task, env_kwargs, args.eval_episodes, args.seed, n_envs, deterministic=False
        )
    result = RunResult(
        task=args.task,
        memory_length=args.memory_length,
        core=STOCK_CORE,
        seed=args.seed,
        env_steps=model.num_timesteps,
        eval_success_rate=ev["success_rate"],
        eval_mean_return=ev["mean_return"],
        eval_mean_length=ev["mean_length"],
        eval_episodes=ev["episodes"],
        sampled_eval_success_rate=sampled.get("success_rate"),
        sampled_eval_mean_return=sampled.get("mean_return"),
        train_seconds=seconds,
        train_seconds_total=seconds,
        env_steps_per_sec=model.num_timesteps / seconds,
        status=FINISHED,
        config=config,
    )
    run.summary.update({f"eval/{k}": v for k, v in ev.items()})
    if sampled:
        run.summary.update(
            {f"eval_sampled/{k}": sampled[k] for k in ("success_rate", "mean_return")}
        )
    run.finish()
    result.write(args.run_dir)
    print(f"{STOCK_CORE}: greedy success {ev['success_rate']}, mean return {ev['mean_return']:.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
