"""Batched numpy DelayedCue: thousands of ``DelayedCueEnv`` copies per call, no Python loop."""

from __future__ import annotations

import numpy as np

from envs import _rng
from envs._validation import check_render_mode
from envs._vector import BatchedMemoryEnv
from envs.delayed_cue import DelayedCueEnv


class DelayedCueVecEnv(BatchedMemoryEnv):
    """``num_envs`` copies of :class:`envs.DelayedCueEnv` (same kwargs, semantics and
    ``episode_horizon``) as one Gymnasium ``VectorEnv`` with SAME_STEP autoreset; see
    :class:`envs._vector.BatchedMemoryEnv`.

    Observations are rows of a table indexed by the step ``t``, plus the cue / distractor one-hots.
    """

    def __init__(
        self,
        num_envs: int = 1,
        memory_length: int = 10,
        num_cues: int = 2,
        distractors: bool = False,
        render_mode: str | None = None,
    ) -> None:
        single = DelayedCueEnv(memory_length, num_cues, distractors)  # validates the kwargs
        self.memory_length, self.num_cues = single.memory_length, single.num_cues
        self.distractors, self.episode_horizon = single.distractors, single.episode_horizon
        # Rendering is per copy: use DelayedCueEnv(render_mode=...) for pictures or videos.
        self.render_mode = check_render_mode(render_mode, [])
        self._setup(num_envs, single.observation_space, self.num_cues)
        n, width = self.num_envs, self.num_cues + 2
        steps = np.arange(self.memory_length + 2)
        # Row t: the observation at step t without cue/distractor (row L + 1 is the final zeros).
        self._step_obs = np.zeros((self.memory_length + 2, width), dtype=np.float32)
        self._step_obs[:-1, 0] = 1.0 - steps[:-1] / self.memory_length
        self._step_obs[self.memory_length, 1] = 1.0
        self._t = np.zeros(n, dtype=np.int64)
        self._cue = np.zeros(n, dtype=np.int64)
        self._episode_keys = np.zeros(n, dtype=np.uint64)
        self._row_start = np.arange(n, dtype=np.int64) * width + 2  # flat index of obs[i, 2]

    def _start_episodes(self, idx: np.ndarray, obs: np.ndarray) -> None:
        self._episode_keys[idx] = _rng.episode_key(self._keys[idx], self._episodes[idx])
        self._cue[idx] = _rng.uniform_int(self._episode_keys[idx], self.num_cues)
        self._t[idx] = 0
        obs[idx] = self._step_obs[0]
        obs[idx, 2 + self._cue[idx]] = 1.0

    def _advance(
        self, actions: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        t = self._t
        t += 1
        obs = np.take(self._step_obs, t, axis=0)
        if self.distractors:
            symbol = _rng.uniform_int(_rng.step_draw(self._episode_keys, t), self.num_cues)
            symbol += self._row_start
            # Writing 0 where no distractor is due leaves those (already zero) entries unchanged.
            obs.reshape(-1)[symbol] = t < self.memory_length
        terminated = t >= self.episode_horizon
        success = actions == self._cue
        rewards = np.zeros(self.num_envs)
        np.copyto(rewards, np.where(success, 1.0, -1.0), where=terminated)
        return obs, rewards, terminated, np.zeros(self.num_envs, dtype=bool), success
