"""Each run's deadline verdict with ``bootstrap_truncated="auto"``: verdicts.csv next to this file.

    python bench/suite/results/deadline/verdicts.py OUT/*/runs/*

For every run directory (a suite cell), read back from its offline W&B run the truncations
counted as deadline payoffs (``rollout/deadline_payoffs``, after the last rollout) and the env
steps at which the count first reached ``DEADLINE_EVIDENCE`` (empty: the limit was never taken
for a deadline, so every truncation in range was bootstrapped).
"""

import csv
import sys
from pathlib import Path

from recurrent_agents.defaults import DEADLINE_EVIDENCE
from recurrent_agents.run.plot import read_history

HERE = Path(__file__).resolve().parent


def verdict(run_dir: Path) -> dict:
    task, agent, seed = run_dir.name.rsplit("-", 2)
    (wandb_run,) = sorted((run_dir / "wandb").glob("offline-run-*"))[-1:]
    rows = [r for r in read_history(wandb_run) if "rollout/deadline_payoffs" in r]
    payoffs = int(rows[-1]["rollout/deadline_payoffs"]) if rows else 0
    deadline_from = next(
        (r["global_step"] for r in rows if r["rollout/deadline_payoffs"] >= DEADLINE_EVIDENCE), ""
    )
    return {
        "task": task,
        "agent": agent,
        "seed": int(seed.removeprefix("s")),
        "env_steps": rows[-1]["global_step"] if rows else "",
        "deadline_payoffs": payoffs,
        "deadline_from_env_steps": deadline_from,
    }


def main() -> None:
    rows = sorted(
        (verdict(Path(d)) for d in sys.argv[1:]),
        key=lambda r: (r["task"], r["agent"], r["seed"]),
    )
    with (HERE / "verdicts.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
