"""RecurrentPPO accepts what sb3-contrib's RecurrentPPO accepts, with the same meaning: policy
aliases, sb3-contrib's policy keywords, gSDE, separate features extractors, Dict and image
observations, any Box action shape, MultiDiscrete and MultiBinary actions; torch_threads."""

import gymnasium as gym
import numpy as np
import pytest
import torch as th
from gymnasium import spaces
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.torch_layers import (
    BaseFeaturesExtractor,
    CombinedExtractor,
    FlattenExtractor,
    NatureCNN,
)
from stable_baselines3.common.vec_env import DummyVecEnv
from torch import nn

from recurrent_agents import (
    RecurrentActorCriticCnnPolicy,
    RecurrentActorCriticPolicy,
    RecurrentMultiInputActorCriticPolicy,
    RecurrentPPO,
)

BOX_OBS = spaces.Box(-1.0, 1.0, (3,), np.float32)
DICT_OBS = spaces.Dict(
    {"position": spaces.Box(-1.0, 1.0, (2,), np.float32), "flags": spaces.MultiBinary(3)}
)
IMAGE_OBS = spaces.Box(0, 255, (8, 8, 1), np.uint8)
TWO_ACTIONS = spaces.Discrete(2)


class RandomEnv(gym.Env):
    """Random observations of any space; episodes of 5 steps; reward 1 for any action."""

    def __init__(self, observation_space: spaces.Space, action_space: spaces.Space) -> None:
        self.observation_space = observation_space
        self.action_space = action_space

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.observation_space.seed(seed)
        self.t = 0
        return self.observation_space.sample(), {}

    def step(self, action):
        assert self.action_space.contains(np.asarray(action, self.action_space.dtype))
        self.t += 1
        return self.observation_space.sample(), 1.0, self.t == 5, False, {}


class TinyCNN(BaseFeaturesExtractor):
    """One strided convolution: image features for tests (NatureCNN needs 36x36 images)."""

    def __init__(self, observation_space: spaces.Box, features_dim: int = 8) -> None:
        super().__init__(observation_space, features_dim)
        channels, height, width = observation_space.shape
        self.net = nn.Sequential(
            nn.Conv2d(channels, 4, 3, stride=2),
            nn.ReLU(),
            nn.Flatten(),
            nn.Linear(4 * ((height - 3) // 2 + 1) * ((width - 3) // 2 + 1), features_dim),
        )

    def forward(self, observations: th.Tensor) -> th.Tensor:
        return self.net(observations)


class TinyMlp(BaseFeaturesExtractor):
    """A features extractor with parameters (FlattenExtractor has none)."""

    def __init__(self, observation_space: spaces.Box, features_dim: int = 4) -> None:
        super().__init__(observation_space, features_dim)
        self.net = nn.Linear(int(np.prod(observation_space.shape)), features_dim)

    def forward(self, observations: th.Tensor) -> th.Tensor:
        return th.tanh(self.net(observations.flatten(1)))


def make_model(
    observation_space: spaces.Space = BOX_OBS,
    action_space: spaces.Space = TWO_ACTIONS,
    policy: str = "MlpLstmPolicy",
    n_envs: int = 2,
    **kwargs,
) -> RecurrentPPO:
    env = DummyVecEnv([lambda: RandomEnv(observation_space, action_space)] * n_envs)
    policy_kwargs = {"lstm_hidden_size": 8, **kwargs.pop("policy_kwargs", {})}
    return RecurrentPPO(
        policy,
        env,
        n_steps=16,
        batch_size=16,
        n_epochs=1,
        policy_kwargs=policy_kwargs,
        seed=0,
        **kwargs,
    )


def make_policy(observation_space: spaces.Space = BOX_OBS, **kwargs) -> RecurrentActorCriticPolicy:
    return RecurrentActorCriticPolicy(observation_space, TWO_ACTIONS, lambda _: 1e-3, **kwargs)


def rollout_and_predict(model: RecurrentPPO, steps: int = 32) -> np.ndarray:
    """Train ``steps`` env steps, then the greedy actions for a fresh observation batch."""
    model.learn(steps)
    obs = model.env.reset()
    actions, state = model.predict(obs, episode_start=np.ones(model.n_envs, bool))
    assert len(state) == 2  # the actor LSTM's (h, c)
    return actions


# --- policy aliases and sb3-contrib's policy keywords ------------------------------------------


@pytest.mark.parametrize(
    "alias, policy_class, extractor",
    [
        ("MlpPolicy", RecurrentActorCriticPolicy, FlattenExtractor),
        ("MlpLstmPolicy", RecurrentActorCriticPolicy, FlattenExtractor),
        ("CnnPolicy", RecurrentActorCriticCnnPolicy, NatureCNN),
        ("CnnLstmPolicy", RecurrentActorCriticCnnPolicy, NatureCNN),
        ("MultiInputPolicy", RecurrentMultiInputActorCriticPolicy, CombinedExtractor),
        ("MultiInputLstmPolicy", RecurrentMultiInputActorCriticPolicy, CombinedExtractor),
    ],
)
def test_policy_aliases_and_their_features_extractors(alias, policy_class, extractor) -> None:
    assert RecurrentPPO.policy_aliases[alias] is policy_class
    space = {
        RecurrentActorCriticPolicy: BOX_OBS,
        RecurrentActorCriticCnnPolicy: spaces.Box(0, 255, (1, 36, 36), np.uint8),
        RecurrentMultiInputActorCriticPolicy: DICT_OBS,
    }[policy_class]
    policy = policy_class(space, TWO_ACTIONS, lambda _: 1e-3, hidden_size=4)
    assert type(policy.features_extractor) is extractor


def test_sb3_contrib_keywords_build_the_same_policy_as_the_toolkit_names() -> None:
    th.manual_seed(0)
    contrib = make_policy(lstm_hidden_size=4, n_lstm_layers=2, lstm_kwargs={"dropout": 0.25})
    th.manual_seed(0)
    toolkit = make_policy(hidden_size=4, num_layers=2, core_kwargs={"dropout": 0.25})
    assert (contrib.core_actor.hidden_size, contrib.core_actor.num_layers) == (4, 2)
    assert contrib.core_actor.rnn.dropout == 0.25 == contrib.core_critic.rnn.dropout
    contrib_state, toolkit_state = contrib.state_dict(), toolkit.state_dict()
    assert contrib_state.keys() == toolkit_state.keys()
    assert all(th.equal(contrib_state[k], toolkit_state[k]) for k in contrib_state)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"hidden_size": 8, "lstm_hidden_size": 8}, "hidden_size and sb3-contrib's"),
        ({"num_layers": 1, "n_lstm_layers": 2}, "num_layers and sb3-contrib's"),
        ({"core_kwargs": {}, "lstm_kwargs": {"dropout": 0.1}}, "core_kwargs and sb3-contrib's"),
        ({"shared_core": True, "shared_lstm": True}, "shared_core and sb3-contrib's"),
        ({"critic_core": "none", "enable_critic_lstm": False}, "critic_core and sb3-contrib's"),
        ({"critic_core": "shared", "shared_core": True}, "critic_core and shared_core"),
        ({"critic_core": "nope"}, "critic_core must be one of"),
        ({"lstm_kwargs": {"bidirectional": True}}, "takes the options"),
    ],
)
def test_one_option_under_two_names_or_an_unknown_one_is_a_value_error(kwargs, match) -> None:
    with pytest.raises(ValueError, match=match):
        make_policy(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"shared_lstm": True},  # sb3-contrib's enable_critic_lstm defaults to True
        {"shared_lstm": True, "enable_critic_lstm": False, "share_features_extractor": False},
        {"critic_core": "shared", "share_features_extractor": False},
    ],
)
def test_sb3_contribs_asserted_combinations_raise_its_error_type_too(kwargs) -> None:
    with pytest.raises(ValueError) as error:
        make_policy(**kwargs)
    assert isinstance(error.value, AssertionError)


def test_critic_without_a_core_reads_a_linear_layer_of_the_features() -> None:
    policy = make_policy(hidden_size=4, enable_critic_lstm=False)
    assert policy.critic_core == "none" and policy.core_critic is None
    assert isinstance(policy.critic, nn.Linear) and policy.critic.out_features == 4
    assert policy.initial_state(3).vf == ()
    # Its values do not depend on the past: no memory.
    obs = th.randn(5, 3, 3)
    values_a, _, _ = policy.evaluate_sequences(
        obs, th.zeros(5, 3), policy.initial_state(3), th.ones(5, 3)
    )
    obs[:4] = th.randn(4, 3, 3)
    values_b, _, _ = policy.evaluate_sequences(
        obs, th.zeros(5, 3), policy.initial_state(3), th.ones(5, 3)
    )
    assert th.equal(values_a[4], values_b[4]) and not th.equal(values_a[3], values_b[3])


@pytest.mark.parametrize(
    "kwargs, value_loss_trains_core",
    [
        ({"shared_core": True}, True),
        ({"shared_lstm": True, "enable_critic_lstm": False}, False),
    ],
)
def test_shared_core_and_sb3_contribs_shared_lstm(kwargs, value_loss_trains_core) -> None:
    """sb3-contrib's shared_lstm: the critic reads the actor's LSTM, detached; the toolkit's
    shared_core: the value loss trains the shared core too."""
    policy = make_policy(hidden_size=4, **kwargs)
    assert policy.core_critic is policy.core_actor
    states = policy.initial_state(3)
    assert states.vf is states.pi
    values, _, _ = policy.evaluate_sequences(
        th.randn(5, 3, 3), th.zeros(5, 3), states, th.ones(5, 3)
    )
    values.sum().backward()
    core_grads = [p.grad for p in policy.core_actor.parameters()]
    assert (all(g is not None for g in core_grads)) == value_loss_trains_core


def test_lstm_kwargs_dropout_reaches_the_core_in_training_mode_only() -> None:
    th.manual_seed(0)
    policy = make_policy(lstm_hidden_size=16, n_lstm_layers=2, lstm_kwargs={"dropout": 0.5})
    obs, actions, starts = th.randn(6, 4, 3), th.zeros(6, 4), th.ones(6, 4)

    def log_prob() -> th.Tensor:
        with th.no_grad():
            return policy.evaluate_sequences(obs, actions, policy.initial_state(4), starts)[1]

    policy.set_training_mode(True)
    assert not th.equal(log_prob(), log_prob())
    policy.set_training_mode(False)
    assert th.equal(log_prob(), log_prob())


# --- algorithm options and spaces --------------------------------------------------------------


def test_use_sde_gives_each_env_its_own_noise_matrix_and_trains() -> None:
    model = make_model(
        action_space=spaces.Box(-1.0, 1.0, (2,), np.float32),
        use_sde=True,
        sde_sample_freq=4,
    )
    actions = rollout_and_predict(model)
    assert actions.shape == (2, 2)
    # Two envs, padded to 4 rows: one matrix per row (SB3: one per env).
    assert model.policy.action_dist.exploration_matrices.shape[0] == 4
    with pytest.raises(ValueError, match="gSDE"):
        make_model(use_sde=True)  # Discrete actions: SB3's error
    with pytest.raises(ValueError, match="use_sde"):
        make_policy(use_sde=True)


def test_separate_features_extractors() -> None:
    model = make_model(
        policy_kwargs={"share_features_extractor": False, "features_extractor_class": TinyMlp}
    )
    policy = model.policy
    assert policy.pi_features_extractor is not policy.vf_features_extractor
    before = [p.clone() for p in policy.vf_features_extractor.parameters()]
    rollout_and_predict(model)
    after = list(policy.vf_features_extractor.parameters())
    assert any(not th.equal(a, b) for a, b in zip(before, after, strict=True))


def test_dict_observations_train_predict_and_survive_save_load(tmp_path) -> None:
    model = make_model(DICT_OBS, policy="MultiInputLstmPolicy")
    rollout_and_predict(model)
    assert set(model.rollout_buffer.observations) == {"position", "flags"}
    obs = {key: np.stack([space.sample() for _ in range(2)]) for key, space in DICT_OBS.items()}
    model.save(tmp_path / "model.zip")
    loaded = RecurrentPPO.load(tmp_path / "model.zip")
    starts = np.ones(2, bool)
    expected = model.predict(obs, episode_start=starts, deterministic=True)
    actual = loaded.predict(obs, episode_start=starts, deterministic=True)
    assert np.array_equal(expected[0], actual[0])
    assert all(np.array_equal(a, b) for a, b in zip(expected[1], actual[1], strict=True))


def test_normalize_obs_with_dict_observations_says_what_to_use_instead() -> None:
    with pytest.raises(ValueError, match="VecNormalize"):
        make_model(DICT_OBS, policy="MultiInputLstmPolicy", policy_kwargs={"normalize_obs": True})


def test_image_observations_with_a_small_cnn() -> None:
    model = make_model(
        IMAGE_OBS,
        policy="CnnLstmPolicy",
        policy_kwargs={"features_extractor_class": TinyCNN},
    )
    rollout_and_predict(model)
    # Channel-last images are transposed by SB3's VecTransposeImage and stored as uint8.
    assert model.rollout_buffer.observations.shape[2:] == (1, 8, 8)
    assert model.rollout_buffer.observations.dtype == th.uint8


@pytest.mark.parametrize(
    "action_space, expected_shape",
    [
        (spaces.Box(-1.0, 1.0, (2, 2), np.float32), (2, 2, 2)),
        (spaces.MultiDiscrete([2, 3]), (2, 2)),
        (spaces.MultiBinary(3), (2, 3)),
    ],
)
def test_action_spaces(action_space: spaces.Space, expected_shape: tuple[int, ...]) -> None:
    """(2, 2) Box actions used to crash the update ([16, 2, 2] vs [16, 4])."""
    actions = rollout_and_predict(make_model(action_space=action_space))
    assert actions.shape == expected_shape
    assert all(action_space.contains(a.astype(action_space.dtype)) for a in actions)


@pytest.mark.parametrize("observation_space", [spaces.Discrete(4), spaces.MultiDiscrete([5, 2])])
def test_discrete_observations(observation_space: spaces.Space) -> None:
    """SB3 one-hot encodes them (for MultiDiscrete its features size is a numpy integer)."""
    rollout_and_predict(make_model(observation_space))


# --- torch threads -----------------------------------------------------------------------------


class RecordThreads(BaseCallback):
    def _on_step(self) -> bool:
        self.threads = th.get_num_threads()
        return True


@pytest.mark.parametrize("torch_threads, inside", [(2, 2), (None, 3)])
def test_torch_threads_apply_inside_learn_and_are_restored(torch_threads, inside) -> None:
    model = make_model(torch_threads=torch_threads)
    callback = RecordThreads()
    previous = th.get_num_threads()
    th.set_num_threads(3)
    try:
        model.learn(16, callback=callback)
        assert callback.threads == inside
        assert th.get_num_threads() == 3
    finally:
        th.set_num_threads(previous)
    with pytest.raises(ValueError, match="torch_threads"):
        make_model(torch_threads=0)
