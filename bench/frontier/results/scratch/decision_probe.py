"""What a trained model's actor and critic know about the cue at the decision step.

    python bench/frontier/results/scratch/decision_probe.py --task DelayedCue --memory-length 1000 \
        --model RUN_DIR/model.zip [--episodes 64] [--out probe.csv]

Runs ``--episodes`` sampled episodes (the policy's own actions, previous reward observed as in
training) and writes, for a few steps of the episode (the first, the middle and the last two),
the actor's mean action probabilities and the critic's mean value, each split by the cue. An
actor that remembers the cue answers differently for the two cues at the decision; a critic
that remembers it predicts different returns for them.
"""

from __future__ import annotations

import argparse
import csv
import sys

import numpy as np
import torch as th

from envs.sb3 import make_sb3_vec_env
from recurrent_agents import RecurrentPPO


def cue_of(task: str, first_obs: np.ndarray) -> np.ndarray:
    """The cue (0 or 1) of each episode, read from its first observation."""
    if task == "DelayedCue":
        return first_obs[:, 2:4].argmax(axis=1)
    if task == "TMaze":
        return (first_obs[:, 0] > 0).astype(int)
    raise SystemExit(f"decision_probe.py: --task must be DelayedCue or TMaze, got {task!r}")


def probe(task: str, memory_length: int, model_path: str, episodes: int) -> list[dict]:
    """Rows (step, cue, mean action probabilities, mean value) of a saved model's episodes."""
    return probe_model(task, memory_length, RecurrentPPO.load(model_path, device="cpu"), episodes)


def probe_model(task: str, memory_length: int, model, episodes: int) -> list[dict]:
    """Rows (step, cue, mean action probabilities, mean value) of sampled episodes."""
    env = make_sb3_vec_env(
        task, n_envs=episodes, seed=123, prev_action_reward="reward", memory_length=memory_length
    )
    obs = env.reset()
    states = model.policy.initial_state(episodes)
    starts = th.ones(episodes)
    steps = {0, memory_length // 2, memory_length - 1, memory_length}
    cue, rows = None, []
    with th.no_grad():
        for t in range(memory_length + 1):
            if t == 0:
                cue = cue_of(task, obs)
            obs_t, states_t = th.as_tensor(obs), states
            actions, values, _, states = model.policy(obs_t, states_t, starts)
            if t in steps:  # the actor once more, for its probabilities, at these steps only
                dist, _ = model.policy.get_distribution(obs_t, states_t.pi, starts)
                probs = dist.distribution.probs.reshape(episodes, -1).numpy()
                for c in (0, 1):
                    rows.append(
                        {
                            "step": t,
                            "cue": c,
                            "episodes": int((cue == c).sum()),
                            "action_probs": " ".join(f"{p:.3f}" for p in probs[cue == c].mean(0)),
                            "value": round(float(values.reshape(-1)[cue == c].mean()), 3),
                        }
                    )
            obs, _, _, _ = env.step(actions.numpy())
            starts = th.zeros(episodes)
    env.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", required=True)
    parser.add_argument("--memory-length", type=int, required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--episodes", type=int, default=64)
    parser.add_argument("--out", help="CSV path (default: stdout)")
    args = parser.parse_args()
    rows = probe(args.task, args.memory_length, args.model, args.episodes)
    out = open(args.out, "w", newline="") if args.out else sys.stdout
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)


if __name__ == "__main__":
    main()
