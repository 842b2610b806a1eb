"""The entropy bonus: up to a target entropy (``entropy_target``) and spread over steps by the
size of their advantage (``entropy_weighting``)."""

import math

import numpy as np
import pytest
import torch as th
from gymnasium import spaces

from envs.sb3 import make_sb3_vec_env
from recurrent_agents import RecurrentPPO
from recurrent_agents.ppo import max_policy_entropy
from recurrent_agents.run.config import ConfigError, build_config

ADVANTAGE = 2  # column of the advantage in a batch's targets
STEPS = 32  # valid steps of the one rollout (2 envs x 16)


def bonus_gradient(
    action_bias: list[float], advantages: th.Tensor | None = None, **ppo_kwargs
) -> th.Tensor:
    """The action head's bias gradient from the entropy bonus alone, on one rollout of a policy
    whose action logits are offset by ``action_bias`` and whose normalised advantages are set to
    ``advantages`` (default: 0). The policy loss's own gradient is removed by differencing the
    loss with ``ent_coef`` 1 and 0; the value loss is switched off."""
    env = make_sb3_vec_env("TMaze", 2, seed=0, memory_length=3)
    model = RecurrentPPO(
        "MlpPolicy",
        env,
        n_steps=16,
        batch_size=STEPS,
        vf_coef=0.0,
        policy_kwargs=dict(hidden_size=8),
        seed=0,
        **ppo_kwargs,
    )
    model.learn(STEPS)  # one rollout in the buffer
    with th.no_grad():
        model.policy.action_net.weight.zero_()
        model.policy.action_net.bias.copy_(th.tensor(action_bias))
    batch = next(model.rollout_buffer.get(batch_size=None, advantage_scale=(0.0, 1.0)))
    targets = batch.targets.clone()
    targets[:, ADVANTAGE] = th.zeros(STEPS) if advantages is None else advantages
    batch = batch._replace(targets=targets)
    grads = []
    for ent_coef in (0.0, 1.0):
        loss, _, _ = model._minibatch_loss(
            batch, clip_range=0.2, clip_range_vf=None, ent_coef=ent_coef
        )
        model.policy.optimizer.zero_grad()
        loss.backward()
        grads.append(model.policy.action_net.bias.grad.clone())
    return grads[1] - grads[0]


NEARLY_UNIFORM = [0.3, 0.0, 0.0, 0.0]
NEAR_DETERMINISTIC = [6.0, 0.0, 0.0, 0.0]
OFF_UNIFORM = [2.0, 0.0, 0.0, 0.0]


def test_no_pull_on_a_policy_that_explores_above_the_target():
    # A uniform policy has the maximum entropy: the plain bonus has no gradient there either,
    # so take one a little off uniform, above a target of half the maximum.
    assert bonus_gradient(NEARLY_UNIFORM, entropy_target=1.0).abs().sum() > 0
    assert bonus_gradient(NEARLY_UNIFORM, entropy_target=0.5).abs().sum() == 0


def test_below_the_target_it_is_the_plain_bonus():
    th.testing.assert_close(
        bonus_gradient(NEAR_DETERMINISTIC, entropy_target=0.5),
        bonus_gradient(NEAR_DETERMINISTIC, entropy_target=1.0),
    )


def test_maximum_entropy_of_each_action_space():
    assert max_policy_entropy(spaces.Discrete(4)) == pytest.approx(math.log(4))
    assert max_policy_entropy(spaces.MultiDiscrete([2, 3])) == pytest.approx(math.log(6))
    assert max_policy_entropy(spaces.MultiBinary(3)) == pytest.approx(3 * math.log(2))
    assert max_policy_entropy(spaces.Box(-1, 1, (2,), np.float32)) is None


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.5])
def test_rejects_a_target_outside_0_1(bad):
    env = make_sb3_vec_env("TMaze", 1, seed=0, memory_length=3)
    with pytest.raises(ValueError, match="entropy_target must be in"):
        RecurrentPPO("MlpPolicy", env, entropy_target=bad)


def test_uniform_weighting_ignores_the_advantages():
    th.testing.assert_close(
        bonus_gradient(OFF_UNIFORM, th.zeros(STEPS), entropy_weighting="uniform"),
        bonus_gradient(OFF_UNIFORM, th.full((STEPS,), 3.0), entropy_weighting="uniform"),
    )


def test_no_bonus_where_nothing_is_at_stake():
    zero = bonus_gradient(OFF_UNIFORM, th.zeros(STEPS), entropy_weighting="advantage")
    assert zero.abs().max() == 0


def test_the_bonus_grows_with_the_size_of_the_advantage_whatever_its_sign():
    uniform = bonus_gradient(OFF_UNIFORM, entropy_weighting="uniform")
    assert uniform.abs().max() > 0
    one = bonus_gradient(OFF_UNIFORM, th.full((STEPS,), 1.0), entropy_weighting="advantage")
    minus_three = bonus_gradient(
        OFF_UNIFORM, th.full((STEPS,), -3.0), entropy_weighting="advantage"
    )
    th.testing.assert_close(one, uniform)
    th.testing.assert_close(minus_three, 3 * uniform)


def test_rejects_an_unknown_weighting():
    env = make_sb3_vec_env("TMaze", 1, seed=0, memory_length=3)
    with pytest.raises(ValueError, match="entropy_weighting must be one of 'uniform', 'advantage'"):
        RecurrentPPO("MlpPolicy", env, entropy_weighting="decision")


def test_the_cli_names_the_bad_value_and_the_choices():
    with pytest.raises(ConfigError, match="entropy_weighting must be one of uniform, advantage"):
        build_config(["--entropy_weighting", "decision"])


def coefficient_of_one_update(return_std_peak: float, **ppo_kwargs) -> tuple[float, float]:
    """The entropy coefficient the update of one rollout used, and the ratio of that rollout's
    advantage std to the std it was normalised by, with the run's peak of return spread set to
    ``return_std_peak`` (the advantage floor is 0.2 times it)."""
    env = make_sb3_vec_env("TMaze", 2, seed=0, memory_length=3)
    model = RecurrentPPO(
        "MlpPolicy", env, n_steps=16, batch_size=STEPS, n_epochs=1, seed=0, **ppo_kwargs
    )
    model.learn(STEPS)
    model.return_std_peak = return_std_peak
    raw_std = float(model.rollout_buffer.advantages.std())
    _, floored_std, _ = model._advantage_scale()
    model.train()
    return model.logger.name_to_value["train/ent_coef"], raw_std / floored_std


def test_floor_weighting_scales_the_bonus_down_with_the_advantages_where_the_floor_binds():
    coef, shrink = coefficient_of_one_update(100.0, entropy_weighting="floor", ent_coef=0.02)
    assert shrink < 0.1  # the floor (20) binds: the advantages' std is far below it
    assert coef == pytest.approx(0.02 * shrink)
    coef, shrink = coefficient_of_one_update(100.0, entropy_weighting="uniform", ent_coef=0.02)
    assert coef == 0.02


def test_floor_weighting_leaves_the_bonus_where_the_floor_does_not_bind():
    coef, shrink = coefficient_of_one_update(0.0, entropy_weighting="floor", ent_coef=0.02)
    assert shrink == 1.0
    assert coef == pytest.approx(0.02)
