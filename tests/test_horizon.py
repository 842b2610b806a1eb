"""The episode horizon read from envs written anywhere, and chrono init sized by it."""

from __future__ import annotations

import math

import gymnasium as gym
import pytest
import torch as th

import envs
from envs.sb3 import make_sb3_vec_env
from recurrent_agents import RecurrentPPO
from recurrent_agents.horizon import episode_horizon


@pytest.mark.parametrize(
    ("task", "kwargs", "horizon"),
    [
        ("TMaze", {"memory_length": 30}, 31),  # the toolkit's episode_horizon
        ("DelayedCue", {"memory_length": 7}, 8),
        ("CartPole-v1", {}, 500),  # TimeLimit's max_episode_steps
        ("bench.suite.suite_envs:suite/TruncatedTMaze-v0", {"memory_length": 12}, 13),
    ],
)
def test_episode_horizon_of_single_and_vector_envs(task, kwargs, horizon):
    assert episode_horizon(gym.make(envs.env_id(task), **kwargs)) == horizon
    assert episode_horizon(make_sb3_vec_env(task, n_envs=2, **kwargs)) == horizon


def test_episode_horizon_of_popgym_and_minigrid():
    pytest.importorskip("popgym")
    pytest.importorskip("minigrid")
    assert episode_horizon(make_sb3_vec_env("popgym:popgym-RepeatFirstEasy-v0", n_envs=2)) == 51
    assert episode_horizon(gym.make(envs.env_id("minigrid:MiniGrid-MemoryS7-v0"))) == 245


def test_env_without_horizon_is_none():
    class NoHorizon(gym.Env):
        observation_space = gym.spaces.Discrete(2)
        action_space = gym.spaces.Discrete(2)

    assert episode_horizon(NoHorizon()) is None


def _keep_bias(model: RecurrentPPO) -> th.Tensor:
    """The LSTM's forget-gate bias (input-hidden plus hidden-hidden) of the actor's core."""
    rnn = model.policy.core_actor.rnn
    h = rnn.hidden_size
    return (rnn.bias_ih_l0 + rnn.bias_hh_l0)[h : 2 * h].detach()


def test_chrono_horizon_sizes_the_gate_biases_by_the_task():
    short = RecurrentPPO(
        "MlpLstmPolicy",
        make_sb3_vec_env("TMaze", n_envs=2, memory_length=5),
        policy_kwargs=dict(chrono_init="horizon", hidden_size=256),
        seed=0,
    )
    long = RecurrentPPO(
        "MlpLstmPolicy",
        make_sb3_vec_env("TMaze", n_envs=2, memory_length=1000),
        policy_kwargs=dict(chrono_init="horizon", hidden_size=256),
        seed=0,
    )
    assert short.policy.chrono_init == 6 and long.policy.chrono_init == 1001
    # chrono init: forget bias log(U(1, T - 1)), so no bias above log(T - 2)
    assert _keep_bias(short).max() <= math.log(5) + 1e-5
    assert _keep_bias(long).max() > math.log(5) + 1.0


def test_chrono_horizon_falls_back_to_rollout_and_skips_ungated_cores():
    class NoHorizon(gym.Env):
        observation_space = gym.spaces.Box(-1, 1, (2,))
        action_space = gym.spaces.Discrete(2)

        def reset(self, *, seed=None, options=None):
            return self.observation_space.sample(), {}

        def step(self, action):
            return self.observation_space.sample(), 0.0, True, False, {}

    kwargs = dict(chrono_init="horizon")
    lstm = RecurrentPPO("MlpLstmPolicy", NoHorizon(), n_steps=96, policy_kwargs=kwargs)
    assert lstm.policy.chrono_init == 96
    rnn_kwargs = {**kwargs, "core": "rnn", "core_kwargs": {"chrono_fraction": 0.5}}
    rnn = RecurrentPPO("MlpLstmPolicy", NoHorizon(), policy_kwargs=rnn_kwargs)
    assert rnn.policy.chrono_init is None and rnn.policy.core_kwargs == {}


def test_train_config_takes_chrono_horizon_and_fraction():
    from recurrent_agents.run.config import ConfigError, build_config

    cfg = build_config(["--chrono_init=horizon", "--chrono_fraction=0.5"])
    assert cfg.policy_kwargs()["chrono_init"] == "horizon"
    assert cfg.policy_kwargs()["core_kwargs"] == {"chrono_fraction": 0.5}
    assert build_config(["--chrono_init=50"]).chrono_init == 50
    with pytest.raises(ConfigError, match="chrono_fraction must be in"):
        build_config(["--chrono_init=50", "--chrono_fraction=1.5"])
    with pytest.raises(ConfigError, match="chrono_fraction=0.5 needs chrono_init"):
        build_config(["--chrono_fraction=0.5"])
    with pytest.raises(ConfigError, match="chrono_init must be an int >= 2, 'horizon' or None"):
        build_config(["--chrono_init=soon"])
