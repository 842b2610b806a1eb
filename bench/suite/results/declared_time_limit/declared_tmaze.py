"""The suite's truncating T-maze with its deadline also declared by a Gymnasium ``TimeLimit``
(``declared/TruncatedTMaze-L30-v0``: L=30, registered with ``max_episode_steps=31``, the step
at which the env truncates itself): a memory task whose time limit is declared and is a
deadline, for checking what a declared limit changes there.

    python train.py \
        --task=bench.suite.results.declared_time_limit.declared_tmaze:declared/TruncatedTMaze-L30-v0
"""

from __future__ import annotations

import gymnasium as gym

from bench.suite.suite_envs import TruncatedTMaze

MEMORY_LENGTH = 30

gym.register(
    id="declared/TruncatedTMaze-L30-v0",
    entry_point=TruncatedTMaze,
    kwargs={"memory_length": MEMORY_LENGTH},
    max_episode_steps=MEMORY_LENGTH + 1,
)
