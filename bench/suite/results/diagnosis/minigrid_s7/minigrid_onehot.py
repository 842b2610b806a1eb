"""Throwaway: MiniGrid MemoryS7 with minigrid's own one-hot view (object, colour, state per cell)."""
import gymnasium as gym
import minigrid
from minigrid.wrappers import OneHotPartialObsWrapper


def make(**kwargs):
    return OneHotPartialObsWrapper(gym.make("MiniGrid-MemoryS7-v0", **kwargs))


gym.register("exp/MemoryS7OneHot-v0", entry_point=make)
