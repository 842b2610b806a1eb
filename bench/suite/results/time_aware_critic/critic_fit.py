"""How well each run's critic fits its value targets, and how fast the policy improved: the mean
over the last fifth of a run's updates of W&B's ``train/explained_variance`` and of the training
return ``rollout/ep_rew_mean``, from the offline run files. One row per run of each setting:

    python critic_fit.py SETTING=SUITE_OUT [SETTING=SUITE_OUT ...] > critic_fit.csv

SUITE_OUT is a ``run_suite.py --out`` directory (its ``runs/CELL/wandb/offline-run-*``).
"""

import csv
import sys
from pathlib import Path

import numpy as np

from recurrent_agents.run.plot import read_history

KEYS = ("train/explained_variance", "rollout/ep_rew_mean")


def last_fifth_means(run_dir: Path) -> list[float]:
    """The mean of each of KEYS over the last fifth of the rows that log it."""
    (wandb_dir,) = run_dir.glob("wandb/offline-run-*")
    rows = read_history(wandb_dir)
    means = []
    for key in KEYS:
        values = [row[key] for row in rows if isinstance(row.get(key), float)]
        means.append(float(np.mean(values[-max(1, len(values) // 5) :])))
    return means


def main(specs: list[str]) -> None:
    writer = csv.writer(sys.stdout)
    writer.writerow(["setting", "cell", "explained_variance_last_fifth", "train_return_last_fifth"])
    for spec in specs:
        setting, out = spec.split("=", 1)
        for run_dir in sorted(Path(out, "runs").iterdir()):
            fit, ret = last_fifth_means(run_dir)
            writer.writerow([setting, run_dir.name, f"{fit:.3f}", f"{ret:.3f}"])


if __name__ == "__main__":
    main(sys.argv[1:])
