"""A diagnosis env (not part of the suite): the truncating T-maze whose deadline step also pays
the pace penalty to an agent not at the junction, so that a lagging agent's final observation
shows the previous reward (-1/L) it saw on every step before, instead of the suite maze's 0.

    PYTHONPATH=.:bench/suite/results/deadline python train.py \
        --task=pace_at_deadline:PaceAtDeadline-v0 ...
"""

import gymnasium as gym

from bench.suite.suite_envs import TruncatedTMaze


class PaceAtDeadline(TruncatedTMaze):
    """TruncatedTMaze; at the deadline, -1/L more for an agent that is not at the junction."""

    def step(self, action):
        obs, reward, terminated, truncated, info = super().step(action)
        if truncated and self._x < self.memory_length:
            reward -= 1.0 / self.memory_length
        return obs, reward, terminated, truncated, info


gym.register("PaceAtDeadline-v0", entry_point=PaceAtDeadline)
