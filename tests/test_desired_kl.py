"""``desired_kl``: the learning rate adapted between updates toward a KL per update."""

import pytest
from stable_baselines3.common.vec_env import DummyVecEnv

from envs import TMazeEnv
from recurrent_agents import RecurrentPPO
from recurrent_agents.run.config import ConfigError, build_config


def _model(**kwargs) -> RecurrentPPO:
    env = DummyVecEnv([lambda: TMazeEnv(memory_length=2)] * 2)
    return RecurrentPPO(
        "MlpPolicy",
        env,
        n_steps=16,
        batch_size=32,
        n_epochs=2,
        learning_rate=1e-3,
        policy_kwargs=dict(hidden_size=8),
        seed=0,
        **kwargs,
    )


def test_updates_that_barely_move_the_policy_raise_the_rate_and_overshoots_lower_it() -> None:
    model = _model(desired_kl=0.01)
    factors = []
    for kl in [0.001] * 5 + [0.006] + [0.05] * 10:
        model._adapt_learning_rate(kl)
        factors.append(model.lr_factor)
    # x1.5 while below half the target, up to 4x; unchanged inside the band; /1.5 above twice
    # the target, down to 1/4.
    assert factors[:5] == pytest.approx([1.5, 2.25, 3.375, 4.0, 4.0])
    assert factors[5] == 4.0
    assert factors[6:8] == pytest.approx([4.0 / 1.5, 4.0 / 1.5**2])
    assert factors[-1] == 0.25


def test_each_update_runs_at_the_adapted_rate_and_a_saved_model_keeps_it(tmp_path) -> None:
    model = _model(desired_kl=1e-9)  # every update moves the policy more than this: rate falls
    model.learn(3 * 32)
    assert model.lr_factor == pytest.approx(1 / 1.5**3)  # three updates, each above 2e-9
    # The third update ran at the rate the first two left.
    assert model.policy.optimizer.param_groups[0]["lr"] == pytest.approx(1e-3 / 1.5**2)
    model.save(tmp_path / "model.zip")
    loaded = RecurrentPPO.load(tmp_path / "model.zip")
    assert loaded.desired_kl == 1e-9 and loaded.lr_factor == model.lr_factor
    fixed = _model()
    fixed.learn(3 * 32)
    assert fixed.lr_factor == 1.0 and fixed.policy.optimizer.param_groups[0]["lr"] == 1e-3


@pytest.mark.parametrize("bad", [0, -0.01, float("inf"), "0.01"])
def test_a_desired_kl_out_of_range_is_refused(bad) -> None:
    with pytest.raises(ValueError, match="desired_kl must be a finite float > 0 or None"):
        _model(desired_kl=bad)


def test_the_cli_refuses_a_non_positive_desired_kl() -> None:
    with pytest.raises(ConfigError, match="desired_kl must be a float > 0 or None, got -1.0"):
        build_config(["--desired_kl=-1"])
    assert build_config(["--desired_kl=0.01"]).ppo_kwargs()["desired_kl"] == 0.01
