"""kl_stops.csv: how far each update's first gradient steps moved the policy.

Per run, from its offline W&B history: the updates, the share of them that ``target_kl`` stopped
within their first epoch (the epochs an update ran are the rise of ``train/n_updates``), the
median ``train/approx_kl`` (the mean KL of the minibatches of the update's last epoch, the one
that stopped it included) and the share of updates whose ``train/approx_kl`` was above five
times ``target_kl``: a single minibatch step that moved the policy far past the stop.

    python bench/suite/results/discounted_floor/kl_stops.py SETTING=SUITE_OUT_DIR ...
"""

import sys
from pathlib import Path

import numpy as np
from binding import suite_runs, write_rows

from recurrent_agents.defaults import PPO_DEFAULTS
from recurrent_agents.run.plot import read_history

HERE = Path(__file__).resolve().parent
FAR = 5 * PPO_DEFAULTS["target_kl"]


def kl_stops(run_dir: Path) -> dict[str, float]:
    """The updates, the share stopped in their first epoch, the median KL, the share above FAR."""
    rows = [
        row
        for row in read_history(run_dir / "wandb")
        if isinstance(row.get("train/approx_kl"), float)
    ]
    epochs = np.diff([row["train/n_updates"] for row in rows])
    kls = np.array([row["train/approx_kl"] for row in rows[1:]])
    return {
        "updates": len(kls),
        "first_epoch_stops": round(float(np.mean(epochs == 1)), 3),
        "median_kl": round(float(np.median(kls)), 4),
        "far_past_stop": round(float(np.mean(kls > FAR)), 3),
    }


def main(pairs: list[str]) -> None:
    rows = [{**cell, **kl_stops(run_dir)} for cell, run_dir in suite_runs(pairs)]
    write_rows(HERE / "kl_stops.csv", rows)


if __name__ == "__main__":
    main(sys.argv[1:])
