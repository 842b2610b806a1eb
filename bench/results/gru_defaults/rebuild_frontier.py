"""Rebuild ``frontier/tmaze/`` from the T-maze rows of ``scratch_cells.csv``.

Each row is written back as the ``result.json`` of the run it records (the runs' directories
were not kept), one run directory per row under a temporary sweep directory, and
``train.py report`` reads them as it reads a sweep:

    python bench/results/gru_defaults/rebuild_frontier.py bench/results/gru_defaults/frontier/tmaze

(``frontier/delayedcue/`` was built from the runs' own files, some of them runs made again:
their seconds, and one seed's env steps, differ from the rows here; see ``commands.sh``.)
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
from pathlib import Path

from recurrent_agents.run.records import FINISHED, RunResult

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]


def _number(text: str) -> float | None:
    return float(text) if text else None


def result_of(row: dict[str, str]) -> RunResult:
    """The ``result.json`` a row of ``scratch_cells.csv`` was copied from (the fields kept)."""
    long_length = row.get("long_eval_memory_length", "")
    return RunResult(
        task=row["task"],
        memory_length=int(row["memory_length"]),
        core=row["core"],
        seed=int(row["seed"]),
        env_steps=int(row["env_steps"]),
        eval_success_rate=float(row["greedy_success"]),
        train_seconds=float(row["train_seconds"]),
        train_seconds_total=float(row["train_seconds"]),
        stopped_at_success=row["stopped_at_success"] == "True",
        status=FINISHED,
        config={
            "task": row["task"],
            "memory_length": int(row["memory_length"]),
            "curriculum": None,
        },
        long_eval_memory_length=int(long_length) if long_length else None,
        long_eval_success_rate=_number(row.get("long_eval_success_rate", "")),
    )


def main(out_dir: str) -> None:
    with (HERE / "scratch_cells.csv").open() as f:
        rows = [row for row in csv.DictReader(f) if row["task"] == "TMaze"]
    with tempfile.TemporaryDirectory() as sweep_dir:
        for row in rows:
            cell = f"{row['task']}-{row['core']}-L{row['memory_length']}-s{row['seed']}"
            result_of(row).write(Path(sweep_dir) / cell)
        report = [sys.executable, "train.py", "report", "--sweep-dir", sweep_dir]
        report += ["--out-dir", str(Path(out_dir).resolve()), "--wandb-mode", "disabled"]
        subprocess.run(report, cwd=REPO, check=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
