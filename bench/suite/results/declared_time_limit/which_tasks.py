"""Which tasks the declared time limit reaches: for every task of the memory suite (held-out
tasks included), the toolkit's other tasks and Gymnasium's classic-control tasks, the time limit
a ``TimeLimit`` declares on the env ``train.py`` builds with the defaults
(``declared_time_limit``) beside its episode horizon. Only a task with a declared limit can
train differently since the advantage floor reads it; the others train as before, to the env
step.

    python bench/suite/results/declared_time_limit/which_tasks.py OUT.csv
"""

from __future__ import annotations

import csv
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT))

from bench.suite.run_suite import suite_tasks  # noqa: E402
from envs.sb3 import make_sb3_vec_env  # noqa: E402
from recurrent_agents.horizon import declared_time_limit, episode_horizon  # noqa: E402
from recurrent_agents.run.config import TrainConfig  # noqa: E402

#: What train.py's env observes besides the task's observation, as in a run with the defaults.
OBSERVED = TrainConfig().prev_action_reward

#: Tasks outside the suite: the toolkit's other T-mazes and Gymnasium's classic control.
OTHER_TASKS = (
    ("BakkerTMaze-L10", "BakkerTMaze", {"memory_length": 10}),
    ("ActiveTMaze-L10", "TMaze", {"memory_length": 10, "variant": "active"}),
    ("CartPole-v1", "CartPole-v1", {}),
    ("Acrobot-v1", "Acrobot-v1", {}),
    ("MountainCar-v0", "MountainCar-v0", {}),
    ("Pendulum-v1", "Pendulum-v1", {}),
)


def rows() -> list[dict[str, object]]:
    """One row per task: its name, env id, time limit declared (or empty) and horizon."""
    tasks = [
        (t.name, t.task, {**dict(t.options), "memory_length": t.memory_length})
        for t in suite_tasks(held_out=True)
    ]
    out = []
    for name, task, kwargs in [*tasks, *OTHER_TASKS]:
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            env = make_sb3_vec_env(task, n_envs=2, seed=0, prev_action_reward=OBSERVED, **kwargs)
        out.append(
            {
                "task": name,
                "env_id": task,
                "declared_time_limit": declared_time_limit(env) or "",
                "episode_horizon": episode_horizon(env) or "",
            }
        )
        env.close()
    return out


def main(path: str) -> None:
    table = rows()
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    print(f"{sum(bool(r['declared_time_limit']) for r in table)} of {len(table)} tasks declare one")


if __name__ == "__main__":
    main(sys.argv[1])
