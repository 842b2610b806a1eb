"""Argument checks shared by the memory tasks: one-line ``ValueError`` messages that name the
parameter, the bad value and what is allowed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def check_positive_int(name: str, value: Any, minimum: int = 1) -> int:
    """Return ``value`` as an ``int`` if it is an integer >= ``minimum`` (bools are rejected)."""
    is_int = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if not is_int or value < minimum:
        allowed = "a positive int" if minimum == 1 else f"an int >= {minimum}"
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return int(value)


def check_choice(name: str, value: Any, choices: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def check_bool(name: str, value: Any) -> bool:
    """Return ``value`` if it is a bool."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be a bool, got {value!r}")
    return bool(value)


def check_render_mode(value: Any, modes: Sequence[str]) -> str | None:
    """Return ``value`` if it is ``None`` or one of the supported render ``modes``."""
    if value is not None and not modes:
        raise ValueError(
            f"render_mode must be None (batched envs do not render: render a single env), "
            f"got {value!r}"
        )
    if value is not None and value not in modes:
        raise ValueError(
            f"render_mode must be None or one of {', '.join(map(repr, modes))}, got {value!r}"
        )
    return value


def check_action(action: Any, n: int) -> int:
    """Return a single Discrete(``n``) action as an ``int``, or raise naming the bad action."""
    ok = isinstance(action, (int, np.integer)) and not isinstance(action, (bool, np.bool_))
    if not ok and isinstance(action, np.ndarray) and action.shape == ():
        ok = np.issubdtype(action.dtype, np.integer)
    if not ok or not 0 <= action < n:
        raise ValueError(f"action must be an int in [0, {n - 1}], got {action!r}")
    return int(action)


def check_actions(actions: Any, num_envs: int, n: int) -> np.ndarray:
    """Return a batch of Discrete(``n``) actions as an integer array of shape ``(num_envs,)``."""
    arr = np.asarray(actions)
    if arr.shape != (num_envs,) or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(
            f"actions must be an int array of shape ({num_envs},), "
            f"got dtype {arr.dtype} and shape {arr.shape}"
        )
    # One reduction per bound is cheaper than a masked search for the offending entry.
    if arr.min() < 0 or arr.max() >= n:
        bad = arr[(arr < 0) | (arr >= n)]
        raise ValueError(f"actions must be ints in [0, {n - 1}], got {bad[:5].tolist()}")
    return arr
