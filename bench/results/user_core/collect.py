"""One CSV row per train.py run under the given directories (any depth), with the run's
actor_value_coef: collect.py OUT.csv DIR ..."""

import sys
from pathlib import Path

import yaml

from recurrent_agents.run.records import RunResult
from recurrent_agents.study.frontier import write_csv

KEYS = ("task", "memory_length", "core", "seed", "env_steps", "eval_success_rate")


def main(out: str, roots: list[str]) -> None:
    rows = []
    for result_file in sorted(p for root in roots for p in Path(root).rglob("result.json")):
        run_dir = result_file.parent
        result = RunResult.read(run_dir)
        config = yaml.safe_load((run_dir / "config.yaml").read_text())
        rows.append(
            {
                "actor_value_coef": config.get("actor_value_coef") or 0.0,
                **{key: getattr(result, key) for key in KEYS},
                "eval_mean_return": round(result.eval_mean_return, 4),
            }
        )
    write_csv(rows, Path(out), columns=list(rows[0]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
