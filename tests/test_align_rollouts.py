"""align_rollouts: rollouts of a whole number of episode horizons keep every episode whole."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from stable_baselines3.common.vec_env import DummyVecEnv

import envs
from recurrent_agents import RecurrentPPO
from recurrent_agents.horizon import whole_episode_rollout


def delayed_cue(memory_length: int, n_envs: int = 3) -> DummyVecEnv:
    """DelayedCue: every episode lasts exactly its declared horizon, L + 1 steps."""
    return DummyVecEnv(
        [lambda: gym.make(envs.TASKS["DelayedCue"], memory_length=memory_length)] * n_envs
    )


def model_on(env: DummyVecEnv, n_steps: int, align: bool | str) -> RecurrentPPO:
    return RecurrentPPO(
        "MlpPolicy",
        env,
        n_steps=n_steps,
        batch_size=16,
        align_rollouts=align,
        policy_kwargs=dict(core="lstm", hidden_size=8),
        seed=0,
    )


def sequence_lengths_over_rollouts(model: RecurrentPPO, rollouts: int) -> list[np.ndarray]:
    """The buffer's sequence lengths after each of ``rollouts`` rollouts."""
    _, callback = model._setup_learn(100_000, callback=None)
    lengths = []
    for _ in range(rollouts):
        model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)
        lengths.append(model.rollout_buffer.sequences()["lengths"].copy())
    return lengths


@pytest.mark.parametrize(
    "n_steps, horizon, expected",
    [(256, 101, 303), (256, 1001, 1001), (20, 11, 22), (5, 11, 11), (256, None, 256)],
)
def test_whole_episode_rollout_rounds_to_the_nearest_whole_number_of_horizons(
    n_steps: int, horizon: int | None, expected: int
) -> None:
    assert whole_episode_rollout(n_steps, horizon) == expected


def test_aligned_rollouts_hold_every_episode_whole() -> None:
    model = model_on(delayed_cue(10), n_steps=20, align=True)
    assert model.n_steps == 22 and model.batch_size == 16  # two 11-step episodes per env
    for lengths in sequence_lengths_over_rollouts(model, rollouts=3):
        assert np.all(lengths == 11)


def test_unaligned_rollouts_cut_episodes_at_their_boundaries() -> None:
    """The behaviour align_rollouts exists for: 20-step rollouts cut 11-step episodes."""
    model = model_on(delayed_cue(10), n_steps=20, align=False)
    assert model.n_steps == 20
    cut = [np.any(lengths < 11) for lengths in sequence_lengths_over_rollouts(model, rollouts=3)]
    assert all(cut)


def test_set_env_realigns_the_rollout_to_the_new_horizon() -> None:
    model = model_on(delayed_cue(10), n_steps=20, align=True)
    model.set_env(delayed_cue(20))
    assert model.n_steps == 21  # round(22 / 21) = 1 horizon of the new length
    for lengths in sequence_lengths_over_rollouts(model, rollouts=2):
        assert np.all(lengths == 21)


@pytest.mark.parametrize("memory_length, expected", [(10, 20), (18, 20), (19, 20), (20, 21)])
def test_auto_aligns_only_where_an_episode_is_longer_than_the_rollout(
    memory_length: int, expected: int
) -> None:
    """DelayedCue's horizon is L + 1: 20-step rollouts stay as given up to L = 19 and become
    one whole episode beyond."""
    model = model_on(delayed_cue(memory_length), n_steps=20, align="auto")
    assert model.n_steps == expected and model.batch_size == 16
    if expected > 20:
        for lengths in sequence_lengths_over_rollouts(model, rollouts=2):
            assert np.all(lengths == memory_length + 1)


def test_auto_follows_set_env_to_a_longer_horizon() -> None:
    model = model_on(delayed_cue(10), n_steps=20, align="auto")
    model.set_env(delayed_cue(30))
    assert model.n_steps == 31


class Corridor(gym.Env):
    """Episodes of 7 steps, and no declared horizon (no attribute, no TimeLimit)."""

    observation_space = gym.spaces.Box(0.0, 1.0, (1,), np.float32)
    action_space = gym.spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        return np.zeros(1, np.float32), {}

    def step(self, action):
        self.t += 1
        return np.zeros(1, np.float32), 0.0, self.t >= 7, False, {}


class ShortEpisodes(Corridor):
    """Declares a 30-step horizon; its episodes end after 7 steps (a pole that falls)."""

    episode_horizon = 30


def test_auto_goes_back_to_n_steps_once_an_episode_ends_before_the_horizon() -> None:
    model = model_on(DummyVecEnv([ShortEpisodes] * 2), n_steps=20, align="auto")
    assert model.n_steps == 30 and not model.episodes_end_early  # nothing seen yet
    rollout_sizes = []
    _, callback = model._setup_learn(1_000, callback=None)
    for _ in range(3):
        model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)
        rollout_sizes.append(model.rollout_buffer.pos)
    assert model.episodes_end_early
    assert rollout_sizes == [30, 20, 20]  # the first, collected whole, is trained on as it is
    assert model.n_steps == 20 and model.batch_size == 16


def test_auto_keeps_whole_episodes_while_episodes_last_the_horizon() -> None:
    model = model_on(delayed_cue(20), n_steps=20, align="auto")
    for lengths in sequence_lengths_over_rollouts(model, rollouts=3):
        assert np.all(lengths == 21)
    assert model.n_steps == 21 and not model.episodes_end_early


@pytest.mark.parametrize("align", ["yes", 1, None, "horizon"])
def test_align_rollouts_rejects_other_values(align: object) -> None:
    with pytest.raises(ValueError, match=r"align_rollouts must be True, False or 'auto', got"):
        model_on(delayed_cue(10), n_steps=20, align=align)


@pytest.mark.parametrize("align", [True, "auto"])
def test_an_env_without_a_horizon_keeps_n_steps(align: bool | str) -> None:
    model = model_on(DummyVecEnv([Corridor] * 2), n_steps=20, align=align)
    assert model.n_steps == 20


@pytest.mark.parametrize("align, expected", [(False, 12), (True, 11)])
def test_a_curriculum_stage_rollout_is_one_horizon_when_aligned(align: bool, expected: int) -> None:
    """The T-maze's episodes last L + 1 steps; the curriculum's L + 2 steps hold none whole
    once episodes drift across rollouts, so aligned stages get exactly one horizon."""
    env = DummyVecEnv([lambda: gym.make(envs.TASKS["TMaze"], memory_length=10)] * 3)
    model = model_on(env, n_steps=11, align=align)
    model.set_rollout_length(10 + 2)  # what the curriculum asks of a stage at L=10
    assert model.n_steps == expected
