"""One CSV row per train.py run directory (its result.json): collect_runs.py OUT.csv RUN_DIR ...

The run directory's name gives the row's label (e.g. ``Acrobot-v1-auto-lstm-s0``)."""

import sys
from pathlib import Path

from recurrent_agents.run.records import RunResult
from recurrent_agents.study.frontier import write_csv

KEYS = ("task", "core", "seed", "env_steps", "eval_success_rate", "eval_mean_return")


def main(out: str, run_dirs: list[str]) -> None:
    rows = []
    for run_dir in run_dirs:
        result = RunResult.read(run_dir)
        if result is None:
            raise SystemExit(f"no finished run result in {run_dir}")
        rows.append({"run": Path(run_dir).name, **{key: getattr(result, key) for key in KEYS}})
    write_csv(rows, Path(out), columns=list(rows[0]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
