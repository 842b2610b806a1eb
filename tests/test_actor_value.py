"""``actor_value_coef``: a value head on the actor's latent, trained on the critic's targets,
whose gradient trains the actor's core while the advantages keep the critic's values."""

import gymnasium as gym
import numpy as np
import pytest
import torch as th
from gymnasium import spaces
from stable_baselines3.common.vec_env import DummyVecEnv

from recurrent_agents import RecurrentPPO, cores
from recurrent_agents.defaults import ACTOR_VALUE_COEF
from recurrent_agents.run.config import ConfigError, build_config
from tests.test_ppo_ratio import DictCueEnv

DELAY = 4  # steps between the cue and the reward that depends on it


class RewardedCue(gym.Env):
    """A cue (+1 or -1) in the first observation, blanks after; the last step pays the cue
    whatever the actions. Its returns can only be predicted by remembering the cue."""

    observation_space = spaces.Box(-1.0, 1.0, (1,), np.float32)
    action_space = spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t, self.cue = 0, float(self.np_random.choice([-1.0, 1.0]))
        return np.array([self.cue], np.float32), {}

    def step(self, action):
        self.t += 1
        done = self.t == DELAY
        return np.zeros(1, np.float32), self.cue if done else 0.0, done, False, {}


def model_on(actor_value_coef: float, **kwargs) -> RecurrentPPO:
    return RecurrentPPO(
        "MlpPolicy",
        DummyVecEnv([RewardedCue] * 8),
        n_steps=32,
        batch_size=256,
        actor_value_coef=actor_value_coef,
        policy_kwargs=dict(hidden_size=16),
        seed=0,
        **kwargs,
    )


def actor_values_at_the_reward_step(model: RecurrentPPO) -> tuple[np.ndarray, np.ndarray]:
    """The actor head's value estimates on the last step of 64 episodes, and their cues."""
    cues = np.where(np.arange(64) % 2 == 0, 1.0, -1.0).astype(np.float32)
    obs = np.zeros((DELAY, 64, 1), np.float32)
    obs[0, :, 0] = cues
    starts = th.zeros(DELAY, 64)
    starts[0] = 1.0
    policy = model.policy
    with th.no_grad():
        in_pi, _, _ = policy._forward_path(th.as_tensor(obs), policy.initial_state(64), starts[0])
        latent = policy._actor_latent(in_pi.reshape(DELAY * 64, -1))
        values = policy._actor_values(latent, DELAY * 64).reshape(DELAY, 64)
    return values[-1].numpy(), cues


def test_the_actor_core_learns_what_predicts_the_return():
    model = model_on(1.0, ent_coef=0.0)
    model.learn(4096)
    values, cues = actor_values_at_the_reward_step(model)
    # The last observation is blank: only a cue carried by the actor's core predicts this.
    assert np.abs(values - cues).max() < 0.3, np.c_[values, cues][:4]


def test_off_by_default_builds_no_head_and_draws_the_same_init():
    with_head, without = model_on(0.5).policy, model_on(0.0).policy
    assert without.actor_value_net is None and with_head.actor_value_net is not None
    # The head is built last: every other parameter starts as it would without it.
    for name, param in without.named_parameters():
        assert th.equal(param, with_head.get_parameter(name)), name


def test_a_new_value_scale_keeps_the_actor_values():
    policy = model_on(0.5).policy
    obs = th.randn(3, 4, 1)
    in_pi, _, _ = policy._forward_path(obs, policy.initial_state(4), th.ones(4))
    latent = policy._actor_latent(in_pi.reshape(12, -1)).detach()
    before = policy._actor_values(latent, 12).detach()
    policy.set_value_scale(7.0)
    th.testing.assert_close(policy._actor_values(latent, 12).detach(), before)


def test_the_setting_survives_save_and_load(tmp_path):
    model_on(0.25).save(tmp_path / "m")
    loaded = RecurrentPPO.load(tmp_path / "m")
    assert loaded.actor_value_coef == 0.25 and loaded.policy.actor_value_net is not None


def test_bad_values_are_rejected():
    for bad in (-0.5, float("inf"), "1"):
        with pytest.raises(ValueError, match="actor_value_coef must be a finite float >= 0"):
            model_on(bad)
    with pytest.raises(ConfigError, match="actor_value_coef must be a float >= 0"):
        build_config(["--actor_value_coef=-1"])


@pytest.mark.parametrize(
    ("policy_kwargs", "coef"),
    [
        ({}, 0.25),  # the LSTM with its own critic
        ({"critic_core": "separate"}, 0.25),
        ({"critic_core": "shared"}, 0.0),  # the value loss trains the actor's core already
        ({"enable_critic_lstm": False}, 0.0),  # sb3-contrib's critic without a core
        ({"core": "gru"}, 0.25),
        ({"core": "gru", "critic_core": "shared"}, 0.0),
        ({"core": "rnn"}, 0.0),  # its critic reads the actor's core by default
        ({"core": "rnn", "critic_core": "separate"}, 0.0),
    ],
)
def test_the_default_is_the_cores(policy_kwargs, coef):
    model = RecurrentPPO(
        "MlpPolicy", DummyVecEnv([RewardedCue]), n_steps=8, policy_kwargs=policy_kwargs
    )
    assert model.actor_value_coef == coef
    assert (model.policy.actor_value_net is not None) == (coef > 0)
    assert build_config([]).ppo_kwargs()["actor_value_coef"] is None  # the CLI's is the core's


def test_a_users_own_core_gets_the_head(monkeypatch: pytest.MonkeyPatch) -> None:
    """A core no default lists, with a critic of its own (the policy's), gets the head."""
    monkeypatch.setitem(cores._REGISTRY, "users-gru", cores.GRUCore)
    model = RecurrentPPO(
        "MlpPolicy", DummyVecEnv([RewardedCue]), n_steps=8, policy_kwargs={"core": "users-gru"}
    )
    assert model.actor_value_coef == ACTOR_VALUE_COEF == 0.25
    assert model.policy.actor_value_net is not None
    shared = RecurrentPPO(
        "MlpPolicy",
        DummyVecEnv([RewardedCue]),
        n_steps=8,
        policy_kwargs={"core": "users-gru", "critic_core": "shared"},
    )
    assert shared.actor_value_coef == 0.0 and shared.policy.actor_value_net is None


def test_a_model_saved_before_the_option_loads_without_the_head(tmp_path):
    """A file without ``actor_value_coef`` was trained without the head, whatever its core's
    default is now."""
    old = model_on(0.0)
    old.save(tmp_path / "old.zip", exclude=["actor_value_coef"])
    loaded = RecurrentPPO.load(tmp_path / "old.zip", env=DummyVecEnv([RewardedCue]))
    assert loaded.actor_value_coef == 0.0 and loaded.policy.actor_value_net is None
    for name, tensor in old.policy.state_dict().items():
        assert th.equal(tensor, loaded.policy.state_dict()[name]), name
    loaded.learn(256)  # trains as saved


@pytest.mark.parametrize(
    ("policy", "env_fn"),
    [("MlpPolicy", lambda: gym.make("Pendulum-v1")), ("MultiInputPolicy", lambda: DictCueEnv(5))],
    ids=["box_actions", "dict_observations"],
)
def test_the_head_trains_on_other_spaces(policy, env_fn):
    """The head reads the actor's latent, whatever the action or observation space."""
    model = RecurrentPPO(
        policy,
        DummyVecEnv([env_fn] * 2),
        n_steps=16,
        batch_size=32,
        actor_value_coef=0.5,
        policy_kwargs=dict(hidden_size=8),
        seed=0,
    )
    before = model.policy.actor_value_net.weight.detach().clone()
    model.learn(64)
    assert not th.equal(model.policy.actor_value_net.weight, before)
