"""``log_barrier_coef``: the log-barrier regulariser, whose pull towards sampling every action
does not vanish as an action's probability does (the entropy bonus's does)."""

import itertools

import gymnasium as gym
import numpy as np
import pytest
import torch as th
from gymnasium import spaces
from stable_baselines3.common.distributions import (
    BernoulliDistribution,
    MultiCategoricalDistribution,
)
from stable_baselines3.common.vec_env import DummyVecEnv

from recurrent_agents import RecurrentPPO
from recurrent_agents.policy import mean_action_log_prob
from recurrent_agents.run.config import ConfigError, build_config

SATURATED = [12.0, 0.0, 0.0]  # action 0 with probability 1 - 1e-5


class Indifferent(gym.Env):
    """One-step episodes whose reward (0) does not depend on the action: no action is better,
    so the advantages are 0 and only the regularisers move the policy."""

    observation_space = spaces.Box(-1.0, 1.0, (2,), np.float32)

    def __init__(self, action_space: spaces.Space | None = None) -> None:
        self.action_space = action_space or spaces.Discrete(3)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        return np.zeros(2, np.float32), {}

    def step(self, action):
        return np.zeros(2, np.float32), 0.0, True, False, {}


def probabilities_after_training(ent_coef: float, log_barrier_coef: float) -> np.ndarray:
    """The action probabilities of a policy that starts all but deterministic (``SATURATED``),
    after 40 plain gradient steps (SGD, so the step follows the gradient's size, which Adam
    would normalise away) on a task where no action is better."""
    model = RecurrentPPO(
        "MlpPolicy",
        DummyVecEnv([Indifferent] * 4),
        n_steps=16,
        batch_size=64,
        n_epochs=1,
        learning_rate=10.0,
        max_grad_norm=1e6,
        target_kl=None,
        ent_coef=ent_coef,
        log_barrier_coef=log_barrier_coef,
        actor_value_coef=0.0,  # the regularisers alone move the action head
        policy_kwargs=dict(hidden_size=8, optimizer_class=th.optim.SGD, optimizer_kwargs={}),
        seed=0,
    )
    with th.no_grad():
        model.policy.action_net.weight.zero_()
        model.policy.action_net.bias.copy_(th.tensor(SATURATED))
    model.learn(40 * 64)
    return th.softmax(model.policy.action_net.bias.detach(), -1).numpy()


def test_a_deterministic_choice_between_equal_actions_samples_again():
    with_barrier = probabilities_after_training(ent_coef=0.0, log_barrier_coef=0.05)
    with_entropy = probabilities_after_training(ent_coef=0.05, log_barrier_coef=0.0)
    assert with_barrier[1:].min() > 0.1, with_barrier
    # The entropy bonus's gradient vanishes at a saturated softmax: the choice stays made.
    assert with_entropy[1:].max() < 1e-3, with_entropy


def test_off_by_default_leaves_the_choice_alone():
    probabilities = probabilities_after_training(ent_coef=0.0, log_barrier_coef=0.0)
    np.testing.assert_allclose(probabilities, th.softmax(th.tensor(SATURATED), -1).numpy())


@pytest.mark.parametrize(
    ("distribution", "sizes", "n_logits"),
    [(MultiCategoricalDistribution([3, 2]), [3, 2], 5), (BernoulliDistribution(3), [2, 2, 2], 3)],
)
def test_mean_log_prob_is_the_mean_over_every_joint_action(distribution, sizes, n_logits):
    logits = th.randn(5, n_logits, generator=th.Generator().manual_seed(0))
    distribution.proba_distribution(action_logits=logits)
    joint = th.tensor(list(itertools.product(*(range(n) for n in sizes))), dtype=th.float32)
    brute_force = th.stack([distribution.log_prob(a.expand(5, -1)) for a in joint]).mean(0)
    # Summed over independent sub-actions, as their log-probs are.
    th.testing.assert_close(mean_action_log_prob(distribution), brute_force)


def test_a_multi_discrete_policy_trains_with_it():
    env = DummyVecEnv([lambda: Indifferent(spaces.MultiDiscrete([3, 2]))] * 2)
    model = RecurrentPPO("MlpPolicy", env, n_steps=8, batch_size=16, log_barrier_coef=0.1, seed=0)
    model.learn(32)
    assert model.log_barrier_coef == 0.1


def test_the_setting_survives_save_and_load(tmp_path):
    env = DummyVecEnv([Indifferent] * 2)
    RecurrentPPO("MlpPolicy", env, n_steps=8, log_barrier_coef=0.003).save(tmp_path / "m")
    assert RecurrentPPO.load(tmp_path / "m", env=env).log_barrier_coef == 0.003


def test_bad_values_are_rejected():
    env = DummyVecEnv([Indifferent])
    for bad in (-0.1, float("nan"), "0.1", True):
        with pytest.raises(ValueError, match="log_barrier_coef must be a finite float >= 0"):
            RecurrentPPO("MlpPolicy", env, log_barrier_coef=bad)
    with pytest.raises(ValueError, match="log_barrier_coef needs a discrete action space"):
        RecurrentPPO(
            "MlpPolicy", DummyVecEnv([lambda: gym.make("Pendulum-v1")]), log_barrier_coef=0.1
        )
    for bad in ("-0.1", "inf"):
        with pytest.raises(ConfigError, match="log_barrier_coef must be"):
            build_config([f"--log_barrier_coef={bad}"])
