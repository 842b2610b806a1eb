"""POPGym PositionOnlyPendulumEasy with the elapsed time in the observation (gymnasium's
TimeAwareObservation, for actor and critic alike): the screen of a critic that knows the time
left. Run as PYTHONPATH=bench/suite/results/bootstrap_auto python train.py --task=tenv:tpend-v0.
"""

import gymnasium as gym
from gymnasium.wrappers import TimeAwareObservation
from popgym.envs.position_only_pendulum import PositionOnlyPendulumEasy


def make(**kwargs):
    env = PositionOnlyPendulumEasy(**kwargs)
    env = gym.wrappers.TimeLimit(env, max_episode_steps=200)
    return TimeAwareObservation(env, normalize_time=True)


gym.register(id="tpend-v0", entry_point="tenv:make")
