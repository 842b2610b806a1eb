"""What a trained critic bootstraps from at the truncating T-maze's deadline, per cue and arm.

    python bench/truncation_values.py MODEL.zip [--memory-length 10] [--episodes 100]

Runs the model (sampled actions) on the suite's ``TruncatedTMaze`` (whose deadline is a
time-limit truncation), and at each episode's end asks the critic, with the core state of that
step, for V(final observation) with the agent placed in the up arm, the down arm and at the
junction. The rows say which arm the agent chose for each cue and what the bootstrap
``gamma * V(final obs)`` (``bootstrap_truncated=True``) would add to each choice's last reward.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch as th

sys.path.insert(0, str(Path(__file__).resolve().parent / "suite"))

from suite_envs import TruncatedTMaze  # noqa: E402

from recurrent_agents import RecurrentPPO  # noqa: E402

ARMS = {1.0: "up arm", -1.0: "down arm", 0.0: "junction"}


def episode_end(model: RecurrentPPO, env: TruncatedTMaze, seed: int) -> dict[str, float]:
    """One sampled episode: its cue, the arm it ended in, and V(final obs) in each place."""
    policy = model.policy
    obs, _ = env.reset(seed=seed)
    cue, state, start = float(obs[0]), policy.initial_state(1), th.ones(1)
    done = False
    while not done:
        with th.no_grad():
            action, _, _, state = policy(th.as_tensor(obs[None]), state, start)
        obs, _, terminated, truncated, _ = env.step(int(action))
        start, done = th.zeros(1), terminated or truncated
    row = {"cue": cue, "arm": float(obs[2])}
    for arm, name in ARMS.items():
        final = obs.copy()
        final[2] = arm
        with th.no_grad():
            value = policy.predict_values(th.as_tensor(final[None]), state.vf, th.zeros(1))
        row[name] = float(value)
    return row


def main() -> None:
    """Print the Markdown table of one model."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model")
    p.add_argument("--memory-length", type=int, default=10)
    p.add_argument("--episodes", type=int, default=100)
    args = p.parse_args()
    th.manual_seed(0)
    model = RecurrentPPO.load(args.model, device="cpu")
    env = TruncatedTMaze(args.memory_length)
    rows = [episode_end(model, env, 1000 + e) for e in range(args.episodes)]
    print(f"`{args.model}`, {args.episodes} sampled episodes, L={args.memory_length}\n")
    print(
        "| cue | episodes | ended in up / down / junction | V(final) up arm | down arm | junction |"
    )
    print("|---|---|---|---|---|---|")
    for cue in (1.0, -1.0):
        mine = [r for r in rows if r["cue"] == cue]
        ended = " / ".join(f"{np.mean([r['arm'] == a for r in mine]):.2f}" for a in (1, -1, 0))
        values = " | ".join(f"{np.mean([r[name] for r in mine]):+.2f}" for name in ARMS.values())
        goal = "up" if cue > 0 else "down"
        print(f"| {cue:+.0f} (goal {goal}) | {len(mine)} | {ended} | {values} |")


if __name__ == "__main__":
    main()
