"""Gymnasium's and SB3's env checkers on every registered task, at several memory lengths."""

import warnings

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env as gym_check_env
from stable_baselines3.common.env_checker import check_env as sb3_check_env

import envs

CONFIGS = [
    ("TMaze", {"variant": "passive"}),
    ("TMaze", {"variant": "active"}),
    ("BakkerTMaze", {}),
    ("DelayedCue", {}),
    ("DelayedCue", {"num_cues": 4, "distractors": True}),
]


def test_tasks_registered_in_memory_namespace():
    assert envs.TASKS == {
        "TMaze": "memory/TMaze-v0",
        "DelayedCue": "memory/DelayedCue-v0",
        "BakkerTMaze": "memory/BakkerTMaze-v0",
    }
    for env_id in envs.TASKS.values():
        spec = gym.spec(env_id)
        assert spec.namespace == "memory"
        assert spec.vector_entry_point is not None
        assert spec.max_episode_steps is None  # the deadline is part of each task


@pytest.mark.parametrize("task,kwargs", CONFIGS)
@pytest.mark.parametrize("memory_length", [1, 2, 7, 60])
@pytest.mark.parametrize("render_mode", [None, "ansi", "rgb_array"])
def test_gymnasium_check_env(task, kwargs, memory_length, render_mode):
    env = gym.make(envs.TASKS[task], memory_length=memory_length, render_mode=render_mode, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any checker warning fails the test
        gym_check_env(env.unwrapped, skip_render_check=render_mode is None)


@pytest.mark.parametrize("task,kwargs", CONFIGS)
@pytest.mark.parametrize("memory_length", [1, 5, 60])
def test_sb3_check_env(task, kwargs, memory_length):
    env = gym.make(envs.TASKS[task], memory_length=memory_length, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sb3_check_env(env.unwrapped, warn=True)


def test_import_envs_does_not_import_torch_or_sb3():
    import subprocess
    import sys

    code = (
        "import sys, envs; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('torch', 'stable_baselines3')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
