"""The episode horizon read from envs written anywhere, and chrono init sized by it."""

from __future__ import annotations

import math

import gymnasium as gym
import pytest
import torch as th

import envs
from envs.sb3 import make_sb3_vec_env
from recurrent_agents import RecurrentPPO
from recurrent_agents.horizon import declared_time_limit, episode_horizon


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


@pytest.mark.parametrize(
    ("task", "kwargs", "limit"),
    [
        ("CartPole-v1", {}, 500),  # registered with max_episode_steps: gym.make's TimeLimit
        ("TMaze", {"memory_length": 30}, None),  # a deadline that ends as a terminal
        ("bench.suite.suite_envs:suite/TruncatedTMaze-v0", {"memory_length": 12}, None),
    ],
)
def test_declared_time_limit_is_a_time_limit_wrapper_only(task, kwargs, limit):
    # The truncating T-maze truncates itself at its horizon without declaring a TimeLimit.
    assert declared_time_limit(gym.make(envs.env_id(task), **kwargs)) == limit
    for prev_action_reward in (False, "reward"):  # train.py's env observes the previous reward
        env = make_sb3_vec_env(task, n_envs=2, prev_action_reward=prev_action_reward, **kwargs)
        assert declared_time_limit(env) == limit


def test_declared_time_limit_through_wrappers_and_vector_envs():
    from stable_baselines3.common.env_util import make_vec_env
    from stable_baselines3.common.vec_env import VecNormalize

    def wrapped_by_hand():  # as sb3-contrib's CartPole test builds its env
        return gym.wrappers.TimeLimit(gym.make("CartPole-v1").unwrapped, max_episode_steps=80)

    assert declared_time_limit(VecNormalize(make_vec_env(wrapped_by_hand, n_envs=2))) == 80
    sync = gym.make_vec("CartPole-v1", num_envs=2, vectorization_mode="sync")
    assert declared_time_limit(sync) == 500


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
    # a fraction alone sizes the agent's default chrono init; 'off' turns it off
    assert build_config(["--chrono_fraction=0.25"]).policy_kwargs()["core_kwargs"] == {
        "chrono_fraction": 0.25
    }
    off = build_config(["--chrono_init=off"]).policy_kwargs()
    assert "chrono_init" in off and off["chrono_init"] is None
    assert "chrono_init" not in build_config([]).policy_kwargs()  # the agent's default
    with pytest.raises(ConfigError, match="chrono_fraction=0.5 needs chrono_init, got 'off'"):
        build_config(["--chrono_init=off", "--chrono_fraction=0.5"])
    with pytest.raises(ConfigError, match="chrono_init must be an int >= 2, 'horizon' or 'off'"):
        build_config(["--chrono_init=soon"])


def _gated_model(core: str, memory_length: int = 50, **policy_kwargs) -> RecurrentPPO:
    env = make_sb3_vec_env("DelayedCue", n_envs=2, memory_length=memory_length)
    kwargs = dict(core=core, hidden_size=64, **policy_kwargs)
    return RecurrentPPO("MlpLstmPolicy", env, policy_kwargs=kwargs, seed=0)


@pytest.mark.parametrize("core, n_chrono", [("lstm", 32), ("gru", 48)])
def test_gated_cores_default_to_chrono_at_the_horizon_on_their_share_of_the_units(core, n_chrono):
    """Half the LSTM's units, three quarters of the GRU's (CHRONO_FRACTION_BY_CORE)."""
    model = _gated_model(core)
    assert model.policy.chrono_init == 51  # DelayedCue's horizon: L + 1
    assert model.policy_kwargs == dict(core=core, hidden_size=64)  # saved as the user gave them
    rnn = model.policy.core_actor.rnn
    keep = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().split(64)[model.policy.core_actor.keep_gate]
    # the chrono units: log U(1, T - 1) in [0, log 50]; the rest: the elman init's shut gate
    chrono, elman = keep[:n_chrono], keep[n_chrono:]
    assert (chrono >= 0).all() and (chrono <= math.log(50) + 1e-5).all()
    assert chrono.max() > math.log(10)
    assert th.equal(elman, th.full((64 - n_chrono,), -3.0))


@pytest.mark.parametrize(
    "policy_kwargs",
    [
        dict(chrono_init=None),
        dict(forget_bias=-3.0),
        dict(core_kwargs={"init": "pytorch"}),
    ],
)
def test_default_chrono_yields_to_an_init_the_user_chose(policy_kwargs):
    model = _gated_model("lstm", **policy_kwargs)
    assert model.policy.chrono_init is None
    assert "chrono_fraction" not in (model.policy.core_kwargs or {})


def test_an_explicit_chrono_init_covers_every_unit_unless_a_fraction_is_given():
    full = _gated_model("lstm", chrono_init="horizon")
    assert _keep_bias(full).min() >= 0  # no unit keeps the elman init's shut gate
    quarter = _gated_model("lstm", core_kwargs={"chrono_fraction": 0.25})
    assert (_keep_bias(quarter) < 0).sum() == 48


def test_recurrent_weights_reaches_the_rnn_and_is_dropped_for_gated_cores():
    from recurrent_agents.run.config import ConfigError, build_config

    cfg = build_config(["--core=rnn", "--recurrent_weights=orthogonal"])
    assert cfg.policy_kwargs()["core_kwargs"] == {"recurrent_weights": "orthogonal"}
    with pytest.raises(ConfigError, match="recurrent_weights must be one of free, orthogonal"):
        build_config(["--recurrent_weights=unitary"])
    env = gym.make("memory/TMaze-v0", memory_length=4)
    for core in ("rnn", "lstm"):
        kwargs = {"core": core, "core_kwargs": {"recurrent_weights": "orthogonal"}}
        model = RecurrentPPO("MlpLstmPolicy", env, n_steps=32, policy_kwargs=kwargs)
        takes = core == "rnn"
        assert ("recurrent_weights" in model.policy.core_kwargs) == takes
        assert hasattr(model.policy.core_actor.rnn, "parametrizations") == takes
