"""Env steps per second: single env, gymnasium SyncVectorEnv of it, and the batched vector env.

Run on one core (the documented command):

    taskset -c 0 python bench/bench_envs.py            # 4096 envs, memory_length 100

Each measurement steps with pre-drawn random actions for about ``--seconds`` seconds and counts
env steps (one batched step of N copies = N env steps). Episodes reset as they end (SAME_STEP
autoreset in both vector envs), so reset cost is included.
"""

from __future__ import annotations

import argparse
import os
import time

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode

import envs


def bench_single(env_id: str, seconds: float, **kwargs) -> float:
    """Steps/s of one env in a plain Python loop."""
    env = gym.make(env_id, **kwargs).unwrapped
    actions = np.random.default_rng(0).integers(env.action_space.n, size=4096).tolist()
    env.reset(seed=0)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for a in actions:
            _, _, terminated, truncated, _ = env.step(a)
            if terminated or truncated:
                env.reset()
        steps += len(actions)
    return steps / (time.perf_counter() - start)


def _steps_per_second(step, num_actions: int, num_envs: int, seconds: float) -> float:
    """Steps/s of ``step(actions)`` over a batch of ``num_envs`` copies (N env steps per call)."""
    rng = np.random.default_rng(0)
    batches = [rng.integers(num_actions, size=num_envs) for _ in range(32)]
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for actions in batches:
            step(actions)
        calls += len(batches)
    return calls * num_envs / (time.perf_counter() - start)


def bench_vector(venv: gym.vector.VectorEnv, seconds: float) -> float:
    """Steps/s of a vector env (num_envs env steps per call)."""
    venv.reset(seed=0)
    return _steps_per_second(venv.step, venv.single_action_space.n, venv.num_envs, seconds)


def bench_sb3(task: str, num_envs: int, seconds: float, **kwargs) -> float:
    """Steps/s of the batched env seen through the SB3 adapter (infos list built each step)."""
    from envs.sb3 import make_sb3_vec_env

    venv = make_sb3_vec_env(task, num_envs, seed=0, monitor=False, **kwargs)
    venv.reset()
    return _steps_per_second(venv.step, venv.action_space.n, num_envs, seconds)


def main(argv: list[str] | None = None) -> None:
    """Print one table row per task."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--num-envs", type=int, default=4096)
    parser.add_argument("--memory-length", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--tasks", nargs="+", default=list(envs.TASKS))
    args = parser.parse_args(argv)
    kwargs = {"memory_length": args.memory_length}
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(
        f"env steps/s, {args.num_envs} envs, memory_length={args.memory_length}, "
        f"~{args.seconds:g}s per cell, cores {cores}, load average {os.getloadavg()[0]:.1f}"
    )
    header = (
        "| task | single env | SyncVectorEnv | batched vector env | batched / Sync "
        "| batched via SB3VecEnv |"
    )
    print(header)
    print("|" + "---|" * 6)
    for task in args.tasks:
        env_id = envs.TASKS[task]
        single = bench_single(env_id, args.seconds, **kwargs)
        sync = gym.make_vec(
            env_id,
            num_envs=args.num_envs,
            vectorization_mode="sync",
            vector_kwargs={"autoreset_mode": AutoresetMode.SAME_STEP},
            **kwargs,
        )
        sync_rate = bench_vector(sync, args.seconds)
        batched = gym.make_vec(env_id, num_envs=args.num_envs, **kwargs)
        batched_rate = bench_vector(batched, args.seconds)
        sb3_rate = bench_sb3(task, args.num_envs, args.seconds, **kwargs)
        print(
            f"| {task} | {single:,.0f} | {sync_rate:,.0f} | {batched_rate:,.0f} "
            f"| {batched_rate / sync_rate:,.0f}x | {sb3_rate:,.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
