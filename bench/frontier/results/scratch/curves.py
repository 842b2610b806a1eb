"""Training curves of from-scratch runs, read back from their offline W&B runs.

    python bench/frontier/results/scratch/curves.py --out DIR --title TITLE NAME=RUN_DIR [...]

Writes ``DIR/curves.csv`` (one row per logged rollout: run, env steps, training success rate of
the last 100 episodes, mean episode return) and ``DIR/curves.png``.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from recurrent_agents.run.plot import read_history  # noqa: E402


def curve(run_dir: str) -> list[tuple[int, float, float]]:
    """(env steps, training success rate, mean return) of every logged rollout of a run."""
    rows = [r for r in read_history(run_dir) if "rollout/success_rate" in r]
    return [
        (int(r["global_step"]), float(r["rollout/success_rate"]), float(r["rollout/ep_rew_mean"]))
        for r in rows
    ]


def main(pairs: list[str], out: Path, title: str) -> None:
    curves: dict[str, list[tuple[int, float, float]]] = {}
    for name, path in (p.split("=", 1) for p in pairs):  # a resumed run: its name again
        curves.setdefault(name, []).extend(curve(path))
    out.mkdir(parents=True, exist_ok=True)
    with (out / "curves.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["run", "env_steps", "train_success_rate", "mean_return"])
        for name, points in curves.items():
            writer.writerows([name, *point] for point in points)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for name, points in curves.items():
        ax.plot([p[0] / 1e6 for p in points], [p[1] for p in points], label=name, lw=1)
    ax.set_xlabel("env steps (millions)")
    ax.set_ylabel("training success (last 100 episodes)")
    ax.set_title(title)
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "curves.png", dpi=110)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="directory for the CSV and PNG")
    parser.add_argument("--title", required=True, help="the plot's title")
    parser.add_argument(
        "runs",
        nargs="+",
        metavar="NAME=RUN_DIR",
        help="a W&B offline run dir (a name given twice: a resumed run's parts)",
    )
    args = parser.parse_args()
    main(args.runs, args.out, args.title)
