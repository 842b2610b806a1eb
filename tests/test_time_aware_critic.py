"""``time_aware_critic``: the value heads see the discount left to a time limit they learn from
truncations; the actor never sees it, and tasks that never truncate train exactly as without."""

import gymnasium as gym
import numpy as np
import pytest
import torch as th
from gymnasium import spaces
from stable_baselines3.common.vec_env import DummyVecEnv

from recurrent_agents import RecurrentPPO
from recurrent_agents.buffer import discount_to_limit
from recurrent_agents.run import config as C
from recurrent_agents.run import training
from recurrent_agents.run.training import make_env, new_model


class ConstantUntilLimit(gym.Env):
    """Reward 1 on every step of a constant observation; a time limit of ``limit`` steps ends
    the episode by truncation (or by termination with ``terminate``), or never with None."""

    def __init__(self, limit: int | None = 12, terminate: bool = False) -> None:
        self.limit = limit
        self.terminate = terminate
        self.observation_space = spaces.Box(-1.0, 1.0, (2,), np.float32)
        self.action_space = spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        return np.array([0.5, -0.5], np.float32), {}

    def step(self, action):
        self.t += 1
        end = self.limit is not None and self.t == self.limit
        obs = np.array([0.5, -0.5], np.float32)
        return obs, 1.0, end and self.terminate, end and not self.terminate, {}


def make_model(env_kwargs: dict, n_envs: int = 4, **kwargs) -> RecurrentPPO:
    env = DummyVecEnv([lambda: ConstantUntilLimit(**env_kwargs)] * n_envs)
    kwargs.setdefault("time_aware_critic", True)
    kwargs.setdefault("bootstrap_truncated", False)
    kwargs.setdefault("policy_kwargs", dict(hidden_size=16))
    return RecurrentPPO(
        "MlpLstmPolicy",
        env,
        n_steps=24,
        batch_size=48,
        n_epochs=4,
        seed=0,
        **kwargs,
    )


def test_discount_to_limit():
    steps = th.tensor([0.0, 150.0, 200.0, 250.0])
    expected = th.tensor([0.99**200, 0.99**50, 1.0, 1.0])
    assert th.allclose(discount_to_limit(steps, 200, 0.99), expected)


def test_time_limit_is_learnt_from_truncations_and_saved(tmp_path):
    model = make_model({"limit": 12})
    assert model.time_limit is None and model.policy.value_time_net is not None
    model.learn(96)
    assert model.time_limit == 12
    # the rollout's steps count 0 .. 11 into their episodes
    assert model.rollout_buffer.episode_steps.unique().tolist() == list(map(float, range(12)))
    assert model.policy.value_time_net.weight.abs().sum() > 0  # trained
    model.save(tmp_path / "model.zip")
    loaded = RecurrentPPO.load(tmp_path / "model.zip")
    assert loaded.time_limit == 12 and loaded.time_aware_critic
    assert th.equal(loaded.policy.value_time_net.weight, model.policy.value_time_net.weight)


@pytest.mark.parametrize("env_kwargs", [{"limit": 12, "terminate": True}, {"limit": None}])
def test_a_task_without_truncations_trains_exactly_as_without_the_option(env_kwargs):
    with_time = make_model(env_kwargs).learn(96)  # built and trained one after the other:
    without = make_model(env_kwargs, time_aware_critic=False).learn(96)  # a seed is global
    assert with_time.time_limit is None
    assert with_time.policy.value_time_net.weight.abs().sum() == 0
    shared = without.policy.state_dict()
    for name, value in with_time.policy.state_dict().items():
        if "time_net" not in name:
            assert th.equal(value, shared[name]), name


@pytest.mark.slow
def test_the_critic_values_the_time_left():
    """A constant observation and reward 1 until a limit of 12 steps: the return from step t is
    (1 - gamma ** (12 - t)) / (1 - gamma), which only the time input tells apart for a critic
    without memory (a recurrent one can count 12 steps itself; without the time input this
    critic's values are one number, 4.79, for every step)."""
    model = make_model(
        {"limit": 12},
        n_envs=8,
        gamma=0.9,
        learning_rate=3e-3,
        policy_kwargs=dict(hidden_size=16, critic_core="none"),
    )
    model.learn(15_000)
    policy = model.policy
    obs = th.tensor([[0.5, -0.5]])
    with th.no_grad():
        states = policy.initial_state(1)
        values = []
        for t in range(12):
            discount = discount_to_limit(th.tensor([float(t)]), 12, 0.9)
            start = th.tensor([1.0 if t == 0 else 0.0])
            _, value, _, states = policy(obs, states, start, time_discount=discount)
            values.append(float(value))
    expected = [(1 - 0.9 ** (12 - t)) / (1 - 0.9) for t in range(12)]
    assert np.allclose(values, expected, atol=0.2), (values, expected)


@pytest.mark.parametrize("bootstrap", [True, "auto"])
def test_a_time_aware_critic_needs_truncations_to_end_the_return(bootstrap):
    with pytest.raises(ValueError, match="time_aware_critic=True needs bootstrap_truncated=False"):
        make_model({"limit": 12}, bootstrap_truncated=bootstrap)


def test_the_actor_never_sees_the_time():
    model = make_model({"limit": 12})
    model.learn(96)
    obs = np.array([[0.5, -0.5]], np.float32)
    before = model.policy.get_distribution(
        th.as_tensor(obs), model.policy.initial_state(1).pi, th.ones(1)
    )[0].distribution.probs
    assert before.shape == (1, 2)  # get_distribution takes no time input at all
    assert "time_discount" not in model.policy.predict.__code__.co_varnames


def test_bad_value_is_rejected():
    with pytest.raises(ValueError, match="time_aware_critic must be True or False, got 'yes'"):
        make_model({"limit": 12}, time_aware_critic="yes")


def test_the_option_reaches_the_model_from_the_command_line():
    cfg = C.build_config(
        ["--time_aware_critic=true", "--bootstrap_truncated=false", "--n_envs=2", "--n_steps=16"]
        + ["--batch_size=8"]
    )
    assert cfg.time_aware_critic is True and C.build_config([]).time_aware_critic is False
    env = make_env(cfg, seed=0, memory_length=10)
    try:
        assert new_model(cfg, env).policy.value_time_net is not None
    finally:
        env.close()
    with pytest.raises(C.ConfigError, match="time_aware_critic"):
        C.build_config(["--time_aware_critic=maybe"])
    with pytest.raises(C.ConfigError, match="needs bootstrap_truncated=false, got 'auto'"):
        C.build_config(["--time_aware_critic=true"])  # "auto", the default


def short_run(tmp_path, task: str, *options: str):
    args = [f"--task={task}", "--memory_length=2", "--hidden_size=8", "--n_steps=16"]
    args += ["--batch_size=64", "--n_epochs=1", "--total_timesteps=512", "--eval_episodes=4"]
    args += ["--video=false", "--checkpoint_every=0", "--wandb_mode=disabled"]
    args += [f"--run_dir={tmp_path / task}", *options]
    return training.run_training(C.build_config(args))


@pytest.mark.parametrize(
    "task, options, noted",
    [
        # its episodes are truncated at 4 (L + 1) steps
        ("BakkerTMaze", ("--bootstrap_truncated=false",), True),
        # the truncations pay what other steps pay: bootstrapped, no deadline (the default)
        ("BakkerTMaze", (), False),
        ("TMaze", (), False),  # never truncates
    ],
)
def test_a_run_says_when_a_time_limit_ended_the_return(tmp_path, capsys, task, options, noted):
    short_run(tmp_path, task, *options)
    err = capsys.readouterr().err
    assert ("episodes ended by a time-limit truncation" in err) is noted, err
    if noted:
        assert "--bootstrap_truncated=auto (the default)" in err
