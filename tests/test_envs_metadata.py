"""Task metadata on the envs: episode horizon, accepted keyword arguments, the wrapper flag."""

import gymnasium as gym
import numpy as np
import pytest

import envs
from envs.sb3 import make_sb3_vec_env

# (task, kwargs, episode horizon, action that goes nowhere: up in the T-maze corridor)
HORIZONS = [
    ("TMaze", {"memory_length": 3}, 4, 1),
    ("TMaze", {"memory_length": 3, "variant": "active"}, 5, 1),
    ("BakkerTMaze", {"memory_length": 3}, 16, 1),
    ("DelayedCue", {"memory_length": 3, "num_cues": 3}, 4, 0),
]


def _episode_lengths(env, policy, episodes: int) -> list[int]:
    lengths = []
    for episode in range(episodes):
        env.reset(seed=episode)
        steps, done = 0, False
        while not done:
            _, _, terminated, truncated, _ = env.step(policy())
            steps, done = steps + 1, terminated or truncated
        lengths.append(steps)
    return lengths


@pytest.mark.parametrize("task,kwargs,horizon,stay", HORIZONS)
def test_episode_horizon_is_the_longest_episode(task, kwargs, horizon, stay):
    env = gym.make(envs.TASKS[task], **kwargs)
    assert env.unwrapped.episode_horizon == horizon
    rng = np.random.default_rng(0)
    n = env.action_space.n
    lengths = _episode_lengths(env, lambda: int(rng.integers(n)), episodes=200)
    lengths += _episode_lengths(env, lambda: stay, episodes=2)
    assert max(lengths) == horizon


@pytest.mark.parametrize("task,kwargs,horizon,stay", HORIZONS)
def test_vector_env_has_the_same_horizon_and_ends_episodes_there(task, kwargs, horizon, stay):
    vec = gym.make_vec(
        envs.TASKS[task], num_envs=3, vectorization_mode="vector_entry_point", **kwargs
    )
    assert vec.episode_horizon == horizon
    vec.reset(seed=0)
    for step in range(1, horizon + 1):
        _, _, terminated, truncated, _ = vec.step(np.full(3, stay))
        assert (terminated | truncated).all() == (step == horizon)


def test_accepted_kwargs_are_what_the_task_env_takes():
    assert envs.accepted_kwargs("TMaze") == ("memory_length", "variant")
    assert envs.accepted_kwargs("memory/TMaze-v0") == ("memory_length", "variant")
    assert envs.accepted_kwargs("BakkerTMaze") == ("memory_length",)  # variant fixed to bakker
    assert envs.accepted_kwargs("DelayedCue") == ("memory_length", "num_cues", "distractors")
    assert envs.accepted_kwargs("CartPole-v1") == ("sutton_barto_reward",)  # any registered id
    defaults = {"memory_length": 2, "variant": "active", "num_cues": 3, "distractors": True}
    for task in envs.TASKS:
        accepted = envs.accepted_kwargs(task)
        gym.make(envs.TASKS[task], **{k: defaults[k] for k in accepted}).close()
        fixed = gym.spec(envs.TASKS[task]).kwargs  # the registration's own, e.g. Bakker's variant
        for name in set(defaults) - set(accepted) - set(fixed):
            with pytest.raises(TypeError):
                gym.make(envs.TASKS[task], **{name: defaults[name]})


def test_prev_action_reward_wrappers_are_detected_through_other_wrappers():
    single = gym.make("memory/TMaze-v0", memory_length=2)
    assert not envs.observes_prev_action_reward(single)
    wrapped = gym.wrappers.RecordEpisodeStatistics(envs.PrevActionReward(single))
    assert envs.observes_prev_action_reward(wrapped)
    vec = gym.make_vec("memory/DelayedCue-v0", num_envs=2, vectorization_mode="vector_entry_point")
    assert not envs.observes_prev_action_reward(vec)
    assert envs.observes_prev_action_reward(envs.PrevActionRewardVec(vec))
    for flag in (False, True):
        sb3_env = make_sb3_vec_env("TMaze", 2, prev_action_reward=flag, memory_length=2)
        assert envs.observes_prev_action_reward(sb3_env) is flag
        assert sb3_env.get_attr("episode_horizon") == [3, 3]
        sb3_env.close()
