"""The entropy coefficient annealed to 0 over the last part of the budget
(``ent_anneal_fraction``)."""

from typing import Any

import pytest
import torch as th
from stable_baselines3.common.logger import KVWriter, Logger

from envs.sb3 import make_sb3_vec_env
from recurrent_agents import RecurrentPPO
from recurrent_agents.run.config import ConfigError, build_config

ROLLOUT = 2 * 16  # env steps per update: 2 envs x n_steps 16


class Rows(KVWriter):
    """Keeps every dumped row of the logger."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def write(self, key_values: dict[str, Any], key_excluded: Any, step: int = 0) -> None:
        self.rows.append(dict(key_values))


def tiny_model(**kwargs: Any) -> RecurrentPPO:
    env = make_sb3_vec_env("TMaze", 2, seed=0, memory_length=3)
    return RecurrentPPO(
        "MlpPolicy",
        env,
        n_steps=16,
        batch_size=32,
        policy_kwargs=dict(hidden_size=8),
        seed=0,
        **kwargs,
    )


@pytest.mark.parametrize(
    ("remaining", "expected"), [(1.0, 0.1), (0.25, 0.1), (0.2, 0.1), (0.1, 0.05), (0.0, 0.0)]
)
def test_the_coefficient_is_flat_then_falls_linearly_to_zero(remaining, expected):
    model = tiny_model(ent_coef=0.1, ent_anneal_fraction=0.2)
    model._current_progress_remaining = remaining
    assert model.entropy_coefficient() == pytest.approx(expected)


def test_off_keeps_ent_coef_to_the_end():
    model = tiny_model(ent_coef=0.1, ent_anneal_fraction=0.0)
    model._current_progress_remaining = 0.0
    assert model.entropy_coefficient() == 0.1


def test_each_update_logs_the_coefficient_it_used():
    model = tiny_model(ent_coef=0.1, ent_anneal_fraction=0.5)
    rows = Rows()
    model.set_logger(Logger(None, [rows]))
    model.learn(4 * ROLLOUT)
    model.logger.dump(model.num_timesteps)  # the last update's row
    used = [row["train/ent_coef"] for row in rows.rows if "train/ent_coef" in row]
    # Progress after updates 1-4: 3/4, 1/2, 1/4, 0 of the budget left.
    assert used == pytest.approx([0.1, 0.1, 0.05, 0.0])


def test_the_annealed_coefficient_is_the_one_the_loss_uses():
    # One update whose rollout is the whole budget: no budget is left when it trains, so an
    # annealed bonus of any size must train exactly as no bonus does.
    def trained(**kwargs: Any) -> list[th.Tensor]:
        model = tiny_model(**kwargs)
        model.learn(ROLLOUT)
        return [p.detach().clone() for p in model.policy.parameters()]

    annealed = trained(ent_coef=0.5, ent_anneal_fraction=0.1)
    for a, b in zip(annealed, trained(ent_coef=0.0), strict=True):
        th.testing.assert_close(a, b)
    kept = trained(ent_coef=0.5, ent_anneal_fraction=0.0)
    assert any(not th.equal(a, b) for a, b in zip(annealed, kept, strict=True))


def test_rejects_a_fraction_outside_zero_to_one():
    env = make_sb3_vec_env("TMaze", 1, seed=0, memory_length=3)
    with pytest.raises(ValueError, match=r"ent_anneal_fraction must be in \[0, 1\], got 1.5"):
        RecurrentPPO("MlpPolicy", env, ent_anneal_fraction=1.5)
    with pytest.raises(ConfigError, match=r"ent_anneal_fraction must be a float in \[0, 1\]"):
        build_config(["--ent_anneal_fraction", "-0.1"])
