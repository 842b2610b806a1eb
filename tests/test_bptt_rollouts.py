"""bptt_rollouts: the gradient of a sequence that continues an episode reaches the episode's
steps in earlier rollouts, while every value the update computes stays the rollout's."""

from __future__ import annotations

from collections.abc import Iterator

import gymnasium as gym
import numpy as np
import pytest
import torch as th
from gymnasium import spaces
from stable_baselines3.common.vec_env import DummyVecEnv

import envs
from recurrent_agents import RecurrentPPO
from recurrent_agents.horizon import bptt_reach
from recurrent_agents.run.config import ConfigError, build_config
from tests.test_ppo_ratio import CueEnv, DictCueEnv, max_differences


class ClockEnv(gym.Env):
    """Observes (episode number, step in the episode); episodes of ``length`` steps."""

    observation_space = spaces.Box(0.0, 1e6, (2,), np.float32)
    action_space = spaces.Discrete(2)

    def __init__(self, length: int) -> None:
        self.length, self.episode = length, -1

    def _obs(self) -> np.ndarray:
        return np.array([self.episode, self.t], np.float32)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.episode, self.t = self.episode + 1, 0
        return self._obs(), {}

    def step(self, action):
        self.t += 1
        return self._obs(), 0.0, self.t == self.length, False, {}


def model_on(
    env_fn, n_envs: int, n_steps: int, bptt_rollouts: int | str, **policy_kwargs: object
) -> RecurrentPPO:
    """A small LSTM model (unnormalised observations) unless ``policy_kwargs`` say otherwise."""
    return RecurrentPPO(
        "MlpPolicy",
        DummyVecEnv([env_fn] * n_envs),
        n_steps=n_steps,
        batch_size=8,
        align_rollouts=False,  # rollouts that cut episodes: what bptt_rollouts reaches across
        bptt_rollouts=bptt_rollouts,
        policy_kwargs=dict(core="lstm", hidden_size=8, normalize_obs=False) | policy_kwargs,
        seed=0,
    )


def rollouts(model: RecurrentPPO, n: int) -> Iterator[None]:
    """Collect ``n`` rollouts in a row (one env reset, before the first), pausing after each."""
    _, callback = model._setup_learn(100_000, callback=None)
    for _ in range(n):
        model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)
        yield


def collect(model: RecurrentPPO, n: int) -> None:
    for _ in rollouts(model, n):
        pass


@pytest.mark.parametrize("core", ["lstm", "gru", "rnn"])
def test_each_prefix_holds_its_episodes_earlier_steps(core: str) -> None:
    """7-step episodes in 3-step rollouts span up to three rollouts: two kept rollouts hold
    every continuing episode's steps from its first on."""
    model = model_on(lambda: ClockEnv(7), n_envs=2, n_steps=3, bptt_rollouts=2, core=core)
    seen_lengths = set()
    for _ in rollouts(model, 7):  # the rollouts start at steps 0, 3, 6, 2, 5, 1, 4 of 7
        for batch in model.rollout_buffer.get(batch_size=None):
            for prefix in batch.prefixes:
                assert prefix.episode_starts.eq(1).all()  # two rollouts reach every start
                for i, column in enumerate(prefix.columns.tolist()):
                    episode, step = batch.observations[0, column].tolist()
                    steps = prefix.observations[:, i]
                    assert steps[:, 0].eq(episode).all()  # the same episode ...
                    assert steps[:, 1].tolist() == list(range(int(step)))  # ... from its start
                    seen_lengths.add(int(step))
    assert seen_lengths == {1, 2, 3, 4, 5, 6}


def test_a_prefix_shorter_than_its_episode_starts_from_the_stored_state() -> None:
    """With one kept rollout, an episode begun two rollouts ago gets that rollout's steps only,
    from the core state stored at its start."""
    model = model_on(lambda: ClockEnv(7), n_envs=2, n_steps=3, bptt_rollouts=1)
    partial = 0
    for _ in rollouts(model, 6):
        batch = next(model.rollout_buffer.get(batch_size=None, shuffle=False))
        for prefix in batch.prefixes:
            assert len(prefix.observations) <= 3
            for i, start in enumerate(prefix.episode_starts.tolist()):
                if not start:
                    partial += 1
                    assert prefix.observations[0, i, 1] > 0  # mid-episode
                    assert prefix.states.pi[0][:, i].abs().sum() > 0  # a stored state
    assert partial > 0


def test_without_bptt_rollouts_no_prefix_is_kept() -> None:
    model = model_on(lambda: ClockEnv(7), n_envs=2, n_steps=3, bptt_rollouts=0)
    collect(model, 4)
    assert all(batch.prefixes == () for batch in model.rollout_buffer.get(batch_size=None))


@pytest.mark.parametrize("core", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("critic_core", ["separate", "shared", "none"])
def test_ratio_stays_exact_with_prefixes(core: str, critic_core: str) -> None:
    model = model_on(
        lambda: CueEnv(5),
        3,
        4,
        bptt_rollouts=2,
        core=core,
        critic_core=critic_core,
        normalize_obs=None,  # the policy's default (standardised)
    )
    collect(model, 3)
    assert any(batch.prefixes for batch in model.rollout_buffer.get(batch_size=8))
    max_lp, max_v, _ = max_differences(model)
    assert max_lp == 0.0 and max_v == 0.0


def test_dict_observations_get_prefixes_and_keep_the_ratio_exact() -> None:
    model = RecurrentPPO(
        "MultiInputPolicy",
        DummyVecEnv([lambda: DictCueEnv(5)] * 3),
        n_steps=4,
        batch_size=8,
        bptt_rollouts=2,
        policy_kwargs=dict(hidden_size=8),
        seed=0,
    )
    collect(model, 3)
    prefixes = [p for batch in model.rollout_buffer.get(batch_size=8) for p in batch.prefixes]
    assert prefixes and all(set(p.observations) == {"cue", "clock"} for p in prefixes)
    max_lp, max_v, _ = max_differences(model)
    assert max_lp == 0.0 and max_v == 0.0


def test_decision_gradient_reaches_the_cue_in_an_earlier_rollout() -> None:
    """CueEnv's 6-step episodes in 4-step rollouts: no rollout holds both the cue and the
    decision of an episode that starts late in a rollout; the prefix carries the gradient."""
    model = model_on(lambda: CueEnv(5), n_envs=3, n_steps=4, bptt_rollouts=1)
    for _ in rollouts(model, 6):
        batch = next(model.rollout_buffer.get(batch_size=None, shuffle=False))
        for prefix in batch.prefixes:
            starts_episode = th.nonzero(prefix.episode_starts).flatten()
            if len(starts_episode) == 0:
                continue
            i = int(starts_episode[0])
            column = int(prefix.columns[i])
            decision = th.nonzero(batch.observations[:, column, 1] == 1).flatten()
            if len(decision) == 0:
                continue
            cue_obs = prefix.observations.clone().requires_grad_(True)
            states = model.policy.states_through_prefixes(
                batch.states, (prefix._replace(observations=cue_obs),)
            )
            _, log_prob, _ = model.policy.evaluate_sequences(
                batch.observations, batch.actions, states, batch.episode_starts
            )
            log_prob[int(decision[0]), column].backward()
            assert cue_obs.grad[0, i].abs().sum() > 0  # the cue step, in the earlier rollout
            for state, stored in zip(states.pi, batch.states.pi, strict=True):
                assert th.equal(state.detach(), stored)  # values unchanged
            return
    pytest.fail("no episode had its cue in an earlier rollout and its decision in this one")


def test_horizon_reaches_as_many_rollouts_as_an_episode_spans() -> None:
    def delayed_cue():
        return gym.make(envs.TASKS["DelayedCue"], memory_length=10)  # 11-step episodes

    model = model_on(delayed_cue, n_envs=2, n_steps=4, bptt_rollouts="horizon")
    assert model.rollout_buffer._history.maxlen == 3
    model.set_rollout_length(8)
    assert model.rollout_buffer._history.maxlen == 2
    model.set_env(DummyVecEnv([lambda: gym.make(envs.TASKS["DelayedCue"], memory_length=30)] * 2))
    assert model.rollout_buffer._history.maxlen == 4


@pytest.mark.parametrize(
    "n_steps, horizon, expected",
    [
        (256, 201, 1),
        (256, 257, 1),
        (256, 258, 2),
        (256, 1001, 4),
        (256, 11, 1),
        (256, None, 1),
        (8, 11, 2),
    ],
)
def test_bptt_reach(n_steps: int, horizon: int | None, expected: int) -> None:
    assert bptt_reach(n_steps, horizon) == expected


def test_set_env_starts_every_episode_afresh() -> None:
    model = model_on(lambda: ClockEnv(7), n_envs=2, n_steps=3, bptt_rollouts=2)
    steps = rollouts(model, 4)
    for _ in range(3):
        next(steps)
    model.set_env(DummyVecEnv([lambda: ClockEnv(7)] * 2))
    next(steps)
    assert all(batch.prefixes == () for batch in model.rollout_buffer.get(batch_size=None))


@pytest.mark.parametrize("bad", [-1, 1.5, "all", True])
def test_bad_bptt_rollouts_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="bptt_rollouts must be a non-negative int or 'horizon'"):
        model_on(lambda: ClockEnv(7), n_envs=2, n_steps=3, bptt_rollouts=bad)
    if not isinstance(bad, bool):
        with pytest.raises(ConfigError, match="bptt_rollouts must be an int >= 0 or 'horizon'"):
            build_config([f"--bptt_rollouts={bad}"])


def test_a_saved_model_keeps_its_bptt_rollouts(tmp_path) -> None:
    def delayed_cue():
        return gym.make(envs.TASKS["DelayedCue"], memory_length=10)

    model = model_on(delayed_cue, n_envs=2, n_steps=4, bptt_rollouts="horizon")
    model.learn(64)
    model.save(tmp_path / "model.zip")
    loaded = RecurrentPPO.load(tmp_path / "model.zip", env=model.env)
    assert loaded.bptt_rollouts == "horizon"
    assert loaded.rollout_buffer._history.maxlen == 3
    loaded.learn(64, reset_num_timesteps=False)
