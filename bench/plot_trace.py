"""Plot runs traced by ``bench/trace_run.py``, one column per run, and collect them in one CSV.

    python bench/plot_trace.py OUT_PREFIX NAME=RUN_DIR [NAME=RUN_DIR ...] [--every 2]

Writes ``OUT_PREFIX.csv`` (the main per-update statistics of each run, a ``run`` column naming
it; every ``--every``-th update is kept, and every update whose approx KL exceeds 0.05) and
``OUT_PREFIX.png``: per run, the training success rate and mean return, the policy entropy, and
the approx KL of each update with the advantage std against its floored scale.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLUMNS = {
    "time/total_timesteps": "env_steps",
    "rollout/success_rate": "success_rate",
    "rollout/ep_rew_mean": "mean_return",
    "train/advantage_std": "advantage_std",
    "train/advantage_scale": "advantage_scale",
    "train/return_std_peak": "return_std_peak",
    "train/entropy_loss": "entropy_loss",
    "train/approx_kl": "approx_kl",
    "train/grad_norm": "grad_norm",
    "train/explained_variance": "explained_variance",
    "train/value_scale": "value_scale",
}
SPIKE_KL = 0.05


def read_run(run_dir: Path, every: int) -> list[dict[str, float]]:
    """The kept updates of one run's ``progress.csv`` (missing values as NaN)."""
    with (run_dir / "progress.csv").open() as f:
        rows = list(csv.DictReader(f))
    kept = []
    for i, row in enumerate(rows):
        values = {name: float(row.get(key) or "nan") for key, name in COLUMNS.items()}
        if i % every == 0 or i == len(rows) - 1 or values["approx_kl"] > SPIKE_KL:
            kept.append(values)
    return kept


def plot(runs: dict[str, list[dict[str, float]]], path: Path) -> None:
    """Three rows of panels (success/return, entropy, KL/advantages), one column per run."""
    fig, axes = plt.subplots(3, len(runs), figsize=(3.2 * len(runs), 6.5), squeeze=False)
    for col, (name, rows) in enumerate(runs.items()):
        steps = [r["env_steps"] / 1e6 for r in rows]
        top, mid, low = axes[:, col]
        top.plot(steps, [r["success_rate"] for r in rows], label="success rate")
        top.plot(steps, [r["mean_return"] for r in rows], label="mean return")
        top.set_title(name, fontsize=9)
        top.set_ylim(-1.05, 1.05)
        mid.plot(steps, [-r["entropy_loss"] for r in rows], color="tab:green")
        mid.set_ylabel("policy entropy (nats)" if col == 0 else "")
        low.semilogy(steps, [r["approx_kl"] for r in rows], ".", ms=2, label="approx KL")
        low.semilogy(steps, [r["advantage_std"] for r in rows], lw=0.8, label="advantage std")
        low.semilogy(steps, [r["advantage_scale"] for r in rows], lw=0.8, label="floored scale")
        low.set_xlabel("env steps (M)")
        if col == 0:
            top.legend(fontsize=7)
            low.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=60)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    """Parse NAME=RUN_DIR pairs; write the CSV and the PNG."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_prefix", type=Path)
    parser.add_argument("runs", nargs="+", metavar="NAME=RUN_DIR")
    parser.add_argument("--every", type=int, default=2, help="keep every N-th update")
    args = parser.parse_args(argv)
    runs = {}
    for pair in args.runs:
        name, sep, run_dir = pair.partition("=")
        if not sep or not (Path(run_dir) / "progress.csv").is_file():
            parser.error(f"expected NAME=RUN_DIR with RUN_DIR/progress.csv, got {pair!r}")
        runs[name] = read_run(Path(run_dir), args.every)
    args.out_prefix.parent.mkdir(parents=True, exist_ok=True)
    with args.out_prefix.with_suffix(".csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["run", *COLUMNS.values()])
        for name, rows in runs.items():
            writer.writerows([name, *(f"{v:.4g}" for v in row.values())] for row in rows)
    plot(runs, args.out_prefix.with_suffix(".png"))


if __name__ == "__main__":
    main()
