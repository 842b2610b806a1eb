"""Tasks of the memory benchmark suite written outside the toolkit's ``envs`` package.

Importing this module registers (``--task bench.suite.suite_envs:ID``):

* ``suite/TruncatedTMaze-v0``: a passive T-maze with Ni et al.'s rewards whose deadline is a
  Gymnasium *truncation* (a time limit, as MiniGrid's ``max_steps``), written independently of
  ``envs/tmaze.py`` (whose deadline is a terminal).
* ``suite/CartPoleNoVel-v0``: sb3-contrib's CartPole without velocities, ``TimeLimit`` 500, the
  env of its ``test_ppo_lstm_performance`` (which passes at a greedy mean return >= 450).
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.envs.classic_control.cartpole import CartPoleEnv

TRUNCATED_TMAZE_ID = "suite/TruncatedTMaze-v0"
CARTPOLE_NOVEL_ID = "suite/CartPoleNoVel-v0"

# Actions: right, up, left, down as (dx, dy).
_MOVES = ((1, 0), (0, 1), (-1, 0), (0, -1))


class TruncatedTMaze(gym.Env[np.ndarray, int]):
    """Passive T-maze: corridor ``x = 0 .. L``, junction at ``x = L`` with arms ``y = +1 / -1``.

    The goal arm's sign is observed only at the first step. Observation ``[cue, at_junction,
    arm]`` (``Box(-1, 1, (3,))``); actions right, up, left, down (up/down only leave the
    junction). Rewards as Ni et al. 2023: ``-1/L`` for each step behind the optimal pace
    (``x < t``), and at the deadline ``t = L + 1`` 1 in the goal arm, else 0. The episode always
    ends at the deadline with ``truncated=True`` (never ``terminated``), so an agent bootstraps
    from the last observation there; ``info["is_success"]`` says whether it was in the goal arm.
    """

    metadata = {"render_modes": []}

    def __init__(self, memory_length: int = 10) -> None:
        if not isinstance(memory_length, int) or isinstance(memory_length, bool):
            raise ValueError(f"memory_length must be a positive int, got {memory_length!r}")
        if memory_length < 1:
            raise ValueError(f"memory_length must be a positive int, got {memory_length!r}")
        self.memory_length = memory_length
        self.episode_horizon = memory_length + 1
        self.observation_space = gym.spaces.Box(-1.0, 1.0, shape=(3,), dtype=np.float32)
        self.action_space = gym.spaces.Discrete(4)

    def _observation(self) -> np.ndarray:
        cue = self._goal if self._t == 0 else 0
        return np.array([cue, self._x == self.memory_length, self._y], dtype=np.float32)

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        super().reset(seed=seed)
        self._goal = int(self.np_random.choice((-1, 1)))
        self._x, self._y, self._t = 0, 0, 0
        return self._observation(), {}

    def step(self, action: int) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        dx, dy = _MOVES[int(action)]
        if self._y == 0 and dy == 0:  # along the corridor
            self._x = min(max(self._x + dx, 0), self.memory_length)
        elif self._x == self.memory_length and self._y + dy in (-1, 0, 1):  # into / out of an arm
            self._y += dy
        self._t += 1
        if self._t < self.episode_horizon:
            reward = -1.0 / self.memory_length if self._x < self._t else 0.0
            return self._observation(), reward, False, False, {}
        success = self._y == self._goal
        return self._observation(), float(success), False, True, {"is_success": success}


class CartPoleNoVel(CartPoleEnv):
    """sb3-contrib's ``CartPoleNoVelEnv`` (tests/test_lstm.py): CartPole observing only the cart
    position and the pole angle."""

    def __init__(self, render_mode: str | None = None) -> None:
        super().__init__(render_mode=render_mode)
        high = np.array([self.x_threshold * 2, self.theta_threshold_radians * 2], np.float32)
        self.observation_space = gym.spaces.Box(-high, high, dtype=np.float32)

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        obs, info = super().reset(seed=seed, options=options)
        return obs[[0, 2]], info

    def step(self, action: int) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        obs, reward, terminated, truncated, info = super().step(action)
        return obs[[0, 2]], reward, terminated, truncated, info


gym.register(id=TRUNCATED_TMAZE_ID, entry_point=TruncatedTMaze)
gym.register(id=CARTPOLE_NOVEL_ID, entry_point=CartPoleNoVel, max_episode_steps=500)
