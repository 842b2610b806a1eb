"""The sizes of the first four rollouts per env with ``align_rollouts="auto"`` on suite tasks
(seed 0, the defaults otherwise), and whether an episode ended before the horizon. From the
repository root:

    python bench/suite/results/ablation/align_auto/rollout_sizes.py TASK[,TASK...]
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

from recurrent_agents.run.config import TrainConfig
from recurrent_agents.run.training import make_env, new_model

ROLLOUTS = 4


def main(names: list[str]) -> None:
    here = Path(__file__).resolve()
    sys.path[:0] = [str(here.parents[3]), str(here.parents[5])]  # bench/suite, the repository
    from run_suite import suite_tasks

    warnings.filterwarnings("ignore")
    for task in suite_tasks():
        if task.name not in names:
            continue
        cfg = TrainConfig(task=task.task, align_rollouts="auto", seed=0)
        env = make_env(cfg, 0, task.memory_length)
        model = new_model(cfg, env)
        first = model.n_steps
        _, callback = model._setup_learn(10**6, callback=None)
        sizes = []
        for _ in range(ROLLOUTS):
            model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)
            sizes.append(model.rollout_buffer.pos)
        print(
            f"{task.name}: n_steps {first} at the start, rollouts {sizes}, "
            f"an episode ended before the horizon: {model.episodes_end_early}"
        )
        env.close()


if __name__ == "__main__":
    main(sys.argv[1].split(","))
