"""A CSV of each run's W&B history (histories.csv here: the L=1000 runs), one row per update
that ended episodes, every ``EVERY`` such rows: training success and return, the policy's
entropy, the critic's explained variance, and the advantage floor's inputs (the rollout's
advantage std, the std it was normalised by, and the peak std of episode returns the floor
reads).

    python bench/suite/results/discounted_floor/tmaze_L1000/histories.py OUT_CSV NAME=RUN_DIR ...
"""

import csv
import sys
from pathlib import Path

from recurrent_agents.run.plot import read_history

EVERY = 6
COLUMNS = {
    "train_success_rate": "rollout/success_rate",
    "train_return": "rollout/ep_rew_mean",
    "policy_entropy": "train/entropy",
    "explained_variance": "train/explained_variance",
    "advantage_std": "train/advantage_std",
    "advantage_scale": "train/advantage_scale",
    "return_std_peak": "train/return_std_peak",
}


def history(run_dir: Path) -> list[dict[str, float]]:
    """The run's rows that report training success, each with the latest value of every key."""
    latest: dict[str, float] = {}
    rows = []
    for row in read_history(run_dir / "wandb"):
        latest.update({key: value for key, value in row.items() if value is not None})
        if "rollout/success_rate" in row:
            rows.append(
                {"env_steps": latest["global_step"]}
                | {name: round(latest.get(key, float("nan")), 6) for name, key in COLUMNS.items()}
            )
    return rows[::EVERY]


def main(out_csv: str, pairs: list[str]) -> None:
    with Path(out_csv).open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["run", "env_steps", *COLUMNS])
        writer.writeheader()
        for pair in pairs:
            name, run_dir = pair.split("=", 1)
            writer.writerows({"run": name} | row for row in history(Path(run_dir)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
