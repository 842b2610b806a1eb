"""``start_epsilon``: uniformly random first actions, learned from with the policy's log-probs."""

import gymnasium as gym
import numpy as np
import pytest
import torch as th
from stable_baselines3.common.vec_env import DummyVecEnv

from envs.sb3 import make_sb3_vec_env
from recurrent_agents import RecurrentPPO
from recurrent_agents.run.config import ConfigError, build_config

BIAS = [20.0, 0.0, 0.0, 0.0]  # the policy all but always takes action 0
BUDGET_ACTIVE = 200_000  # env steps on the active T-maze at L=4


def rollout_of_a_fixed_policy(start_epsilon: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Actions, episode starts and stored log-probs of one rollout of a policy that always
    picks action 0 (its logits are ``BIAS`` whatever the input)."""
    env = make_sb3_vec_env("TMaze", 8, seed=0, memory_length=3)
    model = RecurrentPPO(
        "MlpPolicy",
        env,
        n_steps=64,
        batch_size=512,
        n_epochs=1,
        learning_rate=0.0,
        min_updates=0,  # one rollout of 64 steps
        start_epsilon=start_epsilon,
        policy_kwargs=dict(hidden_size=8),
        seed=0,
    )
    with th.no_grad():
        model.policy.action_net.weight.zero_()
        model.policy.action_net.bias.copy_(th.tensor(BIAS))
    model.learn(64 * 8)
    buffer = model.rollout_buffer
    actions = buffer.actions.reshape(64, 8).long().numpy()
    return actions, buffer.episode_starts.astype(bool), buffer.log_probs.numpy()


def test_first_actions_are_uniform_and_the_rest_follow_the_policy():
    actions, starts, log_probs = rollout_of_a_fixed_policy(1.0)
    counts = np.bincount(actions[starts], minlength=4)
    assert starts.sum() == 128 and counts.min() >= 15, counts  # 4-step episodes, 4 actions
    assert (actions[~starts] == 0).all()
    expected = th.log_softmax(th.tensor(BIAS), -1).numpy()[actions]
    np.testing.assert_allclose(log_probs, expected, rtol=1e-5, atol=1e-5)
    assert log_probs[starts & (actions != 0)].max() < -19  # the policy's own, not the uniform's


def test_off_leaves_every_action_to_the_policy():
    actions, _, _ = rollout_of_a_fixed_policy(0.0)
    assert (actions == 0).all()


def test_bad_values_are_rejected():
    env = make_sb3_vec_env("TMaze", 2, seed=0, memory_length=3)
    with pytest.raises(ValueError, match="start_epsilon must be in"):
        RecurrentPPO("MlpPolicy", env, start_epsilon=1.5)
    with pytest.raises(ValueError, match="start_epsilon needs a Discrete action space"):
        RecurrentPPO("MlpPolicy", DummyVecEnv([lambda: gym.make("Pendulum-v1")]), start_epsilon=0.5)
    with pytest.raises(ConfigError, match="start_epsilon must be a float in"):
        build_config(["--start_epsilon=-0.1"])


@pytest.mark.slow
def test_active_tmaze_is_solved_with_start_epsilon():
    # Without it every core stays at chance here (README, "The active T-maze"): the step back
    # to the cue dies out before the memory that makes it pay is learned.
    from recurrent_agents.run.evaluation import evaluate

    kwargs = {"memory_length": 4, "variant": "active"}
    env = make_sb3_vec_env("TMaze", 8, seed=0, **kwargs)
    model = RecurrentPPO("MlpPolicy", env, start_epsilon=0.5, seed=0)
    model.learn(BUDGET_ACTIVE)
    assert evaluate(model, "TMaze", kwargs, 100, seed=12_345, n_envs=100)["success_rate"] >= 0.95
