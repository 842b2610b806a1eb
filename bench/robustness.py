"""Robustness grid: every core x task x seed with the default hyperparameters, long enough to
show that success, once reached, is kept (no collapse). Greedy evaluation with ``predict`` on
fresh episodes after each training chunk, i.e. after the last update of that chunk.

    python bench/robustness.py --steps 120000 --seeds 0 1 2 3 --out bench/results/robustness
    python bench/robustness.py --ppo advantage_floor_ratio=0.3 --policy features_to_heads=true

``--ppo`` / ``--policy`` override RecurrentPPO / policy keyword arguments (YAML values);
``--prev-action-reward`` is what the observation also holds (default: ``train.py``'s, the
previous reward; ``false`` reproduces the tables measured before it); ``--jobs`` runs cells in
that many processes. Each run trains its whole budget: the grid measures whether a solved task
stays solved, so ``train.py``'s stop once solved does not apply.

Writes ``<out>.csv`` (one row per checkpoint) and ``<out>.md`` (summary table).
"""

from __future__ import annotations

import argparse
import csv
import math
import time
from collections.abc import Callable
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import torch as th
import yaml
from stable_baselines3.common.callbacks import BaseCallback

from envs.sb3 import make_sb3_vec_env
from envs.wrappers import PREV_ACTION_REWARD_VALUES
from recurrent_agents import RecurrentPPO
from recurrent_agents.run.config import TrainConfig
from recurrent_agents.run.evaluation import evaluate

CELLS = [("TMaze", 10), ("DelayedCue", 10), ("TMaze", 5)]


def greedy_success(
    model, task: str, memory_length: int, n_envs: int, seed: int, prev_action_reward: bool | str
) -> float:
    """Greedy success rate over ``n_envs`` fresh episodes (one per env)."""
    kwargs = {"memory_length": memory_length}
    return evaluate(
        model, task, kwargs, n_envs, seed=seed, n_envs=n_envs, prev_action_reward=prev_action_reward
    )["success_rate"]


def run_cell(
    task: str,
    memory_length: int,
    core: str,
    seed: int,
    steps: int,
    chunks: int,
    ppo_kwargs: dict | None = None,
    policy_kwargs: dict | None = None,
    prev_action_reward: bool | str = False,
):
    """Train one run, evaluating greedily after each of ``chunks`` equal chunks."""
    th.set_num_threads(1)
    env = make_sb3_vec_env(
        task, 8, seed=seed, memory_length=memory_length, prev_action_reward=prev_action_reward
    )
    policy = dict(core=core, hidden_size=32) | (policy_kwargs or {})
    model = RecurrentPPO("MlpPolicy", env, policy_kwargs=policy, seed=seed, **(ppo_kwargs or {}))
    rows: list[dict] = []
    start = time.perf_counter()

    def record() -> None:
        rate = greedy_success(model, task, memory_length, 200, seed + 10_000, prev_action_reward)
        rows.append(
            dict(
                task=task,
                memory_length=memory_length,
                core=core,
                seed=seed,
                env_steps=model.num_timesteps,
                greedy_success=rate,
                seconds=round(time.perf_counter() - start, 1),
            )
        )
        print(rows[-1], flush=True)

    # One learn() call for the whole budget, so that schedules over the budget
    # (ent_anneal_fraction) see the run's budget rather than each chunk's. Each chunk is a
    # whole number of rollouts, as when each chunk was a learn() call of its own.
    rollout = model.n_envs * model.n_steps
    chunk = math.ceil(steps // chunks / rollout) * rollout
    model.learn(chunk * chunks, callback=EveryChunk(chunk, record))
    return rows


class EveryChunk(BaseCallback):
    """Calls ``record`` after every ``chunk`` env steps (a whole number of rollouts) and after
    the last update."""

    def __init__(self, chunk: int, record: Callable[[], None]) -> None:
        super().__init__()
        self.chunk, self.record, self.next_at = chunk, record, chunk

    def _on_step(self) -> bool:
        return True

    def _on_rollout_start(self) -> None:
        # At a rollout's start the previous rollout's update is done.
        if self.num_timesteps >= self.next_at:
            self.record()
            self.next_at += self.chunk

    def _on_training_end(self) -> None:
        self.record()


def summarise(rows: list[dict]) -> str:
    """Markdown table: per cell, seeds >= 95% at the end, worst success after first solve and
    how many evaluations after it fell below 95% (over all seeds)."""
    lines = [
        "| task | L | core | seeds solved at end (>= 95%) | final greedy success (mean) "
        "| worst after first solve | evaluations < 95% after first solve "
        "| env steps to first solve (median) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    keys = sorted({(r["task"], r["memory_length"], r["core"]) for r in rows})
    for task, length, core in keys:
        runs = {}
        for r in rows:
            if (r["task"], r["memory_length"], r["core"]) == (task, length, core):
                runs.setdefault(r["seed"], []).append(r)
        finals, worst, first, dips, after = [], [], [], 0, 0
        for seq in runs.values():
            rates = [r["greedy_success"] for r in seq]
            finals.append(rates[-1])
            solved = [i for i, x in enumerate(rates) if x >= 0.95]
            if solved:
                worst.append(min(rates[solved[0] :]))
                first.append(seq[solved[0]]["env_steps"])
                dips += sum(x < 0.95 for x in rates[solved[0] :])
                after += len(rates) - solved[0]
        n_ok = sum(f >= 0.95 for f in finals)
        lines.append(
            f"| {task} | {length} | {core} | {n_ok}/{len(finals)} | {np.mean(finals):.3f} "
            f"| {min(worst) if worst else float('nan'):.3f} | {dips}/{after} "
            f"| {int(np.median(first)) if first else '-'} |"
        )
    return "\n".join(lines) + "\n"


def key_values(pairs: list[str]) -> dict:
    """``["a=1", "b=true"]`` -> ``{"a": 1, "b": True}`` (values parsed as YAML)."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"expected KEY=VALUE, got {pair!r}")
        out[key] = yaml.safe_load(value)
    return out


def main(argv: list[str] | None = None) -> None:
    """Run the grid and write CSV + Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=120_000)
    parser.add_argument("--chunks", type=int, default=6)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    parser.add_argument("--cores", nargs="+", default=["lstm", "gru", "rnn"])
    parser.add_argument("--out", default="bench/results/robustness")
    parser.add_argument("--ppo", nargs="*", default=[], metavar="KEY=VALUE")
    parser.add_argument("--policy", nargs="*", default=[], metavar="KEY=VALUE")
    parser.add_argument(
        "--prev-action-reward",
        choices=PREV_ACTION_REWARD_VALUES,
        default=str(TrainConfig.prev_action_reward).lower(),
        help="what the observation also holds (default: train.py's)",
    )
    parser.add_argument("--jobs", type=int, default=1, help="cells run in parallel processes")
    args = parser.parse_args(argv)
    prev_action_reward = PREV_ACTION_REWARD_VALUES[args.prev_action_reward]
    ppo_kwargs, policy_kwargs = key_values(args.ppo), key_values(args.policy)
    cells = [
        (
            task,
            length,
            core,
            seed,
            args.steps,
            args.chunks,
            ppo_kwargs,
            policy_kwargs,
            prev_action_reward,
        )
        for task, length in CELLS
        for core in args.cores
        for seed in args.seeds
    ]
    with Pool(args.jobs) as pool:
        rows = [row for cell_rows in pool.starmap(run_cell, cells) for row in cell_rows]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.with_suffix(".csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    table = summarise(rows)
    out.with_suffix(".md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
