"""Shared machinery of the batched memory tasks: seeding, SAME_STEP autoreset and its infos."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from envs import _rng
from envs._validation import check_actions, check_positive_int


class BatchedMemoryEnv(VectorEnv):
    """Base class: ``num_envs`` copies of a task held as numpy arrays, stepped without a Python
    loop over copies, with Gymnasium's SAME_STEP autoreset.

    On the step an episode ends, the returned observation is already the first one of the next
    episode, and ``infos`` holds Gymnasium's SAME_STEP layout (as ``SyncVectorEnv`` builds it):
    ``infos["final_obs"]`` (object array, the last observation of each finished copy, ``None``
    elsewhere), ``infos["_final_obs"]`` (bool mask), ``infos["final_info"]`` =
    ``{"is_success": bool array, "_is_success": mask}`` and ``infos["_final_info"]`` (mask).
    Steps where no episode ends return ``infos = {}``.

    Copy ``i`` after ``reset(seed=s)`` behaves exactly like the single environment after
    ``reset(seed=s + i)`` (Gymnasium's convention), given the same actions.

    Subclasses set ``single_observation_space``, ``single_action_space`` and implement
    ``_advance`` (one step of every copy) and ``_start_episodes`` (fresh episodes for some copies).
    """

    metadata = {
        "autoreset_mode": AutoresetMode.SAME_STEP,
        "render_modes": [],
    }

    def _setup(self, num_envs: int, obs_space: gym.spaces.Box, num_actions: int) -> None:
        self.num_envs = check_positive_int("num_envs", num_envs)
        self.single_observation_space = obs_space
        self.single_action_space = gym.spaces.Discrete(num_actions)
        self.observation_space = batch_space(obs_space, self.num_envs)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self._num_actions = num_actions
        self._keys: np.ndarray | None = None
        self._episodes = np.zeros(self.num_envs, dtype=np.int64)
        self._all = np.arange(self.num_envs)
        self._obs = np.zeros((self.num_envs, *obs_space.shape), dtype=obs_space.dtype)

    def reset(
        self, *, seed: int | list[int] | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Start new episodes in every copy (or in ``options["reset_mask"]`` only).

        ``seed`` (an int ``s``: copy ``i`` gets ``s + i``; or one int per copy) restarts the
        episode sequence of the copies that are reset.
        """
        mask = None if options is None else options.get("reset_mask")
        idx = self._all if mask is None else np.flatnonzero(np.asarray(mask, dtype=bool))
        if seed is not None:
            if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
                super().reset(seed=int(seed))
                seeds = np.uint64(int(seed)) + self._all.astype(np.uint64)
            else:
                seeds = np.asarray(seed)
                if seeds.shape != (self.num_envs,) or not np.issubdtype(seeds.dtype, np.integer):
                    raise ValueError(f"seed must be an int or {self.num_envs} ints, got {seed!r}")
            if self._keys is None:
                self._keys = _rng.key_from_generator(self.np_random, self.num_envs)
            self._keys[idx] = _rng.key_from_seed(seeds[idx])
            self._episodes[idx] = 0
        elif self._keys is None:
            self._keys = _rng.key_from_generator(self.np_random, self.num_envs)
            self._episodes[:] = 0
        else:
            self._episodes[idx] += 1
        self._obs = self._obs.copy()  # the caller may still hold the previous array
        self._start_episodes(idx, self._obs)
        return self._obs.copy(), {}

    def step(
        self, actions: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        """Step every copy; copies whose episode ends are reset in the same call (SAME_STEP)."""
        if self._keys is None:
            raise gym.error.ResetNeeded("Call reset() before step().")
        actions = check_actions(actions, self.num_envs, self._num_actions)
        obs, rewards, terminated, truncated, success = self._advance(actions)
        done = terminated | truncated
        infos: dict[str, Any] = {}
        if done.any():
            idx = np.flatnonzero(done)
            final_obs = np.empty(self.num_envs, dtype=object)
            final_obs[idx] = np.fromiter(obs[idx], dtype=object, count=len(idx))
            is_success = np.zeros(self.num_envs, dtype=bool)
            is_success[idx] = success[idx]
            infos = {
                "final_obs": final_obs,
                "_final_obs": done,
                "final_info": {"is_success": is_success, "_is_success": done.copy()},
                "_final_info": done.copy(),
            }
            self._episodes[idx] += 1
            self._start_episodes(idx, obs)
        self._obs = obs
        return obs, rewards, terminated, truncated, infos

    def _advance(
        self, actions: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """One step of every copy: (new obs array, rewards, terminated, truncated, success)."""
        raise NotImplementedError

    def _start_episodes(self, idx: np.ndarray, obs: np.ndarray) -> None:
        """Begin episode ``self._episodes[idx]`` in copies ``idx``, writing their first obs."""
        raise NotImplementedError
