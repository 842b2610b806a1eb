"""sb3-contrib's own CartPole-without-velocity performance test, run as the test runs it, on
several seeds: how often the test's own agent passes (the reference for the suite's
``CartPoleNoVel`` target).

The test (sb3-contrib ``tests/test_lstm.py``, ``test_ppo_lstm_performance``) trains stock
``RecurrentPPO`` with its own settings for 50k env steps on 8 envs under ``VecNormalize`` and
passes when the model after its last update scores at least 450 over ``evaluate_policy``'s 10
greedy episodes on the training env. Its ``EvalCallback`` only logs and is left out. One CSV
row per seed, appended as each run ends; seeds already in ``--out`` are skipped.
``--vec_normalize false`` trains and evaluates without ``VecNormalize`` (a check of what it
contributes; not the test).

    python bench/suite/contrib_cartpole_test.py --seeds 0 1 2 --out cartpole_test.csv
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.suite.stock import true_or_false  # noqa: E402

TIME_LIMIT = 500
PASS_AT = 450
TOTAL_TIMESTEPS = 50_000
FIELDS = ["seed", "mean_return", "std_return", "passes", "train_seconds"]


def run_test(seed: int, vec_normalize: bool = True) -> dict:
    """Train and evaluate the test's agent with ``seed``; its row of the CSV."""
    import torch as th
    from gymnasium.wrappers import TimeLimit
    from sb3_contrib import RecurrentPPO
    from stable_baselines3.common.env_util import make_vec_env
    from stable_baselines3.common.evaluation import evaluate_policy
    from stable_baselines3.common.vec_env import VecNormalize

    from bench.suite.suite_envs import CartPoleNoVel

    th.set_num_threads(1)
    env = make_vec_env(lambda: TimeLimit(CartPoleNoVel(), max_episode_steps=TIME_LIMIT), n_envs=8)
    if vec_normalize:
        env = VecNormalize(env)
    model = RecurrentPPO(
        "MlpLstmPolicy",
        env,
        n_steps=128,
        learning_rate=0.0007,
        batch_size=256,
        seed=seed,
        n_epochs=10,
        max_grad_norm=1,
        gae_lambda=0.98,
        policy_kwargs=dict(
            net_arch=dict(vf=[64], pi=[]),
            lstm_hidden_size=64,
            ortho_init=False,
            enable_critic_lstm=True,
        ),
    )
    start = time.perf_counter()
    model.learn(total_timesteps=TOTAL_TIMESTEPS)
    seconds = time.perf_counter() - start
    mean, std = evaluate_policy(model, env)
    return {
        "seed": seed,
        "mean_return": round(float(mean), 2),
        "std_return": round(float(std), 2),
        "passes": bool(mean >= PASS_AT),
        "train_seconds": round(seconds, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", required=True)
    parser.add_argument("--out", type=Path, required=True, help="CSV to append rows to")
    parser.add_argument(
        "--vec_normalize",
        type=true_or_false,
        default=True,
        help="train under VecNormalize as the test does (true/false)",
    )
    args = parser.parse_args(argv)
    if not args.out.parent.is_dir():
        parser.error(f"--out: no directory {str(args.out.parent)!r} to write {args.out.name} in")
    done = set()
    if args.out.exists():
        done = {int(row["seed"]) for row in csv.DictReader(args.out.open())}
    for seed in args.seeds:
        if seed in done:
            continue
        row = run_test(seed, args.vec_normalize)
        new_file = not args.out.exists()
        with args.out.open("a", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=FIELDS)
            if new_file:
                writer.writeheader()
            writer.writerow(row)
        print(f"seed {seed}: {row['mean_return']} ({'passes' if row['passes'] else 'fails'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
