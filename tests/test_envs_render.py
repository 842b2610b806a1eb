"""Render modes: "ansi" text pictures and fixed-size "rgb_array" images."""

import gymnasium as gym
import numpy as np
import pytest

import envs
from envs.rendering import IMAGE_HEIGHT, IMAGE_WIDTH


def test_tmaze_ansi_shows_agent_cue_and_goal():
    env = gym.make("memory/TMaze-v0", memory_length=4, render_mode="ansi")
    env.reset(seed=0)
    cue = env.unwrapped._cue
    text = env.render()
    header, up, corridor, down = text.rstrip("\n").split("\n")
    assert header == f"t=0/5 cue {'up' if cue == 1 else 'down'} shown"
    assert corridor == "A...." and len(up) == len(down) == 5
    assert (up[-1], down[-1]) == (("G", "o") if cue == 1 else ("o", "G"))
    for _ in range(4):
        env.step(0)
    env.step(1)
    header, up, corridor, down = env.render().rstrip("\n").split("\n")
    assert header == "t=5/5 cue hidden" and corridor == "C...." and up[-1] == "A"


def test_active_tmaze_ansi_starts_beside_the_cue():
    env = gym.make("memory/TMaze-v0", memory_length=3, variant="active", render_mode="ansi")
    env.reset(seed=0)
    assert env.render().split("\n")[2] == "CA.."
    env.step(2)
    assert "shown" in env.render().split("\n")[0]


def test_tmaze_rgb_array_is_a_fixed_size_image_that_changes_with_the_agent():
    frames = []
    for memory_length in (1, 5, 1000):
        env = gym.make("memory/TMaze-v0", memory_length=memory_length, render_mode="rgb_array")
        env.reset(seed=0)
        frames.append(env.render())
        env.step(0)
        frames.append(env.render())
    for frame in frames:
        assert frame.shape == (IMAGE_HEIGHT, IMAGE_WIDTH, 3) and frame.dtype == np.uint8
    assert not np.array_equal(frames[2], frames[3])  # the agent moved
    assert all(frame.std() > 0 for frame in frames)  # a picture, not a blank canvas


@pytest.mark.parametrize("distractors", [False, True])
def test_delayed_cue_renders(distractors):
    env = gym.make(
        "memory/DelayedCue-v0",
        memory_length=2,
        num_cues=3,
        distractors=distractors,
        render_mode="ansi",
    )
    obs, _ = env.reset(seed=1)
    cue = env.unwrapped._cue
    slots = ["."] * 3
    slots[cue] = "#"
    assert env.render() == f"t=0/2 cues [{''.join(slots)}] ----- (answer: {cue})\n"
    env.step(0)
    env.step(0)
    assert "QUERY" in env.render()
    rgb = gym.make("memory/DelayedCue-v0", memory_length=2, render_mode="rgb_array")
    rgb.reset(seed=1)
    first = rgb.render()
    rgb.step(0)
    assert first.shape == (IMAGE_HEIGHT, IMAGE_WIDTH, 3) and first.dtype == np.uint8
    assert not np.array_equal(first, rgb.render())


def test_no_render_mode_renders_nothing():
    for env in (envs.TMazeEnv(), envs.DelayedCueEnv()):
        env.reset(seed=0)
        assert env.render() is None
