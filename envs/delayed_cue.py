"""The DelayedCue memory task (after bsuite's ``memory_len``) as a Gymnasium env."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from envs import _rng, rendering
from envs._validation import check_action, check_bool, check_positive_int, check_render_mode


class DelayedCueEnv(gym.Env[np.ndarray, int]):
    """Remember a cue for ``L = memory_length`` steps, then answer with it.

    Modelled on bsuite's ``memory_len`` (Osband et al. 2020, "Behaviour Suite for RL"), with the
    number of cues and distractors as knobs. The cue ``c`` is uniform in ``0 .. num_cues - 1``.

    Observation ``Box(0, 1, (num_cues + 2,), float32)`` at step ``t`` (steps taken so far):

    * ``obs[0] = 1 - t / L``: time left until the query (bsuite's time channel; 0 at the query).
    * ``obs[1] = 1`` at ``t = L`` (the query: answer now), else 0.
    * ``obs[2:]``: one-hot of the cue at ``t = 0``; zeros at ``1 <= t <= L - 1`` (or, with
      ``distractors=True``, a one-hot of a fresh uniformly random symbol at each of those steps,
      indistinguishable from a cue); zeros at ``t = L``.
    * The observation after the answer (the episode's final observation) is all zeros.

    Actions ``Discrete(num_cues)``. Only the action taken on the query observation counts: reward
    +1 if it equals the cue, -1 otherwise (bsuite's choice: chance is then 0 for 2 cues); every
    other step gives 0. Max return 1; a policy without memory sees the same query observation
    whatever the cue, so its best return is chance, ``2 / num_cues - 1``.

    Every episode lasts ``L + 1`` steps (``episode_horizon``) and ends with ``terminated=True``
    (the answer ends the task; there is no truncation). ``info["is_success"]`` (the answer was
    right) is set on the last step only. Randomness: cue and distractors are hashes of (key,
    episode, t), the key from ``reset(seed=...)`` or, if never seeded, from ``self.np_random``
    (see ``envs._rng``).
    """

    metadata = {"render_modes": ["ansi", "rgb_array"], "render_fps": 4}

    def __init__(
        self,
        memory_length: int = 10,
        num_cues: int = 2,
        distractors: bool = False,
        render_mode: str | None = None,
    ) -> None:
        self.memory_length = check_positive_int("memory_length", memory_length)
        self.num_cues = check_positive_int("num_cues", num_cues, minimum=2)
        self.distractors = check_bool("distractors", distractors)
        self.render_mode = check_render_mode(render_mode, self.metadata["render_modes"])
        self.episode_horizon = self.memory_length + 1
        self.observation_space = gym.spaces.Box(
            0.0, 1.0, shape=(self.num_cues + 2,), dtype=np.float32
        )
        self.action_space = gym.spaces.Discrete(self.num_cues)
        self._key: np.ndarray | None = None
        self._episode_key = np.zeros(1, dtype=np.uint64)
        self._episode, self._t, self._cue = 0, 0, 0
        self._obs = np.zeros(self.num_cues + 2, dtype=np.float32)

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Start a new episode with a fresh cue; ``seed`` restarts the episode sequence."""
        super().reset(seed=seed)
        self._key, self._episode = _rng.next_episode(self._key, self._episode, seed, self.np_random)
        self._episode_key = _rng.episode_key(self._key, self._episode)
        self._cue = int(_rng.uniform_int(self._episode_key, self.num_cues)[0])
        self._t = 0
        return self._observe(), {}

    def step(self, action: int) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        """Advance one step; the action on the query step is the answer and ends the episode."""
        action = check_action(action, self.num_cues)
        self._t += 1
        obs = self._observe()
        if self._t >= self.episode_horizon:
            success = action == self._cue
            return obs, 1.0 if success else -1.0, True, False, {"is_success": success}
        return obs, 0.0, False, False, {}

    def _observe(self) -> np.ndarray:
        t, length = self._t, self.memory_length
        obs = np.zeros(self.num_cues + 2, dtype=np.float32)
        if t <= length:
            obs[0] = 1.0 - t / length
            obs[1] = t == length
        if t == 0:
            obs[2 + self._cue] = 1.0
        elif self.distractors and t < length:
            symbol = _rng.uniform_int(_rng.step_draw(self._episode_key, t), self.num_cues)[0]
            obs[2 + symbol] = 1.0
        self._obs = obs
        return obs.copy()

    def render(self) -> str | np.ndarray | None:
        """Text (``"ansi"``) or a 48x256 RGB image (``"rgb_array"``) of the current observation."""
        if self.render_mode == "ansi":
            return rendering.delayed_cue_ansi(self._obs, self._t, self.memory_length, self._cue)
        if self.render_mode == "rgb_array":
            return rendering.delayed_cue_rgb(self._obs, self.num_cues)
        return None
