"""The entropy bonus spread over steps by the size of their advantage (``entropy_weighting``)."""

import pytest
import torch as th

from envs.sb3 import make_sb3_vec_env
from recurrent_agents import RecurrentPPO
from recurrent_agents.run.config import ConfigError, build_config

ADVANTAGE = 2  # column of the advantage in a batch's targets


def bonus_gradient(weighting: str, advantages: th.Tensor) -> th.Tensor:
    """The action head's bias gradient from the entropy bonus alone (policy and value losses
    switched off), on one rollout whose normalised advantages are set to ``advantages``."""
    env = make_sb3_vec_env("TMaze", 2, seed=0, memory_length=3)
    model = RecurrentPPO(
        "MlpPolicy",
        env,
        n_steps=16,
        batch_size=32,
        entropy_weighting=weighting,
        vf_coef=0.0,
        policy_kwargs=dict(hidden_size=8),
        seed=0,
    )
    model.learn(32)  # one rollout in the buffer
    with th.no_grad():  # a policy off uniform, so that the bonus has a gradient
        model.policy.action_net.bias.copy_(th.tensor([2.0, 0.0, 0.0, 0.0]))
    batch = next(model.rollout_buffer.get(batch_size=None, advantage_scale=(0.0, 1.0)))
    targets = batch.targets.clone()
    targets[:, ADVANTAGE] = advantages[: len(targets)]
    batch = batch._replace(targets=targets)
    # Only the bonus: the policy loss's own gradient is removed by differencing with ent_coef 0.
    grads = []
    for ent_coef in (0.0, 1.0):
        model.ent_coef = ent_coef
        loss, _, _ = model._minibatch_loss(batch, clip_range=0.2, clip_range_vf=None)
        model.policy.optimizer.zero_grad()
        loss.backward()
        grads.append(model.policy.action_net.bias.grad.clone())
    return grads[1] - grads[0]


def test_uniform_weighting_ignores_the_advantages():
    steps = 32
    th.testing.assert_close(
        bonus_gradient("uniform", th.zeros(steps)),
        bonus_gradient("uniform", th.full((steps,), 3.0)),
    )


def test_no_bonus_where_nothing_is_at_stake():
    assert bonus_gradient("advantage", th.zeros(32)).abs().max() == 0


def test_the_bonus_grows_with_the_size_of_the_advantage_whatever_its_sign():
    uniform = bonus_gradient("uniform", th.zeros(32))
    assert uniform.abs().max() > 0
    th.testing.assert_close(bonus_gradient("advantage", th.full((32,), 1.0)), uniform)
    th.testing.assert_close(bonus_gradient("advantage", th.full((32,), -3.0)), 3 * uniform)


def test_rejects_an_unknown_weighting():
    env = make_sb3_vec_env("TMaze", 1, seed=0, memory_length=3)
    with pytest.raises(ValueError, match="entropy_weighting must be one of 'uniform', 'advantage'"):
        RecurrentPPO("MlpPolicy", env, entropy_weighting="decision")


def test_the_cli_names_the_bad_value_and_the_choices():
    with pytest.raises(ConfigError, match="entropy_weighting must be one of uniform, advantage"):
        build_config(["--entropy_weighting", "decision"])
