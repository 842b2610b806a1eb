"""MiniGrid MemoryS7 with minigrid's own one-hot view (object, colour, state per cell).

    python train.py --task minigrid_onehot:exp/MemoryS7OneHot-v0 --total_timesteps 1000000

(with this directory on ``PYTHONPATH``; the diagnosis in this directory's README).
"""

import gymnasium as gym
from minigrid.wrappers import OneHotPartialObsWrapper


def make(**kwargs) -> gym.Env:
    """MemoryS7, its view one-hot encoded."""
    return OneHotPartialObsWrapper(gym.make("MiniGrid-MemoryS7-v0", **kwargs))


gym.register("exp/MemoryS7OneHot-v0", entry_point=make)
