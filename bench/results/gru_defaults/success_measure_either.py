"""The same cells with ``--success_measure=training`` (the default) and ``either``, side by side.

Reads every finished run's ``result.json`` under SWEEPS_DIR (``horizon.py`` cells, tagged by the
measure) and its offline W&B history, and writes one row per task, length, core and seed: env
steps at the stop, greedy success after it, whether the run stopped solved, and how many
100-episode greedy measurements the run made (the training measure's confirmation, and with
``either`` its spaced judgements too).

    python bench/results/gru_defaults/success_measure_either.py SWEEPS_DIR \\
        bench/results/gru_defaults/success_measure_either.csv
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from recurrent_agents.run.plot import read_history

CELL = ("task", "memory_length", "core", "seed")
MEASURES = ("training", "either")
COLUMNS = ("env_steps", "greedy", "stopped", "greedy_measurements")


def measured(result_path: Path) -> tuple[tuple, str, dict[str, object]]:
    """A run's cell, its success measure and its columns."""
    result = json.loads(result_path.read_text())
    history = read_history(result_path.parent)
    greedy = [row for row in history if row.get("train/greedy_success") is not None]
    cell = (result["task"], result["memory_length"], result["core"], result["seed"])
    columns = {
        "env_steps": result["env_steps"],
        "greedy": result["eval_success_rate"],
        "stopped": result["stopped_at_success"],
        "greedy_measurements": len(greedy),
    }
    return cell, result["config"]["success_measure"], columns


def main(sweeps_dir: str, out: str) -> None:
    cells: dict[tuple, dict[str, object]] = {}
    for path in sorted(Path(sweeps_dir).rglob("result.json")):
        cell, measure, columns = measured(path)
        row = cells.setdefault(cell, dict(zip(CELL, cell, strict=True)))
        row.update({f"{measure}_{name}": value for name, value in columns.items()})
    fields = list(CELL)
    fields += [f"{measure}_{name}" for measure in MEASURES for name in COLUMNS]
    with open(out, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(cells[cell] for cell in sorted(cells))


if __name__ == "__main__":
    main(*sys.argv[1:])
