"""Bad parameters raise a one-line ValueError naming the parameter, the value and the rule."""

import gymnasium as gym
import numpy as np
import pytest

import envs

BAD_LENGTHS = [0, -3, 2.5, 10.0, "10", True, None]


@pytest.mark.parametrize("env_id", list(envs.TASKS.values()))
@pytest.mark.parametrize("value", BAD_LENGTHS)
def test_bad_memory_length(env_id, value):
    with pytest.raises(ValueError, match=r"^memory_length must be a positive int, got ") as err:
        gym.make(env_id, memory_length=value)
    assert repr(value) in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(ValueError, match="memory_length"):
        gym.make_vec(env_id, num_envs=2, memory_length=value)


@pytest.mark.parametrize("value", ["bogus", "Passive", 1, None])
def test_unknown_variant(value):
    with pytest.raises(
        ValueError, match=r"variant must be one of 'passive', 'active', 'bakker', got "
    ):
        envs.TMazeEnv(memory_length=3, variant=value)
    with pytest.raises(ValueError, match="variant"):
        envs.TMazeVecEnv(num_envs=2, memory_length=3, variant=value)


@pytest.mark.parametrize("value", [1, 0, -2, 2.0, "3"])
def test_bad_num_cues(value):
    with pytest.raises(ValueError, match=rf"num_cues must be an int >= 2, got {value!r}"):
        envs.DelayedCueEnv(memory_length=3, num_cues=value)
    with pytest.raises(ValueError, match="num_cues"):
        envs.DelayedCueVecEnv(num_envs=2, memory_length=3, num_cues=value)


def test_bad_distractors_and_render_mode():
    with pytest.raises(ValueError, match="distractors must be a bool, got 'yes'"):
        envs.DelayedCueEnv(distractors="yes")
    with pytest.raises(ValueError, match="render_mode must be None or one of 'ansi', 'rgb_array'"):
        envs.TMazeEnv(render_mode="human")
    with pytest.raises(ValueError, match=r"render_mode must be None \(batched envs do not render"):
        envs.TMazeVecEnv(num_envs=2, render_mode="rgb_array")
    with pytest.raises(ValueError, match="num_envs must be a positive int, got 0"):
        envs.TMazeVecEnv(num_envs=0)


@pytest.mark.parametrize("action", [4, -1, 1.0, "1", None, np.array([1]), True])
def test_single_env_bad_action(action):
    env = envs.TMazeEnv(memory_length=3)
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"action must be an int in \[0, 3\], got "):
        env.step(action)
    env = envs.DelayedCueEnv(memory_length=3, num_cues=3)
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"action must be an int in \[0, 2\]"):
        env.step(action if action != 4 else 3)


def test_single_env_accepts_numpy_int_actions():
    env = envs.TMazeEnv(memory_length=3)
    env.reset(seed=0)
    env.step(np.int64(0))
    env.step(np.array(1))


@pytest.mark.parametrize(
    "actions,match",
    [
        (np.array([0, 4]), r"actions must be ints in \[0, 3\], got \[4\]"),
        (np.array([-1, 0]), r"got \[-1\]"),
        (np.array([0.0, 1.0]), r"actions must be an int array of shape \(2,\), got dtype float64"),
        (np.array([0, 1, 2]), r"shape \(3,\)"),
    ],
)
def test_vector_env_bad_actions(actions, match):
    venv = envs.TMazeVecEnv(num_envs=2, memory_length=3)
    venv.reset(seed=0)
    with pytest.raises(ValueError, match=match):
        venv.step(actions)


def test_vector_env_bad_seed():
    venv = envs.DelayedCueVecEnv(num_envs=2, memory_length=3)
    with pytest.raises(ValueError, match=r"seed must be an int or 2 ints, got \[1, 2, 3\]"):
        venv.reset(seed=[1, 2, 3])
