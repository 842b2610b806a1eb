"""The entropy bonus up to a target entropy (``entropy_target``)."""

import math

import numpy as np
import pytest
import torch as th
from gymnasium import spaces

from envs.sb3 import make_sb3_vec_env
from recurrent_agents import RecurrentPPO
from recurrent_agents.ppo import max_policy_entropy


def bonus_gradient(entropy_target: float, action_bias: list[float]) -> th.Tensor:
    """The action head's gradient from one minibatch's loss with zero advantages: what the
    entropy bonus alone asks of a policy whose action logits are offset by ``action_bias``."""
    env = make_sb3_vec_env("TMaze", 2, seed=0, memory_length=3)
    model = RecurrentPPO(
        "MlpPolicy",
        env,
        n_steps=16,
        batch_size=32,
        entropy_target=entropy_target,
        policy_kwargs=dict(hidden_size=8),
        seed=0,
    )
    model.learn(32)  # one rollout in the buffer
    with th.no_grad():
        model.policy.action_net.weight.zero_()
        model.policy.action_net.bias.copy_(th.tensor(action_bias))
    batch = next(model.rollout_buffer.get(batch_size=None, advantage_scale=(0.0, 1.0)))
    batch = batch._replace(targets=batch.targets.index_fill(-1, th.tensor([2]), 0.0))
    loss, _, _ = model._minibatch_loss(batch, clip_range=0.2, clip_range_vf=None)
    model.policy.optimizer.zero_grad()
    loss.backward()
    return model.policy.action_net.bias.grad.clone()


def test_no_pull_on_a_policy_that_explores_above_the_target():
    # A uniform policy has the maximum entropy: the plain bonus has no gradient there either,
    # so take one a little off uniform, above a target of half the maximum.
    nearly_uniform = [0.3, 0.0, 0.0, 0.0]
    assert bonus_gradient(1.0, nearly_uniform).abs().sum() > 0
    assert bonus_gradient(0.5, nearly_uniform).abs().sum() == 0


def test_below_the_target_it_is_the_plain_bonus():
    near_deterministic = [6.0, 0.0, 0.0, 0.0]
    th.testing.assert_close(
        bonus_gradient(0.5, near_deterministic), bonus_gradient(1.0, near_deterministic)
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
