"""The learning rate a core trains with when none is given: 1e-3 for the GRU, 5e-4 for the LSTM,
the vanilla RNN and any other core; a rate given, or one saved with a model, is kept."""

import pytest
from stable_baselines3.common.vec_env import DummyVecEnv

from envs.tmaze import TMazeEnv
from recurrent_agents import RecurrentPPO
from recurrent_agents.defaults import LEARNING_RATE, LEARNING_RATE_BY_CORE, default_learning_rate
from recurrent_agents.run.config import build_config


def _env() -> DummyVecEnv:
    return DummyVecEnv([lambda: TMazeEnv(memory_length=3)])


def _optimizer_rate(model: RecurrentPPO) -> float:
    return model.policy.optimizer.param_groups[0]["lr"]


@pytest.mark.parametrize(
    ("policy_kwargs", "rate"),
    [({}, 5e-4), ({"core": "lstm"}, 5e-4), ({"core": "gru"}, 1e-3), ({"core": "rnn"}, 5e-4)],
)
def test_the_default_is_the_cores(policy_kwargs, rate):
    model = RecurrentPPO("MlpPolicy", _env(), n_steps=8, policy_kwargs=policy_kwargs)
    assert model.learning_rate == rate and _optimizer_rate(model) == rate
    model.learn(16)  # the rate the updates use, logged by SB3's hook
    assert model.logger.name_to_value["train/learning_rate"] == rate
    assert build_config([]).learning_rate is None  # train.py leaves it to the core


def test_a_rate_given_is_kept_for_every_core():
    for core in ("lstm", "gru", "rnn"):
        model = RecurrentPPO(
            "MlpPolicy", _env(), n_steps=8, learning_rate=2e-4, policy_kwargs={"core": core}
        )
        assert model.learning_rate == 2e-4 and _optimizer_rate(model) == 2e-4
    rate = build_config(["--core=gru", "--learning_rate=2e-4"]).ppo_kwargs()["learning_rate"]
    assert rate == 2e-4


def test_a_core_without_an_entry_gets_the_common_rate():
    assert "lstm" not in LEARNING_RATE_BY_CORE and LEARNING_RATE == 5e-4
    assert default_learning_rate("my-own-core") == LEARNING_RATE


def test_a_saved_model_keeps_the_rate_it_trained_with(tmp_path):
    """A model saved under the old common default loads with it, whatever its core's is now."""
    old = RecurrentPPO(
        "MlpPolicy", _env(), n_steps=8, learning_rate=LEARNING_RATE, policy_kwargs={"core": "gru"}
    )
    old.save(tmp_path / "old.zip")
    loaded = RecurrentPPO.load(tmp_path / "old.zip", env=_env())
    assert loaded.learning_rate == LEARNING_RATE
    assert _optimizer_rate(loaded) == LEARNING_RATE
