"""How a core's critic and policy differ on Gymnasium's Pendulum-v1 with the time limit's
truncations bootstrapped or ended, from each run's W&B offline history (one CSV row per run):

    python pendulum_critic.py OUT.csv RUN_DIR ...

A run directory is named ``Pendulum-v1-<setting>-<core>-s<seed>`` (``collect_runs.py``'s
labels). Columns: the policy's action std after the last update (its learned ``log_std``), the
greedy return after the last update (result.json), the training (sampled) return at the end and
at 150k env steps, the first env step at which the training return passed -800 (the swing-up
found), the critic's explained variance (mean over the updates from 40k env steps on, and its
lowest there) and the return scale the critic's targets were normalised by at its peak.
"""

import sys
from pathlib import Path

import numpy as np
import torch as th

from recurrent_agents import RecurrentPPO
from recurrent_agents.run.plot import read_history
from recurrent_agents.run.records import RunResult
from recurrent_agents.study.frontier import write_csv

SWING_UP = -800.0
SETTLED = 40_000  # env steps before which the critic is still fitting its first targets


def row_for(run_dir: Path) -> dict:
    """The CSV row of one run."""
    result = RunResult.read(run_dir)
    if result is None:
        raise SystemExit(f"no finished run result in {run_dir}")
    history = [
        row
        for row in read_history(run_dir)
        if "train/explained_variance" in row and "rollout/ep_rew_mean" in row
    ]
    returns = [(row["global_step"], row["rollout/ep_rew_mean"]) for row in history]
    log_std = RecurrentPPO.load(run_dir / "model.zip", device="cpu").policy.log_std.detach()
    settled = [row["train/explained_variance"] for row in history if row["global_step"] >= SETTLED]
    return {
        "run": run_dir.name,
        "core": result.core,
        "seed": result.seed,
        "action_std": round(float(th.exp(log_std).mean()), 2),
        "greedy_return": round(result.eval_mean_return, 1),
        "training_return_end": round(returns[-1][1], 1),
        "training_return_150k": round(next(r for step, r in returns if step >= 150_000), 1),
        "swing_up_step": next((step for step, r in returns if r > SWING_UP), None),
        "explained_variance_mean": round(float(np.mean(settled)), 3),
        "explained_variance_min": round(float(np.min(settled)), 3),
        "value_scale_peak": round(max(row["train/value_scale"] for row in history), 1),
    }


def main(out: str, run_dirs: list[str]) -> None:
    rows = [row_for(Path(run_dir)) for run_dir in run_dirs]
    write_csv(rows, Path(out), columns=list(rows[0]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
