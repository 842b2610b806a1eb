"""Memory tasks for Gymnasium: ``import envs`` registers them under the ``memory`` namespace.

>>> import gymnasium as gym, envs
>>> env = gym.make("memory/TMaze-v0", memory_length=100)
>>> vec = gym.make_vec("memory/DelayedCue-v0", num_envs=4096, memory_length=100)
>>> env = envs.PrevActionReward(env)  # also observe the previous action and reward

Task metadata: every env has ``episode_horizon`` (the longest an episode can last for its
parameters), ``envs.accepted_kwargs(task)`` lists the options ``gym.make`` passes on to a task's
env (``envs.kwarg_defaults(task)`` their defaults), ``envs.observes_prev_action_reward(env)``
tells whether an env is so wrapped and ``envs.needs_prev_action(env)`` whether an env declares
that its observations need the previous action (POPGym's ``obs_requires_prev_action``).
``envs.env_id(task)`` resolves a task name: a short name, any registered Gymnasium id, or
``module:ID`` (imports ``module`` first, as ``gym.make`` does).

Only numpy and gymnasium are imported here (the SB3 adapter lives in ``envs.sb3``).
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import gymnasium as gym
from gymnasium.envs.registration import load_env_creator

from envs.delayed_cue import DelayedCueEnv
from envs.delayed_cue_vec import DelayedCueVecEnv
from envs.tmaze import TMazeEnv
from envs.tmaze_vec import TMazeVecEnv
from envs.wrappers import (
    PrevActionReward,
    PrevActionRewardVec,
    needs_prev_action,
    observe_previous,
    observes_prev_action_reward,
)

__all__ = [
    "TASKS",
    "DelayedCueEnv",
    "DelayedCueVecEnv",
    "PrevActionReward",
    "PrevActionRewardVec",
    "TMazeEnv",
    "TMazeVecEnv",
    "accepted_kwargs",
    "env_id",
    "kwarg_defaults",
    "needs_prev_action",
    "observe_previous",
    "observes_prev_action_reward",
]

TASKS: dict[str, str] = {
    "TMaze": "memory/TMaze-v0",
    "DelayedCue": "memory/DelayedCue-v0",
    "BakkerTMaze": "memory/BakkerTMaze-v0",
}


def _register() -> None:
    # No max_episode_steps: every task enforces its own deadline (see the class docstrings).
    gym.register(
        id=TASKS["TMaze"],
        entry_point="envs.tmaze:TMazeEnv",
        vector_entry_point="envs.tmaze_vec:TMazeVecEnv",
    )
    gym.register(
        id=TASKS["BakkerTMaze"],
        entry_point="envs.tmaze:TMazeEnv",
        vector_entry_point="envs.tmaze_vec:TMazeVecEnv",
        kwargs={"variant": "bakker"},
    )
    gym.register(
        id=TASKS["DelayedCue"],
        entry_point="envs.delayed_cue:DelayedCueEnv",
        vector_entry_point="envs.delayed_cue_vec:DelayedCueVecEnv",
    )


_register()


def env_id(task: str) -> str:
    """The registered Gymnasium id of ``task``: a short name from ``TASKS``, a registered id, or
    ``module:ID``, which imports ``module`` first so that its registrations run (Gymnasium's own
    form, e.g. ``popgym:popgym-RepeatPreviousEasy-v0``).

    Raises:
        ValueError: the module cannot be imported or the id is not registered (one line).
    """
    if task in TASKS:
        return TASKS[task]
    module, _, name = task.rpartition(":")
    if module:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise ValueError(f"task {task!r}: cannot import module {module!r} ({exc})") from None
    if name not in gym.registry:
        raise ValueError(
            f"task must be one of {', '.join(TASKS)} or a registered Gymnasium id "
            f"(module:ID imports the module that registers ID), got {task!r}"
        )
    return name


def _env_parameters(task: str) -> list[inspect.Parameter]:
    """The named parameters of the task's registered entry point that ``gym.make(task, ...)``
    passes on: less ``render_mode`` and those the registration sets."""
    spec = gym.spec(env_id(task))
    creator = spec.entry_point
    if isinstance(creator, str):
        creator = load_env_creator(creator)
    named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return [
        param
        for name, param in inspect.signature(creator).parameters.items()
        if param.kind in named and name != "render_mode" and name not in spec.kwargs
    ]


def accepted_kwargs(task: str) -> tuple[str, ...]:
    """The keyword arguments ``gym.make(task, ...)`` passes on to the task's env: the parameters
    of its registered entry point, less ``render_mode`` and those the registration sets (e.g.
    ``variant`` of ``BakkerTMaze``). Imports the env's module but builds no env.

    ``task`` is anything ``env_id`` takes; an env that takes ``**kwargs`` lists only its named
    parameters.
    """
    return tuple(param.name for param in _env_parameters(task))


def kwarg_defaults(task: str) -> dict[str, Any]:
    """The defaults of the ``accepted_kwargs`` that have one (the others are required)."""
    return {
        param.name: param.default
        for param in _env_parameters(task)
        if param.default is not inspect.Parameter.empty
    }
