"""What stops the agent on the active T-maze: while it trains, how often its first action steps
back to the cue, and whether its greedy policy uses the cue once that first step is forced.

    python bench/active_tmaze.py --memory-length 10 --seeds 0,1 --steps 600000 \\
        --variant defaults= --variant "action_epsilon=--action_epsilon=0.1" \\
        --variant "forced_first_left=--first-left=0.3" --out bench/results/active_tmaze

Each ``--variant NAME=OPTIONS`` is one training setup: ``OPTIONS`` are train.py options (space
separated) for ``--task=TMaze --variant=active``, plus this script's own ``--first-left=P``: with
probability P an episode's first action is replaced by a step back onto the cue cell. That changes
the env, not the agent (the agent still learns from the action it chose), so it is a diagnostic,
never a fix: if the memory is learned once the cue is seen often, the blocker is exploration.
Arguments after ``--`` go to every variant's train.py config.

Every ``--probe-every`` env steps two probes run on fresh envs: the policy's probabilities of each
first action (256 episodes), and the greedy success of 100 episodes whose first action is forced
back to the cue (the memory, without exploration). After the last update: train.py's greedy
evaluation. Outputs in ``--out``: ``runs/<variant>_s<seed>.csv`` (probes; a finished run is not
trained again), ``active_tmaze.csv`` (all of them), ``active_tmaze.md`` and ``active_tmaze.png``.
"""

from __future__ import annotations

import argparse
import csv
import json
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stable_baselines3.common.callbacks import BaseCallback  # noqa: E402
from stable_baselines3.common.vec_env import VecEnv, VecEnvWrapper  # noqa: E402

from envs.sb3 import make_sb3_vec_env  # noqa: E402
from envs.tmaze import MOVES  # noqa: E402
from recurrent_agents.run.config import ConfigError, TrainConfig, build_config  # noqa: E402
from recurrent_agents.run.evaluation import play_episodes  # noqa: E402
from recurrent_agents.run.training import evaluate_run, make_env, new_model  # noqa: E402

LEFT = MOVES.index((-1, 0))
ACTION_NAMES = ("right", "up", "left", "down")
FIELDS = ["variant", "seed", "env_steps", *(f"p_first_{a}" for a in ACTION_NAMES)]
FIELDS += ["forced_left_greedy_success", "train_success", "greedy_success"]


@dataclass(frozen=True)
class Variant:
    """One training setup: its name, train.py options and forced first-left probability."""

    name: str
    options: tuple[str, ...]
    first_left: float


def parse_variant(text: str) -> Variant:
    """``NAME=OPTIONS`` -> Variant; ``--first-left=P`` among the options is this script's."""
    name, sep, options = text.partition("=")
    if not sep or not name:
        raise ValueError(f"--variant must be NAME=OPTIONS, got {text!r}")
    first_left, train_options = 0.0, []
    for option in shlex.split(options):
        if option.startswith("--first-left="):
            first_left = float(option.split("=", 1)[1])
            if not 0.0 <= first_left <= 1.0:
                raise ValueError(f"--first-left must be in [0, 1], got {first_left}")
        else:
            train_options.append(option)
    return Variant(name, tuple(train_options), first_left)


class FirstActionLeft(VecEnvWrapper):
    """With probability ``p`` an episode's first action becomes a step back to the cue cell."""

    def __init__(self, venv: VecEnv, p: float, seed: int) -> None:
        super().__init__(venv)
        self.p = p
        self._rng = np.random.default_rng(seed)
        self._first = np.ones(self.num_envs, dtype=bool)

    def reset(self) -> np.ndarray:
        self._first[:] = True
        return self.venv.reset()

    def step_async(self, actions: np.ndarray) -> None:
        actions = np.array(actions, copy=True)
        forced = self._first & (self._rng.random(self.num_envs) < self.p)
        actions[forced] = LEFT
        self.venv.step_async(actions)

    def step_wait(self):  # type: ignore[no-untyped-def]
        obs, rewards, dones, infos = self.venv.step_wait()
        self._first = dones.copy()
        return obs, rewards, dones, infos


def first_action_probs(model, cfg: TrainConfig, episodes: int = 256) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Mean probability of each first action over fresh episodes (the policy as it samples)."""
    import torch as th

    env = _probe_env(cfg, episodes, seed=10_000)
    obs = env.reset()
    policy = model.policy
    with th.no_grad():
        obs_tensor, _ = policy.obs_to_tensor(obs)
        dist, _ = policy.get_distribution(
            obs_tensor, policy.initial_state(episodes).pi, th.ones(episodes)
        )
    env.close()
    return dist.distribution.probs.mean(0).cpu().numpy()


def forced_left_success(model, cfg: TrainConfig, episodes: int = 100) -> float:  # type: ignore[no-untyped-def]
    """Greedy success rate when every episode's first action is the step back to the cue."""
    env = FirstActionLeft(_probe_env(cfg, episodes, seed=20_000), p=1.0, seed=0)
    try:
        successes, _, _ = play_episodes(model, env, np.ones(episodes, dtype=int))
    finally:
        env.close()
    return float(np.mean([bool(s) for s in successes]))


def _probe_env(cfg: TrainConfig, n_envs: int, seed: int) -> VecEnv:
    return make_sb3_vec_env(
        cfg.task,
        n_envs=n_envs,
        seed=seed,
        monitor=False,
        prev_action_reward=cfg.prev_action_reward,
        **cfg.env_kwargs(),
    )


class Probe(BaseCallback):
    """Every ``every`` env steps, one row of probes to ``rows``."""

    def __init__(self, cfg: TrainConfig, variant: str, every: int, rows: list[dict]) -> None:
        super().__init__()
        self.cfg, self.variant, self.every, self.rows = cfg, variant, every, rows
        self._next = 0

    def _on_step(self) -> bool:
        return True

    def _on_rollout_end(self) -> None:
        if self.num_timesteps >= self._next:
            self._next = self.num_timesteps + self.every
            self.rows.append(probe_row(self.model, self.cfg, self.variant))


def probe_row(model, cfg: TrainConfig, variant: str) -> dict:  # type: ignore[no-untyped-def]
    """The probes of the model now, as a CSV row."""
    probs = first_action_probs(model, cfg)
    successes = list(model.ep_success_buffer)
    row = {"variant": variant, "seed": cfg.seed, "env_steps": model.num_timesteps}
    row |= {f"p_first_{a}": round(float(p), 4) for a, p in zip(ACTION_NAMES, probs, strict=True)}
    row["forced_left_greedy_success"] = forced_left_success(model, cfg)
    row["train_success"] = round(float(np.mean(successes)), 3) if successes else ""
    row["greedy_success"] = ""
    return row


def run_variant(variant: Variant, seed: int, args: argparse.Namespace, extra: list[str]) -> Path:
    """Train one variant on one seed (unless its CSV exists) and write its probes."""
    path = args.out / "runs" / f"{variant.name}_s{seed}.csv"
    if path.exists():
        return path
    options = [
        "--task=TMaze",
        "--variant=active",
        f"--memory_length={args.memory_length}",
        f"--seed={seed}",
        f"--total_timesteps={args.steps}",
        "--wandb_mode=disabled",
        *extra,
        *variant.options,
    ]
    cfg = build_config(options)
    import torch as th

    th.set_num_threads(cfg.torch_threads)
    env = make_env(cfg, cfg.seed)
    if variant.first_left:
        env = FirstActionLeft(env, variant.first_left, seed)
    model = new_model(cfg, env)
    rows: list[dict] = []
    model.learn(cfg.total_timesteps, callback=Probe(cfg, variant.name, args.probe_every, rows))
    final = probe_row(model, cfg, variant.name)
    final["greedy_success"] = evaluate_run(cfg, model)["eval_success_rate"]
    rows.append(final)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    _write_csv(partial, rows)
    partial.replace(path)
    print(json.dumps(final), flush=True)
    return path


def _write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, FIELDS)
        writer.writeheader()
        writer.writerows(rows)


def report(paths: list[Path], out: Path, command: str) -> None:
    """Collect the runs' probes into the CSV, Markdown and PNG."""
    _write_csv(out / "active_tmaze.csv", [r for path in paths for r in csv.DictReader(path.open())])
    lines = [
        "# Active T-maze: exploration of the first step vs memory",
        "",
        f"Command: `{command}`",
        "",
        "Per run, after the last update: the policy's probability of stepping back to the cue "
        "first, the greedy success when that step is forced (the memory alone), the greedy "
        "success (train.py's evaluation), and the first probe at which the forced-left greedy "
        "success reached 0.95.",
        "",
        "| variant | seed | env steps | P(first = left) | forced-left greedy | greedy | "
        "forced-left >= 0.95 from |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for path in paths:
        run = list(csv.DictReader(path.open()))
        last = run[-1]
        solved = [r["env_steps"] for r in run if float(r["forced_left_greedy_success"]) >= 0.95]
        lines.append(
            f"| {last['variant']} | {last['seed']} | {last['env_steps']} | "
            f"{float(last['p_first_left']):.3f} | {float(last['forced_left_greedy_success']):.2f} "
            f"| {float(last['greedy_success']):.2f} | {solved[0] if solved else 'never'} |"
        )
    (out / "active_tmaze.md").write_text("\n".join(lines) + "\n")
    _plot(paths, out / "active_tmaze.png")


def _plot(paths: list[Path], png: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_left, ax_memory) = plt.subplots(1, 2, figsize=(11, 4), sharex=True)
    for path in paths:
        run = list(csv.DictReader(path.open()))
        steps = [int(r["env_steps"]) for r in run]
        label = f"{run[-1]['variant']} s{run[-1]['seed']}"
        ax_left.plot(steps, [float(r["p_first_left"]) for r in run], label=label)
        ax_memory.plot(steps, [float(r["forced_left_greedy_success"]) for r in run], label=label)
    ax_left.set(xlabel="env steps", ylabel="P(first action = left, to the cue)", yscale="log")
    ax_memory.set(xlabel="env steps", ylabel="greedy success, first step forced left")
    ax_memory.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(png, dpi=90)


def main(argv: list[str] | None = None) -> int:
    """Parse the variants, train each on each seed, write the report."""
    argv = sys.argv[1:] if argv is None else argv
    split = argv.index("--") if "--" in argv else len(argv)
    own, extra = argv[:split], argv[split + 1 :]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--memory-length", type=int, default=10)
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--steps", type=int, default=600_000)
    parser.add_argument("--probe-every", type=int, default=16_384)
    parser.add_argument("--variant", action="append", default=[], help="NAME=OPTIONS")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/active_tmaze")
    args = parser.parse_args(own)
    try:
        variants = [parse_variant(v) for v in args.variant or ["defaults="]]
        seeds = [int(s) for s in args.seeds.split(",")]
        for variant in variants:  # every config checked before anything trains
            build_config(["--task=TMaze", "--variant=active", *extra, *variant.options])
    except (ValueError, ConfigError) as exc:
        parser.error(str(exc))
    args.out.mkdir(parents=True, exist_ok=True)
    paths = [run_variant(v, seed, args, extra) for v in variants for seed in seeds]
    report(paths, args.out, "python bench/active_tmaze.py " + shlex.join(argv))
    print((args.out / "active_tmaze.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
