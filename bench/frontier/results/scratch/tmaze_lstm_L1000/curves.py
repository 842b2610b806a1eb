"""Training curves of the from-scratch L=1000 T-maze runs, read back from their offline W&B runs.

    python bench/frontier/results/scratch/tmaze_lstm_L1000/curves.py NAME=RUN_DIR [NAME=RUN_DIR ...]

Writes ``curves.csv`` (one row per logged rollout: run, env steps, training success rate of the
last 100 episodes, mean episode return) and ``curves.png`` next to this file.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from recurrent_agents.run.plot import read_history  # noqa: E402

HERE = Path(__file__).resolve().parent


def curve(run_dir: str) -> list[tuple[int, float, float]]:
    """(env steps, training success rate, mean return) of every logged rollout of a run."""
    rows = [r for r in read_history(run_dir) if "rollout/success_rate" in r]
    return [
        (int(r["global_step"]), float(r["rollout/success_rate"]), float(r["rollout/ep_rew_mean"]))
        for r in rows
    ]


def main(pairs: list[str]) -> None:
    curves = {name: curve(path) for name, path in (p.split("=", 1) for p in pairs)}
    with (HERE / "curves.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["run", "env_steps", "train_success_rate", "mean_return"])
        for name, points in curves.items():
            writer.writerows([name, *point] for point in points)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for name, points in curves.items():
        ax.plot([p[0] / 1e6 for p in points], [p[1] for p in points], label=name, lw=1)
    ax.set_xlabel("env steps (millions)")
    ax.set_ylabel("training success (last 100 episodes)")
    ax.set_title("Passive T-maze, L=1000, LSTM from scratch")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(HERE / "curves.png", dpi=110)


if __name__ == "__main__":
    main(sys.argv[1:])
