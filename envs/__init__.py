"""Memory tasks for Gymnasium: ``import envs`` registers them under the ``memory`` namespace.

>>> import gymnasium as gym, envs
>>> env = gym.make("memory/TMaze-v0", memory_length=100)
>>> vec = gym.make_vec("memory/DelayedCue-v0", num_envs=4096, memory_length=100)
>>> env = envs.PrevActionReward(env)  # also observe the previous action and reward

Only numpy and gymnasium are imported here (the SB3 adapter lives in ``envs.sb3``).
"""

from __future__ import annotations

import gymnasium as gym

from envs.delayed_cue import DelayedCueEnv
from envs.delayed_cue_vec import DelayedCueVecEnv
from envs.tmaze import TMazeEnv
from envs.tmaze_vec import TMazeVecEnv
from envs.wrappers import PrevActionReward, PrevActionRewardVec

__all__ = [
    "TASKS",
    "DelayedCueEnv",
    "DelayedCueVecEnv",
    "PrevActionReward",
    "PrevActionRewardVec",
    "TMazeEnv",
    "TMazeVecEnv",
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
