"""The sizes of the first four rollouts per env with ``align_rollouts="auto"`` on suite tasks
(seed 0, the defaults otherwise), and whether an episode ended before the horizon. From the
repository root:

    python bench/suite/results/ablation/align_auto/rollout_sizes.py TASK[,TASK...]
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

from stable_baselines3.common.callbacks import BaseCallback

from recurrent_agents.run.config import TrainConfig
from recurrent_agents.run.training import make_env, new_model

ROLLOUTS = 4


class RolloutSizes(BaseCallback):
    """Records each rollout's steps per env; stops training after ``ROLLOUTS`` of them."""

    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int] = []

    def _on_rollout_end(self) -> None:
        self.sizes.append(self.model.rollout_buffer.pos)

    def _on_step(self) -> bool:
        return len(self.sizes) < ROLLOUTS


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
        sizes = RolloutSizes()
        model.learn(10**6, callback=sizes)
        print(
            f"{task.name}: n_steps {first} at the start, rollouts {sizes.sizes}, "
            f"an episode ended before the horizon: {model.episodes_end_early}"
        )
        env.close()


if __name__ == "__main__":
    main(sys.argv[1].split(","))
