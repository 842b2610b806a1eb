"""One CSV row per train.py run directory (its result.json): the runs here that are not suite
cells (the Bakker T-maze, the time-in-the-observation screen, the per-update CartPole runs).

    python bench/suite/results/bootstrap_auto/collect.py OUT.csv SETTING RUN_DIR...
"""

import csv
import json
import sys
from pathlib import Path

FIELDS = ("setting", "task", "memory_length", "core", "seed", "env_steps", "greedy_return")
COLUMNS = (*FIELDS, "greedy_success")


def row(setting: str, run_dir: Path) -> dict:
    result = json.loads((run_dir / "result.json").read_text())
    fields = ("task", "memory_length", "core", "seed", "env_steps", "eval_mean_return")
    return dict(zip(FIELDS, (setting, *(result.get(k) for k in fields)), strict=True)) | {
        "greedy_success": result.get("eval_success_rate")
    }


def main() -> None:
    out, setting, run_dirs = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
    new_file = not out.exists()
    with out.open("a", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        if new_file:
            writer.writeheader()
        writer.writerows(row(setting, Path(d)) for d in run_dirs)


if __name__ == "__main__":
    main()
