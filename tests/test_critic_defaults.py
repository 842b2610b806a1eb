"""The per-core default of what the critic reads (recurrent_agents.defaults.CRITIC_CORE_BY_CORE)."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import torch as th

from recurrent_agents import RecurrentPPO


def make_model(**policy_kwargs) -> RecurrentPPO:
    return RecurrentPPO(
        "MlpPolicy",
        gym.make("CartPole-v1"),
        n_steps=16,
        batch_size=16,
        policy_kwargs={"hidden_size": 8, **policy_kwargs},
        seed=0,
    )


@pytest.mark.parametrize(
    "core, critic_core", [("rnn", "shared"), ("lstm", "separate"), ("gru", "separate")]
)
def test_each_core_gets_its_default_critic_when_none_is_given(core, critic_core) -> None:
    model = make_model(core=core)
    assert model.policy.critic_core == critic_core
    assert (model.policy.core_critic is model.policy.core_actor) == (critic_core == "shared")
    assert model.policy_kwargs == {"hidden_size": 8, "core": core}  # as the user gave them


@pytest.mark.parametrize(
    "kwargs, critic_core",
    [
        ({"critic_core": "separate"}, "separate"),
        ({"shared_core": False}, "separate"),
        ({"shared_lstm": True, "enable_critic_lstm": False}, "shared_detached"),
        ({"enable_critic_lstm": False}, "none"),
        ({"share_features_extractor": False}, "separate"),
    ],
)
def test_a_critic_option_given_for_the_rnn_wins_over_its_default(kwargs, critic_core) -> None:
    assert make_model(core="rnn", **kwargs).policy.critic_core == critic_core


def test_a_model_saved_before_the_default_loads_with_the_critic_it_has(tmp_path) -> None:
    """A file without ``critic_core_default`` (saved before the per-core defaults) holds an
    RNN with its own critic core and the kwargs ``{"core": "rnn"}``: it loads as saved."""
    old = make_model(core="rnn", critic_core="separate")
    old.policy_kwargs = {"hidden_size": 8, "core": "rnn"}
    old.save(tmp_path / "old.zip", exclude=["critic_core_default"])

    loaded = RecurrentPPO.load(tmp_path / "old.zip", device="cpu")
    assert loaded.policy.critic_core == "separate"
    for name, tensor in old.policy.state_dict().items():
        assert th.equal(tensor, loaded.policy.state_dict()[name]), name

    new = make_model(core="rnn")
    new.save(tmp_path / "new.zip")
    assert RecurrentPPO.load(tmp_path / "new.zip", device="cpu").policy.critic_core == "shared"
    obs = np.zeros((1, 4), np.float32)
    actions, _ = RecurrentPPO.load(tmp_path / "new.zip", device="cpu").predict(obs)
    assert actions.shape == (1,)
