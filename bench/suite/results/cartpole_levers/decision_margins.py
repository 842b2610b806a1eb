"""How decided each final CartPole-without-velocities policy is on the states its greedy play
visits, next to its greedy score (one CSV row per run directory):

    python decision_margins.py OUT.csv RUN_DIR ...

A policy whose greedy score swings from update to update might be one left near 50/50 on many
states (an argmax that a small update flips). Each run's model plays greedily on 4 envs for
2,000 steps (evaluation seed 777); the columns are its mean return over the episodes that ended,
the share of visited states where the larger action probability is below 0.6 and below 0.75,
and its median.
"""

import sys
from pathlib import Path

import numpy as np
import torch as th

from envs.sb3 import make_sb3_vec_env
from recurrent_agents import RecurrentPPO
from recurrent_agents.run.rundir import read_config
from recurrent_agents.study.frontier import write_csv

N_ENVS = 4
STEPS = 2_000
EVAL_SEED = 777


def row_for(run_dir: Path) -> dict:
    """The CSV row of one run."""
    config = read_config(run_dir)
    policy = RecurrentPPO.load(run_dir / "model.zip", device="cpu").policy
    env = make_sb3_vec_env(
        config["task"],
        n_envs=N_ENVS,
        seed=EVAL_SEED,
        monitor=False,
        prev_action_reward=config.get("prev_action_reward", False),
    )
    obs, starts = env.reset(), np.ones(N_ENVS, dtype=bool)
    states = policy.core_actor.initial_state(N_ENVS)
    larger, returns, running = [], [], np.zeros(N_ENVS)
    for _ in range(STEPS):
        with th.no_grad():
            obs_tensor, _ = policy.obs_to_tensor(obs)
            starts_tensor = th.as_tensor(starts, dtype=th.float32)
            dist, states = policy.get_distribution(obs_tensor, states, starts_tensor)
            probs = dist.distribution.probs
        larger.append(probs.max(-1).values.numpy())
        obs, rewards, starts, _ = env.step(probs.argmax(-1).numpy())
        running += rewards
        for i in np.flatnonzero(starts):
            returns.append(running[i])
            running[i] = 0.0
    env.close()
    larger = np.concatenate(larger)
    return {
        "run": run_dir.name,
        "greedy_return": round(float(np.mean(returns)), 1),
        "episodes": len(returns),
        "share_below_0.6": round(float(np.mean(larger < 0.6)), 3),
        "share_below_0.75": round(float(np.mean(larger < 0.75)), 3),
        "median_larger_probability": round(float(np.median(larger)), 3),
    }


def main(out: str, run_dirs: list[str]) -> None:
    rows = [row_for(Path(run_dir)) for run_dir in run_dirs]
    write_csv(rows, Path(out), columns=list(rows[0]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
