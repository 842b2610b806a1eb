"""Which suite tasks end episodes by truncation under random play (what ``bootstrap_truncated``
can change): episodes and truncations in 3,000 steps on 4 envs, per task. bsuite at four of its
settings; CartPole's tasks truncate only once a policy balances the pole (at their horizon).

    PYTHONPATH=. python bench/suite/results/bootstrap_auto/which_truncate.py
"""

import numpy as np

import bench.suite.suite_envs  # noqa: F401  registers suite/*
from bench.suite.run_suite import suite_tasks
from envs.sb3 import make_sb3_vec_env

KEPT_BSUITE = ("L1", "L10", "B1", "B5")


def count(task) -> tuple[int, int]:
    kwargs = {"memory_length": task.memory_length} if task.memory_length else {}
    env = make_sb3_vec_env(
        task.task, n_envs=4, seed=0, prev_action_reward="auto", **kwargs, **dict(task.options)
    )
    env.reset()
    ends = truncated = 0
    for _ in range(3000):
        actions = np.array([env.action_space.sample() for _ in range(env.num_envs)])
        _, _, dones, infos = env.step(actions)
        for i in np.flatnonzero(dones):
            ends += 1
            truncated += bool(infos[i].get("TimeLimit.truncated", False))
    return ends, truncated


for task in suite_tasks(held_out=True):
    if task.name.startswith("bsuite-") and not task.name.endswith(KEPT_BSUITE):
        continue
    ends, truncated = count(task)
    print(f"{task.name:40s} episodes {ends:5d} truncated {truncated:5d}")
