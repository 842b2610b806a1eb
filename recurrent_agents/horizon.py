"""The episode horizon an environment declares: the longest an episode of it can last.

Memory tasks state it in different places; this reads the common ones so the agent can size
what depends on it (the chrono initialisation's ``T_max``) for environments written anywhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

#: Attributes that hold an env's episode horizon, in the order they are looked for: this
#: toolkit's tasks, POPGym, MiniGrid.
HORIZON_ATTRIBUTES = ("episode_horizon", "max_episode_length", "max_steps")


def _positive_int(value: Any) -> int | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 1
    return int(value) if ok and float(value).is_integer() else None


def _single_env_horizon(env: Any) -> int | None:
    """Horizon of one env or vector env (a Gymnasium env's wrappers included), else None."""
    base = getattr(env, "unwrapped", env)
    for name in HORIZON_ATTRIBUTES:
        horizon = _positive_int(getattr(env, name, None) or getattr(base, name, None))
        if horizon is not None:
            return horizon
    return _positive_int(getattr(getattr(env, "spec", None), "max_episode_steps", None))


def _first_declared(env: Any, read: Callable[[Any], int | None]) -> int | None:
    """``read`` of ``env``, or of the first env below it that gives one: ``env`` may be a
    Gymnasium env or vector env, or a stable-baselines3 VecEnv, wrappers included (a vector
    env's first sub-env speaks for all of them)."""
    seen: set[int] = set()
    while env is not None and id(env) not in seen:
        seen.add(id(env))
        value = read(env)
        if value is not None:
            return value
        sub_envs = getattr(env, "envs", None)  # SB3 DummyVecEnv, Gymnasium SyncVectorEnv
        if sub_envs:
            return read(sub_envs[0])
        env = getattr(env, "venv", None) or getattr(env, "env", None)  # wrapped vector envs
    return None


def episode_horizon(env: Any) -> int | None:
    """The longest episode of ``env``, or None when it declares none.

    ``env`` may be a Gymnasium env or vector env, or a stable-baselines3 VecEnv (wrappers
    included). Looked for, in order: an ``episode_horizon`` attribute (this toolkit's tasks),
    ``max_episode_length`` (POPGym), ``max_steps`` (MiniGrid), the registration's
    ``max_episode_steps`` (Gymnasium's ``TimeLimit``).
    """
    return _first_declared(env, _single_env_horizon)


def _single_env_time_limit(env: Any) -> int | None:
    """The limit of a ``TimeLimit`` among one Gymnasium env's wrappers (Gymnasium's own
    lookup through them), else None."""
    try:
        return _positive_int(env.get_wrapper_attr("_max_episode_steps"))
    except AttributeError:  # no TimeLimit, or not a Gymnasium env (no get_wrapper_attr)
        return None


def declared_time_limit(env: Any) -> int | None:
    """The time limit Gymnasium's ``TimeLimit`` cuts ``env``'s episodes at, or None.

    Unlike :func:`episode_horizon`, which also reads deadlines that end an episode as a
    terminal, this is the limit by Gymnasium's convention for a truncation (``TimeLimit``, as
    ``gymnasium.make`` adds from a registration's ``max_episode_steps``). ``env`` may be a
    Gymnasium env or vector env, or a stable-baselines3 VecEnv (wrappers included).
    """
    return _first_declared(env, _single_env_time_limit)


def whole_episode_rollout(n_steps: int, horizon: int | None) -> int:
    """``n_steps`` rounded to the nearest whole number of ``horizon`` (at least one horizon), or
    ``n_steps`` when the horizon is unknown.

    A vector env's episodes start together after a reset; if every episode lasts exactly the
    horizon, rollouts of a whole number of horizons hold every episode whole, so that a late
    decision's gradient reaches the episode's first step (a rollout boundary cuts it otherwise).
    """
    if horizon is None:
        return n_steps
    return max(1, round(n_steps / horizon)) * horizon


def bptt_reach(n_steps: int, horizon: int | None) -> int:
    """How many earlier rollouts of ``n_steps`` an episode of ``horizon`` steps can reach back
    into (its first step in one rollout, its last in a later one); 1 when the horizon is
    unknown."""
    if horizon is None:
        return 1
    return math.ceil((horizon - 1) / n_steps)
