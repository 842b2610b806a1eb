"""The T-maze memory task (Ni et al. 2023, passive and active variants) as a Gymnasium env."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from envs import _rng, rendering
from envs._validation import check_action, check_choice, check_positive_int, check_render_mode

VARIANTS = ("passive", "active")
# Action i moves by MOVES[i] = (dx, dy): right, up, left, down (Ni et al.'s order).
MOVES = ((1, 0), (0, 1), (-1, 0), (0, -1))


class TMazeEnv(gym.Env[np.ndarray, int]):
    """T-maze of Ni et al. 2023 ("When Do Transformers Shine in RL?", Sec. 5 / App. C).

    A corridor of cells ``x = 0 .. L`` (``L = memory_length``) ends at a junction ``x = L`` with two
    arms, up (``y = +1``) and down (``y = -1``). The cue ``c`` (+1 or -1, uniform) says which arm
    is the goal; it is shown only on the first visit of the cue cell ``x = 0``.

    * ``variant="passive"`` (default): the agent starts on the cue cell, so the cue is in the first
      observation. Time limit ``H = L + 1``: walk right ``L`` times, then turn at step ``L + 1``.
    * ``variant="active"``: the agent starts at ``x = 1``, one cell in front of the cue cell, so it
      must first step back (left) to see the cue. The junction is ``L`` cells from the cue cell, so
      the cue is seen at ``t = 1`` and used on the observation at ``t = L + 1`` (the same gap ``L``
      as the passive task). Time limit ``H = L + 2`` (one step back, ``L`` right, one turn): this is
      Ni et al.'s active T-maze with corridor length ``L - 1`` (their limit: corridor + 3).

    Observation ``Box(-1, 1, (3,), float32)``: ``[cue, at_junction, arm]`` where ``cue`` is ``c``
    on the first visit of the cue cell and 0 otherwise, ``at_junction`` is 1 at ``x = L`` (junction
    or an arm) and 0 in the corridor, ``arm`` is +1/-1 in the up/down arm and 0 elsewhere. So the
    observation does not say where in the corridor the agent is (Ni et al.'s ambiguous position).

    Actions ``Discrete(4)``: 0 right, 1 up, 2 left, 3 down. Moves into walls leave the agent in
    place; up/down only work at the junction (and back out of an arm).

    Rewards: on every step before the last, ``-1/L`` if the agent is behind the optimal pace
    (``x < t`` passive, ``x < t - 1`` active, with ``t`` the number of steps taken). On the last
    step (``t = H``) 1 if the agent is in the goal arm, else 0. Max return 1; a policy without
    memory can only guess the arm, so its best return is 0.5.

    Episodes always last ``H`` steps and end with ``terminated=True`` (never ``truncated``): the
    deadline is part of the task (the reward is given at it), not an external time limit, so
    agents must not bootstrap past it. ``info["is_success"]`` (agent in the goal arm) is set on
    the last step only.

    Randomness: the cue of the ``e``-th episode since seeding is a hash of (key, e), with the key
    from ``reset(seed=...)`` or, if never seeded, from ``self.np_random`` (see ``envs._rng``).
    """

    metadata = {"render_modes": ["ansi", "rgb_array"], "render_fps": 4}

    def __init__(
        self, memory_length: int = 10, variant: str = "passive", render_mode: str | None = None
    ) -> None:
        self.memory_length = check_positive_int("memory_length", memory_length)
        self.variant = check_choice("variant", variant, VARIANTS)
        self.render_mode = check_render_mode(render_mode, self.metadata["render_modes"])
        self.junction = self.memory_length
        self.start = 0 if self.variant == "passive" else 1
        self.horizon = self.memory_length + 1 + self.start
        self.penalty = -1.0 / self.memory_length
        self.observation_space = gym.spaces.Box(-1.0, 1.0, shape=(3,), dtype=np.float32)
        self.action_space = gym.spaces.Discrete(4)
        self._key: np.ndarray | None = None
        self._episode = 0
        self._x, self._y, self._t, self._cue = self.start, 0, 0, 1
        self._cue_seen = False
        self._cue_visible = False

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Start a new episode with a fresh cue; ``seed`` restarts the episode sequence."""
        super().reset(seed=seed)
        if seed is not None or self._key is None:
            self._key = (
                _rng.key_from_seed(seed)
                if seed is not None
                else _rng.key_from_generator(self.np_random, 1)
            )
            self._episode = 0
        else:
            self._episode += 1
        draw = _rng.episode_key(self._key, self._episode)
        self._cue = 1 if _rng.uniform_int(draw, 2)[0] == 1 else -1
        self._x, self._y, self._t = self.start, 0, 0
        self._cue_seen = False
        return self._observe(), {}

    def step(self, action: int) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        """Move one cell (or bump a wall); the episode ends after ``H`` steps."""
        dx, dy = MOVES[check_action(action, 4)]
        self._t += 1
        if self._y == 0:
            self._x = min(max(self._x + dx, 0), self.junction)
        if self._x == self.junction:
            self._y = min(max(self._y + dy, -1), 1)
        obs = self._observe()
        if self._t >= self.horizon:
            success = self._y == self._cue
            return obs, float(success), True, False, {"is_success": success}
        behind = self._x < self._t - self.start
        return obs, self.penalty if behind else 0.0, False, False, {}

    def _observe(self) -> np.ndarray:
        self._cue_visible = self._x == 0 and self._y == 0 and not self._cue_seen
        self._cue_seen = self._cue_seen or self._cue_visible
        return np.array(
            [self._cue if self._cue_visible else 0, self._x == self.junction, self._y],
            dtype=np.float32,
        )

    def render(self) -> str | np.ndarray | None:
        """Text (``"ansi"``) or a 48x256 RGB image (``"rgb_array"``) of the maze and the agent."""
        state = (self._x, self._y, self.junction, self._cue, 0, self._cue_visible)
        if self.render_mode == "ansi":
            return rendering.tmaze_ansi(*state, t=self._t, horizon=self.horizon)
        if self.render_mode == "rgb_array":
            return rendering.tmaze_rgb(*state)
        return None
