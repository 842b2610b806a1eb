"""Batched numpy T-maze: thousands of ``TMazeEnv`` copies per call, no Python loop over copies."""

from __future__ import annotations

import numpy as np

from envs import _rng
from envs._validation import check_render_mode
from envs._vector import BatchedMemoryEnv
from envs.tmaze import (
    BAKKER_BUMP,
    BAKKER_GOAL,
    BAKKER_OBS,
    BAKKER_WRONG,
    MOVES,
    TMazeEnv,
)


class TMazeVecEnv(BatchedMemoryEnv):
    """``num_envs`` copies of :class:`envs.TMazeEnv` (same kwargs, semantics and
    ``episode_horizon``) as one Gymnasium ``VectorEnv`` with SAME_STEP autoreset; see
    :class:`envs._vector.BatchedMemoryEnv`.

    A copy's position is one cell index: ``x`` in the corridor (``0..L``, the junction is ``L``),
    ``L + 1`` in the up arm, ``L + 2`` in the down arm; moves and observations are table lookups.
    """

    def __init__(
        self,
        num_envs: int = 1,
        memory_length: int = 10,
        variant: str = "passive",
        render_mode: str | None = None,
    ) -> None:
        single = TMazeEnv(memory_length, variant)  # validates the kwargs
        self.memory_length, self.variant = single.memory_length, single.variant
        # Rendering is per copy: use TMazeEnv(render_mode=...) for pictures or videos.
        self.render_mode = check_render_mode(render_mode, [])
        self._setup(num_envs, single.observation_space, 4)
        self.junction, self.start = single.junction, single.start
        self.episode_horizon = single.episode_horizon
        self.penalty, self.bakker = single.penalty, single.bakker
        self._next_cell, self._cell_obs = _tables(self.junction)
        num_cells = self.junction + 3
        self._bumps = self._next_cell == np.repeat(np.arange(num_cells), 4)
        self._bakker_obs = _bakker_obs_table(self.junction)
        n = self.num_envs
        self._cell = np.zeros(n, dtype=np.int64)
        self._t = np.zeros(n, dtype=np.int64)
        self._goal = np.zeros(n, dtype=np.int64)  # the goal arm's cell index
        self._cue = np.zeros(n, dtype=np.float32)
        self._cue_seen = np.zeros(n, dtype=bool)
        self._tmp = np.zeros(n, dtype=np.int64)
        self._obs_offset = np.zeros(n, dtype=np.int64)  # Bakker: row block of the cue

    def _start_episodes(self, idx: np.ndarray, obs: np.ndarray) -> None:
        up = _rng.uniform_int(_rng.episode_key(self._keys[idx], self._episodes[idx]), 2)
        self._cue[idx] = 2 * up - 1
        self._goal[idx] = self.junction + 2 - up
        self._cell[idx] = self.start
        self._t[idx] = 0
        if self.bakker:
            self._obs_offset[idx] = (self.junction + 3) * up
            obs[idx] = self._bakker_obs[self.start + self._obs_offset[idx]]
            return
        obs[idx] = self._cell_obs[self.start]
        passive = self.start == 0
        self._cue_seen[idx] = passive
        if passive:
            obs[idx, 0] = self._cue[idx]

    def _advance(
        self, actions: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        cell, t, tmp = self._cell, self._t, self._tmp
        np.multiply(cell, 4, out=tmp)
        tmp += actions
        if self.bakker:
            return self._advance_bakker(tmp)
        np.take(self._next_cell, tmp, out=cell)
        t += 1
        obs = np.take(self._cell_obs, cell, axis=0)
        if self.start:  # active: the cue shows on the first visit of cell 0
            visible = cell == 0
            visible &= ~self._cue_seen
            self._cue_seen |= visible
            np.multiply(self._cue, visible, out=obs[:, 0])
        np.subtract(t, self.start, out=tmp)
        rewards = np.where(cell < tmp, self.penalty, 0.0)
        terminated = t >= self.episode_horizon
        success = cell == self._goal
        np.copyto(rewards, success, where=terminated)
        return obs, rewards, terminated, np.zeros(self.num_envs, dtype=bool), success

    def _advance_bakker(
        self, cell_action: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        cell, t = self._cell, self._t
        bumped = np.take(self._bumps, cell_action)
        np.take(self._next_cell, cell_action, out=cell)
        t += 1
        np.add(cell, self._obs_offset, out=cell_action)
        obs = np.take(self._bakker_obs, cell_action, axis=0)
        in_arm = cell > self.junction
        success = cell == self._goal
        rewards = np.where(bumped, BAKKER_BUMP, 0.0)
        np.copyto(rewards, np.where(success, BAKKER_GOAL, BAKKER_WRONG), where=in_arm)
        truncated = t >= self.episode_horizon
        truncated &= ~in_arm
        return obs, rewards, in_arm, truncated, success


def _bakker_obs_table(junction: int) -> np.ndarray:
    """Bakker observation rows: cells ``0..L+2`` with the goal down, then the same with goal up."""
    num_cells = junction + 3
    rows = np.zeros((2 * num_cells, 3), dtype=np.float32)
    for block, sign in enumerate(("down", "up")):
        base = block * num_cells
        rows[base] = BAKKER_OBS[sign]
        rows[base + 1 : base + junction] = BAKKER_OBS["corridor"]
        rows[base + junction] = BAKKER_OBS["junction"]
    return rows


def _tables(junction: int) -> tuple[np.ndarray, np.ndarray]:
    """Transition table ``next[cell * 4 + action]`` and observation rows ``obs[cell]``.

    Same rule as ``TMazeEnv.step``: slide along the corridor, turn only at the junction, leave an
    arm only back to the junction; any other move bumps into a wall (stay). Built with numpy so
    that long corridors cost no Python loop.
    """
    up, down = junction + 1, junction + 2
    x = np.arange(junction + 1)
    next_cell = np.repeat(np.arange(junction + 3), 4).reshape(-1, 4)  # default: stay
    right, turn_up, left, turn_down = (MOVES.index(m) for m in ((1, 0), (0, 1), (-1, 0), (0, -1)))
    next_cell[x, right] = np.minimum(x + 1, junction)
    next_cell[x, left] = np.maximum(x - 1, 0)
    next_cell[junction, turn_up], next_cell[junction, turn_down] = up, down
    next_cell[up, turn_down] = next_cell[down, turn_up] = junction
    cell_obs = np.zeros((junction + 3, 3), dtype=np.float32)
    cell_obs[junction:, 1] = 1.0
    cell_obs[up, 2], cell_obs[down, 2] = 1.0, -1.0
    return next_cell.reshape(-1), cell_obs
