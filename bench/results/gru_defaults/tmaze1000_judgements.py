"""Every spaced greedy judgement of the T-maze L=1000 runs with ``--success_measure=either``.

Reads each run's offline W&B history (``train/greedy_success``: 100 fresh greedy episodes,
recorded at a rollout's start, written out with that rollout's end, and at the stop at once)
and writes one row per judgement: the env step it was made at, its greedy success, the
sampled training success of the last 100 episodes before it, and whether it stopped the run.

    python bench/results/gru_defaults/tmaze1000_judgements.py \\
        bench/results/gru_defaults/tmaze1000_judgements.csv RUN_DIR...
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from recurrent_agents.run.plot import read_history

#: Env steps of one rollout at L=1000: 8 envs x one 1001-step episode each.
ROLLOUT = 8 * 1001
#: Env steps the stopping rollout took before the stop (its first step of the 8 envs).
STOP_STEP = 8


def judgements(run_dir: Path) -> list[dict[str, object]]:
    """The judgements of the run in ``run_dir``, in the order they were made."""
    result = json.loads((run_dir / "result.json").read_text())
    history = read_history(run_dir)
    sampled = {
        row["global_step"]: row["rollout/success_rate"]
        for row in history
        if row.get("rollout/success_rate") is not None
    }
    rows = []
    for row in history:
        if row.get("train/greedy_success") is None:
            continue
        stop = row["global_step"] == result["env_steps"]
        made_at = row["global_step"] - (STOP_STEP if stop else ROLLOUT)
        before = [step for step in sampled if step <= made_at]
        rows.append(
            {
                "seed": result["seed"],
                "env_steps": made_at,
                "greedy_success": row["train/greedy_success"],
                "sampled_training_success": sampled[max(before)] if before else "",
                "stop": stop,
            }
        )
    return rows


def main(out: str, *run_dirs: str) -> None:
    rows = [row for run_dir in run_dirs for row in judgements(Path(run_dir))]
    with open(out, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main(*sys.argv[1:])
