"""Junction behaviour of trained TruncatedTMaze runs, for truncated_tmaze.md.

    PYTHONPATH=$PWD python bench/suite/results/diagnosis/junction_stats.py RUN_DIR [RUN_DIR ...]

For the sampled and the greedy policy: the fraction of episodes that reach the junction, end in an
arm (turned) and end in the goal arm; for sampled episodes also the critic's bootstrap value
V(final observation) at the truncation, by outcome (no turn / goal arm / wrong arm).
"""

import json
import sys

import numpy as np
import torch as th

from bench.suite.suite_envs import TruncatedTMaze
from recurrent_agents import RecurrentPPO


def junction_stats(
    model: RecurrentPPO, deterministic: bool, n: int = 100, length: int = 10, seed: int = 123
) -> tuple[list[float], dict[str, float | None]]:
    """[reach, turn, goal] rates over ``n`` episodes and mean bootstrap value by outcome."""
    policy, env = model.policy, TruncatedTMaze(length)
    reach = turn = goal = 0
    bootstrap: dict[str, list[float]] = {"none": [], "goal": [], "wrong": []}
    for k in range(n):
        obs, _ = env.reset(seed=seed + k)
        states, start, at_junction = policy.initial_state(1), th.ones(1), False
        while True:
            with th.no_grad():
                obs_t = th.as_tensor(obs[None])
                action, _, _, states = policy.forward(obs_t, states, start, deterministic)
            start = th.zeros(1)
            obs, _, terminated, truncated, info = env.step(int(action[0]))
            at_junction = at_junction or obs[1] == 1
            if terminated or truncated:
                break
        with th.no_grad():
            value = policy.predict_values(th.as_tensor(obs[None]), states.vf, th.zeros(1))
        outcome = "none" if obs[2] == 0 else ("goal" if info["is_success"] else "wrong")
        bootstrap[outcome].append(float(value.item()))
        reach += at_junction
        turn += obs[2] != 0
        goal += bool(info["is_success"])
    means = {k: (round(float(np.mean(v)), 3) if v else None) for k, v in bootstrap.items()}
    return [reach / n, turn / n, goal / n], means


if __name__ == "__main__":
    for run_dir in sys.argv[1:]:
        model = RecurrentPPO.load(f"{run_dir}/model.zip", device="cpu")
        with open(f"{run_dir}/result.json") as f:
            result = json.load(f)
        sampled, values = junction_stats(model, deterministic=False)
        greedy, _ = junction_stats(model, deterministic=True)
        row = {
            "run": run_dir.rstrip("/").split("/")[-1],
            "eval_success": result["eval_success_rate"],
            "train_success": result["train_success_rate"],
            "sampled_reach_turn_goal": sampled,
            "greedy_reach_turn_goal": greedy,
            "sampled_bootstrap_V_by_outcome": values,
        }
        print(json.dumps(row))
