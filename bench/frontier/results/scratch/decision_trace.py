"""Train a train.py config in chunks and probe the decision step after each chunk: when does the
actor read the cue, when does the critic, and when is it lost?

    python bench/frontier/results/scratch/decision_trace.py --out trace.csv \
        [--chunk 96096] [--steps 3000000] -- --config configs/tmaze_lstm_L1000_scratch.yaml --seed 0

Everything after ``--`` is train.py's options. After each ``--chunk`` env steps (a multiple of
the rollout keeps rollouts whole) one CSV row: env steps, training success and return of the
last 100 episodes, and ``decision_probe``'s columns for the decision step (the actor's mean
action probabilities and the critic's mean value, per cue) and the step before it (value).
The probe runs under its own torch random state, so it draws nothing from the training run's;
no W&B run and no checkpoints (an experiment tool, not a training run).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np
import torch as th

sys.path.insert(0, str(Path(__file__).resolve().parent))
from decision_probe import probe_model  # noqa: E402

from recurrent_agents.run.config import build_config  # noqa: E402
from recurrent_agents.run.training import make_env, new_model  # noqa: E402


def trace_row(model, task: str, memory_length: int) -> dict:
    """Training statistics and the probe of the decision step, as one flat row."""
    successes, infos = model.ep_success_buffer, model.ep_info_buffer
    row = {
        "env_steps": model.num_timesteps,
        "train_success": round(float(np.mean(successes)), 3) if successes else None,
        "train_return": round(float(np.mean([e["r"] for e in infos])), 3) if infos else None,
    }
    with th.random.fork_rng():
        probed = probe_model(task, memory_length, model, episodes=64)
    for r in probed:
        if r["step"] in (memory_length - 1, memory_length):
            where = "decision" if r["step"] == memory_length else "before"
            row[f"value_{where}_cue{r['cue']}"] = r["value"]
            if where == "decision":
                row[f"probs_decision_cue{r['cue']}"] = r["action_probs"]
    return row


def main() -> None:
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--chunk", type=int, default=96_096)
    parser.add_argument("--steps", type=int, default=3_000_000)
    args = parser.parse_args(argv[:split])
    cfg = build_config(argv[split + 1 :])
    model = new_model(cfg, make_env(cfg, seed=cfg.seed))
    start = time.monotonic()
    with open(args.out, "w", newline="") as f:
        writer = None
        while model.num_timesteps < args.steps:
            model.learn(args.chunk, reset_num_timesteps=False)
            row = trace_row(model, cfg.task, cfg.memory_length)
            row["seconds"] = round(time.monotonic() - start)
            if writer is None:  # the columns are known once the first row is
                writer = csv.DictWriter(f, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)
            f.flush()
            print(row, flush=True)


if __name__ == "__main__":
    main()
