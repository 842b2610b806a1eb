"""Observe the previous action and reward too (Ni et al. 2022, "Recurrent model-free RL can be a
strong baseline for many POMDPs"; Duan et al. 2016, RL^2), or the previous reward alone.

The observation becomes ``concat(obs (flattened, float32), previous action, [previous reward])``,
with zeros for the action part and reward after a reset; with ``action=False`` it is
``concat(obs, [previous reward])``. The action is coded by Gymnasium's ``spaces.flatten``:
one-hot for a ``Discrete`` action space, one one-hot per component for ``MultiDiscrete``, its
values for ``Box``. Works for any env with a ``Box`` observation space:

>>> import gymnasium as gym, envs
>>> env = envs.PrevActionReward(gym.make("memory/TMaze-v0", memory_length=10))
>>> vec = envs.PrevActionRewardVec(gym.make_vec("memory/TMaze-v0", num_envs=64, memory_length=10))
>>> reward_only = envs.PrevActionReward(gym.make("memory/TMaze-v0"), action=False)

The reward alone tells a critic what the observation may hide (a slip that put the agent behind
a pace, a wrong guess) without feeding the core the policy's own random actions, which are noise
wherever actions do not matter (README, "The previous reward observed, and a run that stops
once solved"). Where the observation is the outcome of the last action but not the action (a
bandit's payout, the card a flip turned over), the action is needed to learn at all; such an env
says so (POPGym's ``obs_requires_prev_action``, :func:`needs_prev_action`) and ``"auto"``, the
default of ``train.py``, observes the action there.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv, VectorWrapper
from gymnasium.vector.utils import batch_space

#: ``prev_action_reward`` value (``train.py``, ``envs.sb3.make_sb3_vec_env``): the reward alone.
REWARD_ONLY = "reward"
#: ``prev_action_reward`` value (``train.py``'s default): the reward, and the action too where
#: the env declares that its observations need it (:func:`needs_prev_action`).
AUTO = "auto"
#: ``prev_action_reward`` values by their command-line spelling (benchmark scripts' choices).
PREV_ACTION_REWARD_VALUES: dict[str, bool | str] = {
    "true": True,
    "false": False,
    REWARD_ONLY: REWARD_ONLY,
    AUTO: AUTO,
}


def needs_prev_action(env: Any) -> bool:
    """Whether ``env`` (a Gymnasium env or vector env, wrapped or not; for a ``SyncVectorEnv``
    its first copy) declares that its observations need the previous action to learn the optimal
    policy: POPGym's ``obs_requires_prev_action`` attribute (its bandit, Concentration,
    Battleship, MineSweeper and mazes observe an action's outcome, not the action)."""
    base = getattr(env, "unwrapped", env)
    copies = getattr(base, "envs", None)
    if copies:
        base = getattr(copies[0], "unwrapped", copies[0])
    return bool(getattr(base, "obs_requires_prev_action", False))


def prev_inputs(prev_action_reward: bool | str, env: Any = None) -> tuple[bool, bool]:
    """(observe the previous reward, observe the previous action) for a ``prev_action_reward``
    value: True (both), ``"reward"`` (the reward alone), ``"auto"`` (the reward, and the action
    where ``env`` declares it needs it; with no ``env``, the reward alone) or False (neither);
    else a ValueError."""
    if prev_action_reward is True or prev_action_reward is False:
        return prev_action_reward, prev_action_reward
    if prev_action_reward == REWARD_ONLY:
        return True, False
    if prev_action_reward == AUTO:
        return True, env is not None and needs_prev_action(env)
    raise ValueError(
        f"prev_action_reward must be true, false, {REWARD_ONLY!r} or {AUTO!r}, "
        f"got {prev_action_reward!r}"
    )


def observe_previous(env: gym.Env, prev_action_reward: bool | str) -> gym.Env:
    """``env`` wrapped in ``PrevActionReward`` as ``prev_action_reward`` (``prev_inputs``) says,
    or ``env`` itself for False."""
    reward, action = prev_inputs(prev_action_reward, env)
    return PrevActionReward(env, action=action) if reward else env


#: Action spaces whose actions can be observed, coded as Gymnasium's ``spaces.flatten`` codes
#: them: one-hot (``Discrete``), one one-hot per component (``MultiDiscrete``), values (``Box``).
_OBSERVABLE_ACTIONS = (gym.spaces.Discrete, gym.spaces.MultiDiscrete, gym.spaces.Box)


def _checked_spaces(
    name: str, obs_space: gym.Space, action_space: gym.Space, action: bool
) -> tuple[gym.spaces.Box, int]:
    """(new observation space, width of the action's code (0 without ``action``)) or a one-line
    ValueError. The reward alone takes any action space."""
    if not isinstance(obs_space, gym.spaces.Box):
        raise ValueError(f"{name} needs a Box observation space, got {obs_space!r}")
    # Finite bounds (float32's range): Gymnasium's checker warns about infinite ones.
    big = np.finfo(np.float32).max
    code_low = code_high = np.zeros(0, np.float32)
    if action:
        if not isinstance(action_space, _OBSERVABLE_ACTIONS):
            raise ValueError(
                f"{name} needs a Discrete, MultiDiscrete or Box action space, got {action_space!r}"
            )
        code = gym.spaces.flatten_space(action_space)
        code_low, code_high = np.clip(code.low, -big, big), np.clip(code.high, -big, big)
    low = np.concatenate([obs_space.low.reshape(-1), code_low, [-big]]).astype(np.float32)
    high = np.concatenate([obs_space.high.reshape(-1), code_high, [big]]).astype(np.float32)
    return gym.spaces.Box(low, high, dtype=np.float32), code_low.size


def _batched_actions(space: gym.Space, n: int) -> gym.Space:
    """``n`` actions of ``space`` as one space whose ``spaces.flatten`` is their ``n`` codes,
    one after the other (``batch_space`` would make a ``Box`` of ``MultiDiscrete`` actions,
    which ``flatten`` does not one-hot)."""
    if isinstance(space, gym.spaces.Discrete):
        return gym.spaces.MultiDiscrete(np.full(n, space.n), start=np.full(n, space.start))
    if isinstance(space, gym.spaces.MultiDiscrete):
        nvec, start = space.nvec.reshape(1, -1), space.start.reshape(1, -1)
        return gym.spaces.MultiDiscrete(np.repeat(nvec, n, 0), start=np.repeat(start, n, 0))
    return batch_space(space, n)


class PrevActionReward(gym.Wrapper, gym.utils.RecordConstructorArgs):
    """A single env whose observation also holds the previous action (not with ``action=False``)
    and reward.

    After ``reset()`` both are zero; after ``step(a)`` they are ``a`` and the reward of that step.
    """

    def __init__(self, env: gym.Env, action: bool = True) -> None:
        gym.utils.RecordConstructorArgs.__init__(self, action=action)
        gym.Wrapper.__init__(self, env)
        self.observation_space, self._width = _checked_spaces(
            "PrevActionReward", env.observation_space, env.action_space, action
        )

    def _observe(self, obs: Any, action: Any, reward: float) -> np.ndarray:
        extra = np.zeros(self._width + 1, dtype=np.float32)
        if action is not None:
            if self._width:
                extra[:-1] = gym.spaces.flatten(self.env.action_space, action)
            extra[-1] = reward
        return np.concatenate([np.asarray(obs, dtype=np.float32).reshape(-1), extra])

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Reset the env; the previous action and reward are zeros."""
        obs, info = self.env.reset(seed=seed, options=options)
        return self._observe(obs, None, 0.0), info

    def step(self, action: Any) -> tuple[np.ndarray, Any, bool, bool, dict[str, Any]]:
        """Step the env and append ``action`` (its code, if observed) and the step's reward."""
        obs, reward, terminated, truncated, info = self.env.step(action)
        return self._observe(obs, action, float(reward)), reward, terminated, truncated, info


class PrevActionRewardVec(VectorWrapper):
    """``PrevActionReward`` for a vector env with ``AutoresetMode.SAME_STEP`` (batched numpy);
    ``action=False`` observes the previous reward alone.

    On the step a copy's episode ends, its returned observation (the next episode's first) gets
    zeros for the previous action and reward, while ``infos["final_obs"][i]`` gets the last
    action and reward appended: the terminal observation as the agent would have seen it.
    Copies reset by ``reset()`` (all, or ``options["reset_mask"]``) get zeros too.
    """

    def __init__(self, env: VectorEnv, action: bool = True) -> None:
        super().__init__(env)
        mode = env.metadata.get("autoreset_mode")
        if mode not in (AutoresetMode.SAME_STEP, AutoresetMode.SAME_STEP.value):
            raise ValueError(
                f"PrevActionRewardVec needs autoreset_mode AutoresetMode.SAME_STEP, got {mode!r}"
            )
        space, self._width = _checked_spaces(
            "PrevActionRewardVec", env.single_observation_space, env.single_action_space, action
        )
        self._actions = _batched_actions(env.single_action_space, env.num_envs)
        self.single_observation_space = space
        self.observation_space = batch_space(space, env.num_envs)
        self._extra = np.zeros((env.num_envs, self._width + 1), dtype=np.float32)

    def _flat(self, obs: np.ndarray) -> np.ndarray:
        return np.asarray(obs, dtype=np.float32).reshape(self.num_envs, -1)

    def reset(
        self, *, seed: int | list[int] | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Reset the env; reset copies (all, or ``options["reset_mask"]``) get zeros."""
        obs, infos = self.env.reset(seed=seed, options=options)
        mask = None if options is None else options.get("reset_mask")
        self._extra = self._extra.copy()
        if mask is None:
            self._extra[:] = 0.0
        else:
            self._extra[np.asarray(mask, dtype=bool)] = 0.0
        return np.concatenate([self._flat(obs), self._extra], axis=1), infos

    def step(
        self, actions: Any
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        """Step the env; append each copy's action (its code, if observed) and reward (zeros
        after an end)."""
        obs, rewards, terminated, truncated, infos = self.env.step(actions)
        extra = np.zeros((self.num_envs, self._width + 1), dtype=np.float32)
        if self._width:
            taken = np.asarray(actions).reshape(self._actions.shape)
            extra[:, :-1] = gym.spaces.flatten(self._actions, taken).reshape(self.num_envs, -1)
        extra[:, -1] = rewards
        mask = infos.get("_final_obs") if infos else None
        if mask is not None and np.any(mask):
            idx = np.flatnonzero(mask)
            last = np.stack(infos["final_obs"][idx]).astype(np.float32).reshape(len(idx), -1)
            last = np.concatenate([last, extra[idx]], axis=1)
            final_obs = np.empty(self.num_envs, dtype=object)
            final_obs[idx] = np.fromiter(last, dtype=object, count=len(idx))
            infos = {**infos, "final_obs": final_obs}
        extra[terminated | truncated] = 0.0
        self._extra = extra
        return (
            np.concatenate([self._flat(obs), extra], axis=1),
            rewards,
            terminated,
            truncated,
            infos,
        )


def observes_prev_action_reward(env: Any) -> bool:
    """Whether ``env`` is or wraps a ``PrevActionReward`` / ``PrevActionRewardVec`` (its
    observations end with the previous reward, after the previous action unless the wrapper
    observes the reward alone).

    Follows Gymnasium wrappers (single and vector: ``.env``) and SB3 vector-env wrappers and
    adapters (``.venv``, e.g. ``VecMonitor`` around ``envs.sb3.SB3VecEnv``).
    """
    while env is not None:
        if isinstance(env, (PrevActionReward, PrevActionRewardVec)):
            return True
        inner = getattr(env, "env", None)
        env = inner if inner is not None else getattr(env, "venv", None)
    return False
