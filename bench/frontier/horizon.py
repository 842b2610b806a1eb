"""The memory-horizon frontier: lengths 5..1000 x cores x 3 seeds, on both tasks, resumable.

    python bench/frontier/horizon.py                          # everything (many CPU-hours)
    python bench/frontier/horizon.py --tasks TMaze --cores lstm --lengths 5,10,20
    python bench/frontier/horizon.py --report-only            # table from what has finished

One ``train.py sweep --skip-after-fail`` per task and core (each core has its own settings: the
LSTM gets chrono forget gates), into ``bench/frontier/sweeps/<task>-horizon/<core>``: lengths run
shortest first, a core's longer lengths are skipped once every seed failed a length, and
rerunning the command resumes (finished cells are skipped, interrupted ones continue from their
checkpoint). Every cell uses the settings of ``configs/horizon.yaml`` (8 envs x 1024-step
rollouts, so rollouts hold whole episodes; the default PPO hyperparameters otherwise; an early
stop once 99% of the last 100 training episodes succeed, at most ``--max-steps`` env steps).
Afterwards
the frontier report of each task (CSV, Markdown, PNG, with the skipped cells and each cell's
env steps and seconds) goes to ``--results-dir/<task>`` and its table is printed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from recurrent_agents.sweep import parse_int_list, parse_names

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LENGTHS = "5,10,20,50,100,200,500,1000"
#: Per-core train.py options on top of the shared ones (chrono init: Tallec & Ollivier 2018).
CORE_OPTIONS = {"lstm": ["--chrono_init=100"], "gru": [], "rnn": []}


def shared_options(max_steps: int) -> list[str]:
    """The train.py options of every cell (see configs/horizon.yaml)."""
    return [
        "--n_envs=8",
        "--n_steps=1024",
        "--batch_size=2048",
        "--stop_at_success=0.99",
        f"--total_timesteps={max_steps}",
        "--video=false",
        "--checkpoint_every=500000",
    ]


def run(cmd: list[str]) -> None:
    """Run a command from the repo root (echoed); stop on failure."""
    print("$ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=REPO, check=True)


def merge_manifests(task_dir: Path) -> None:
    """One ``sweep.json`` for the task from its per-core sweeps (the report reads its skips)."""
    merged: dict = {"cells": {}, "skipped": {}}
    for manifest in sorted(task_dir.glob("*/sweep.json")):
        data = json.loads(manifest.read_text())
        merged["cells"].update(data.get("cells", {}))
        merged["skipped"].update(data.get("skipped", {}))
    (task_dir / "sweep.json").write_text(json.dumps(merged, indent=1))


def main() -> int:
    """Run (or resume) the sweeps, then write and print each task's frontier."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tasks", default="DelayedCue,TMaze")
    p.add_argument("--cores", default="lstm,gru,rnn")
    p.add_argument("--lengths", default=LENGTHS)
    p.add_argument("--seeds", default="0,1,2")
    p.add_argument("--max-steps", type=int, default=1_000_000, help="env steps per cell at most")
    p.add_argument("--workers", type=int, default=1, help="parallel runs per core's sweep")
    p.add_argument("--sweeps-dir", default=str((HERE / "sweeps").relative_to(REPO)))
    p.add_argument("--results-dir", default=str((HERE / "results" / "horizon").relative_to(REPO)))
    p.add_argument("--wandb-mode", default="offline", choices=["offline", "disabled", "online"])
    p.add_argument("--report-only", action="store_true", help="no training, report only")
    args = p.parse_args()
    tasks, cores = parse_names("tasks", args.tasks), parse_names("cores", args.cores)
    parse_int_list("lengths", args.lengths, 1)
    unknown = [c for c in cores if c not in CORE_OPTIONS]
    if unknown:
        p.error(f"--cores must be among {', '.join(CORE_OPTIONS)}, got {', '.join(unknown)}")

    py = sys.executable
    for task in tasks:
        task_dir = Path(args.sweeps_dir) / f"{task.lower()}-horizon"
        for core in cores if not args.report_only else []:
            run(
                [py, "train.py", "sweep", "--task", task, "--memory-lengths", args.lengths]
                + ["--cores", core, "--seeds", args.seeds, "--sweep-dir", str(task_dir / core)]
                + ["--name", f"{task.lower()}-horizon", "--workers", str(args.workers)]
                + ["--wandb-mode", args.wandb_mode, "--skip-after-fail", "--no-report", "--"]
                + shared_options(args.max_steps)
                + CORE_OPTIONS[core]
            )
        if not (REPO / task_dir).is_dir():
            print(f"{task}: nothing run yet in {task_dir}")
            continue
        merge_manifests(REPO / task_dir)
        out = Path(args.results_dir) / task.lower()
        run(
            [py, "train.py", "report", "--sweep-dir", str(task_dir), "--out-dir", str(out)]
            + ["--wandb-mode", args.wandb_mode]
        )
        print((REPO / out / "frontier.md").read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
