"""floor_binding.csv: how much the advantage floor scaled each run's policy gradient down.

Per run, the mean over its updates of the rollout's advantage std divided by the std it was
normalised by (1: the floor never bound; 0.25: every advantage a quarter of its plain
normalised size), and the same over the last quarter of the updates. Read from each run's
offline W&B history (``train/advantage_std``, ``train/advantage_scale``).

    python bench/suite/results/discounted_floor/binding.py SETTING=SUITE_OUT_DIR ...
"""

import csv
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from recurrent_agents.run.plot import read_history

HERE = Path(__file__).resolve().parent
RUN = re.compile(r"(?P<task>.+)-(?P<core>[a-z]+)-s(?P<seed>\d+)$")


def binding(run_dir: Path) -> tuple[int, float, float]:
    """Updates, mean ratio over all of them, mean ratio over the last quarter."""
    ratios = [
        row["train/advantage_std"] / row["train/advantage_scale"]
        for row in read_history(run_dir / "wandb")
        if isinstance(row.get("train/advantage_scale"), float) and row["train/advantage_scale"] > 0
    ]
    last = ratios[-max(1, len(ratios) // 4) :]
    return len(ratios), float(np.mean(ratios)), float(np.mean(last))


def suite_runs(pairs: list[str]) -> Iterator[tuple[dict[str, object], Path]]:
    """Each suite cell with a W&B history under the ``SETTING=SUITE_OUT_DIR`` pairs: its
    setting, task, core and seed, and its run directory."""
    for pair in pairs:
        setting, out_dir = pair.split("=", 1)
        for run_dir in sorted(Path(out_dir, "runs").iterdir()):
            match = RUN.match(run_dir.name)
            if match is not None and (run_dir / "wandb").exists():
                cell = {"setting": setting, "task": match["task"], "core": match["core"]}
                yield {**cell, "seed": int(match["seed"])}, run_dir


def write_rows(path: Path, rows: list[dict[str, object]]) -> None:
    """``rows`` as a CSV at ``path``, their keys the header."""
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def main(pairs: list[str]) -> None:
    rows = []
    for cell, run_dir in suite_runs(pairs):
        updates, mean, last = binding(run_dir)
        ratios = {"mean_ratio": round(mean, 3), "last_quarter_ratio": round(last, 3)}
        rows.append({**cell, "updates": updates, **ratios})
    write_rows(HERE / "floor_binding.csv", rows)


if __name__ == "__main__":
    main(sys.argv[1:])
