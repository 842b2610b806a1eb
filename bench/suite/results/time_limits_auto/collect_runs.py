"""One CSV row per train.py run directory (its result.json): collect_runs.py OUT.csv RUN_DIR ...

The run directory's name gives the row's label (e.g. ``Acrobot-v1-auto-lstm-s0``)."""

import csv
import json
import sys
from pathlib import Path

KEYS = ("task", "core", "seed", "env_steps", "eval_success_rate", "eval_mean_return")


def main(out: str, run_dirs: list[str]) -> None:
    rows = []
    for run_dir in run_dirs:
        result = json.loads((Path(run_dir) / "result.json").read_text())
        rows.append({"run": Path(run_dir).name, **{key: result.get(key) for key in KEYS}})
    with open(out, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
