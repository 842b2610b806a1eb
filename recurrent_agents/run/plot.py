"""Key charts of one training run as a PNG, from W&B's local record (no account, no network).

    python -m recurrent_agents.run.plot runs/TMaze-lstm-L10-s0 --out run.png

The history is read back with W&B's own reader, `wandb leet inspect --json RUN_DIR` (one JSON
record per line), so the PNG shows exactly what W&B would chart, against env steps.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from recurrent_agents.run.records import RESULT_FILE, RunResult

# (title, metric keys, y label) of each panel.
PANELS = (
    ("Success rate (training episodes)", ("rollout/success_rate",), "success rate"),
    ("Episode return", ("rollout/ep_rew_mean",), "mean return"),
    ("Policy entropy", ("train/entropy",), "nats"),
    ("Losses", ("train/value_loss", "train/policy_gradient_loss"), "loss"),
    ("Gradient norm (before clipping)", ("train/grad_norm",), "L2 norm"),
    ("Throughput", ("time/env_steps_per_sec",), "env steps / s"),
)


def wandb_cli() -> str:
    """The `wandb` executable next to this Python, else the one on PATH."""
    local = Path(sys.executable).with_name("wandb")
    return str(local) if local.exists() else (shutil.which("wandb") or "wandb")


def read_records(wandb_run_dir: str | Path) -> list[dict[str, Any]]:
    """All records of an offline/online run directory via `wandb leet inspect --json`."""
    proc = subprocess.run(
        [wandb_cli(), "leet", "inspect", "--json", str(wandb_run_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def wandb_run_dirs(path: str | Path) -> list[str]:
    """W&B run directories of a training run_dir (all segments of a resumed run), or [path]."""
    result = RunResult.read(path)
    if result is not None:
        return result.wandb_run_dirs or [result.wandb_run_dir]
    return [str(path)]


def read_history(path: str | Path) -> list[dict[str, Any]]:
    """History rows (dicts with global_step) of a training run, in env-step order.

    A resumed run has one W&B run directory per session. A session killed after its last
    checkpoint logged steps that the next session trained again from that checkpoint, so each
    session's rows count only up to the first step a later session logged.
    """
    sessions = [
        [r["history"]["item"] for r in read_records(run_dir) if r["type"] == "history"]
        for run_dir in wandb_run_dirs(path)
    ]
    rows = []
    for i, session in enumerate(sessions):
        later = [
            row.get("global_step", 0) for rows_after in sessions[i + 1 :] for row in rows_after
        ]
        until = min(later, default=math.inf)
        rows += [row for row in session if row.get("global_step", 0) < until]
    return sorted(rows, key=lambda row: row.get("global_step", 0))


def plot_history(rows: list[dict[str, Any]], out: str | Path, title: str = "") -> Path:
    """Write the key-chart PNG (2 x 3 panels against env steps) to `out`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 3, figsize=(12, 6), constrained_layout=True)
    for ax, (panel, keys, ylabel) in zip(axes.flat, PANELS, strict=True):
        for key in keys:
            points = [(r["global_step"], r[key]) for r in rows if key in r and "global_step" in r]
            if points:
                xs, ys = zip(*points, strict=True)
                ax.plot(xs, ys, label=key.split("/")[-1], linewidth=1.2)
        ax.set_title(panel, fontsize=10)
        ax.set_xlabel("env steps")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        if len(keys) > 1:
            ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=80)
    plt.close(fig)
    return out


def main(argv: list[str] | None = None) -> int:
    """CLI: plot a run directory (train.py's run_dir or a wandb run dir) to a PNG."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", help=f"train.py run_dir (with {RESULT_FILE}) or a wandb run dir")
    parser.add_argument("--out", default=None, help="PNG path (default <run>/charts.png)")
    args = parser.parse_args(argv)
    rows = read_history(args.run)
    if not rows:
        print(f"run_plot: error: no history in {args.run}", file=sys.stderr)
        return 2
    title = ""
    r = RunResult.read(args.run)
    if r is not None:
        title = (
            f"{r.core} on {r.task}, memory_length={r.memory_length}, seed {r.seed}: "
            f"greedy success {r.eval_success_rate:.0%} after {r.env_steps:,} env steps"
        )
    out = plot_history(rows, args.out or Path(args.run) / "charts.png", title)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
