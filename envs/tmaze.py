"""The T-maze memory task as a Gymnasium env: Ni et al. 2023 (passive, active), Bakker 2002."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from envs import _rng, rendering
from envs._validation import check_action, check_choice, check_positive_int, check_render_mode

VARIANTS = ("passive", "active", "bakker")
# Action i moves by MOVES[i] = (dx, dy): right, up, left, down (Ni et al.'s order).
MOVES = ((1, 0), (0, 1), (-1, 0), (0, -1))
# Bakker's 3-bit observations: the road sign at the start (goal up / goal down), corridor,
# junction; in an arm (the episode's final observation) all bits are 0.
BAKKER_OBS = {"up": (0, 1, 1), "down": (1, 1, 0), "corridor": (1, 0, 1), "junction": (0, 1, 0)}
BAKKER_GOAL, BAKKER_WRONG, BAKKER_BUMP = 4.0, -0.1, -0.1


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
    * ``variant="bakker"``: Bakker 2002 ("Reinforcement Learning with Long Short-Term Memory"),
      described below.

    Observation (passive, active) ``Box(-1, 1, (3,), float32)``: ``[cue, at_junction, arm]``:
    ``cue`` is ``c`` on the first visit of the cue cell and 0 otherwise, ``at_junction`` is 1 at
    ``x = L`` (junction or an arm) and 0 in the corridor, ``arm`` is +1/-1 in the up/down arm and 0
    elsewhere. So the observation does not say where in the corridor the agent is (Ni et al.'s
    ambiguous position).

    Actions ``Discrete(4)``: 0 right, 1 up, 2 left, 3 down. Moves into walls leave the agent in
    place; up/down only work at the junction (and back out of an arm).

    Rewards (passive, active): on every step before the last, ``-1/L`` if the agent is behind the
    optimal pace (``x < t`` passive, ``x < t - 1`` active, ``t`` = steps taken). On the last step
    (``t = H``) 1 if the agent is in the goal arm, else 0. Max return 1; a policy without memory
    can only guess the arm, so its best return is 0.5. Episodes always last ``H`` steps and end
    with ``terminated=True`` (never ``truncated``): the deadline is part of the task (the reward is
    given at it), not an external time limit, so agents must not bootstrap past it.

    Bakker variant: the agent starts on the cue cell ``x = 0``; observations are Bakker's 3 bits
    (``Box(0, 1, (3,), float32)``), a function of the position: road sign ``[0, 1, 1]`` (goal up)
    or ``[1, 1, 0]`` (goal down) on ``x = 0`` (every visit), ``[1, 0, 1]`` in the corridor,
    ``[0, 1, 0]`` at the junction, ``[0, 0, 0]`` in an arm. Entering an arm ends the episode
    (``terminated``) with +4 for the goal arm and -0.1 for the other; a move into a wall gives
    -0.1; other steps 0. Max return 4; without memory the best is to walk right and guess:
    ``0.5 * 4 - 0.5 * 0.1 = 1.95``. The original has no time limit; here the episode is
    ``truncated`` after ``4 * (L + 1)`` steps (an external limit: bootstrap past it).

    ``episode_horizon`` is the longest an episode can last: ``H`` (passive, active) or
    ``4 * (L + 1)`` (Bakker). ``info["is_success"]`` (the agent is in the goal arm) is set on the
    last step of every episode.
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
        self.start = 1 if self.variant == "active" else 0
        self.bakker = self.variant == "bakker"
        # Passive/active: every episode's length. Bakker: the truncation limit.
        self.episode_horizon = (
            4 * (self.memory_length + 1) if self.bakker else self.memory_length + 1 + self.start
        )
        self.penalty = -1.0 / self.memory_length
        low = 0.0 if self.bakker else -1.0
        self.observation_space = gym.spaces.Box(low, 1.0, shape=(3,), dtype=np.float32)
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
        self._key, self._episode = _rng.next_episode(self._key, self._episode, seed, self.np_random)
        draw = _rng.episode_key(self._key, self._episode)
        self._cue = 1 if _rng.uniform_int(draw, 2)[0] == 1 else -1
        self._x, self._y, self._t = self.start, 0, 0
        self._cue_seen = False
        return self._observe(), {}

    def step(self, action: int) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        """Move one cell (or bump a wall); see the class docstring for when episodes end."""
        dx, dy = MOVES[check_action(action, 4)]
        self._t += 1
        before = (self._x, self._y)
        if self._y == 0:
            self._x = min(max(self._x + dx, 0), self.junction)
        if self._x == self.junction:
            self._y = min(max(self._y + dy, -1), 1)
        obs = self._observe()
        success = self._y == self._cue
        if self.bakker:
            if self._y != 0:
                reward = BAKKER_GOAL if success else BAKKER_WRONG
                return obs, reward, True, False, {"is_success": success}
            reward = BAKKER_BUMP if (self._x, self._y) == before else 0.0
            if self._t >= self.episode_horizon:
                return obs, reward, False, True, {"is_success": False}
            return obs, reward, False, False, {}
        if self._t >= self.episode_horizon:
            return obs, float(success), True, False, {"is_success": success}
        behind = self._x < self._t - self.start
        return obs, self.penalty if behind else 0.0, False, False, {}

    def _observe(self) -> np.ndarray:
        on_cue_cell = self._x == 0 and self._y == 0
        if self.bakker:
            self._cue_visible = on_cue_cell
            if on_cue_cell:
                bits = BAKKER_OBS["up" if self._cue == 1 else "down"]
            elif self._y != 0:
                bits = (0, 0, 0)
            else:
                bits = BAKKER_OBS["junction" if self._x == self.junction else "corridor"]
            return np.array(bits, dtype=np.float32)
        self._cue_visible = on_cue_cell and not self._cue_seen
        self._cue_seen = self._cue_seen or self._cue_visible
        return np.array(
            [self._cue if self._cue_visible else 0, self._x == self.junction, self._y],
            dtype=np.float32,
        )

    def render(self) -> str | np.ndarray | None:
        """Text (``"ansi"``) or a 48x256 RGB image (``"rgb_array"``) of the maze and the agent."""
        state = (self._x, self._y, self.junction, self._cue, self._cue_visible)
        if self.render_mode == "ansi":
            return rendering.tmaze_ansi(*state, t=self._t, horizon=self.episode_horizon)
        if self.render_mode == "rgb_array":
            return rendering.tmaze_rgb(*state)
        return None
