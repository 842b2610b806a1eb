"""The critic's values in units of the value targets' spread (``normalize_value_targets``)."""

import gymnasium as gym
import numpy as np
import pytest
import torch as th
from gymnasium import spaces
from stable_baselines3.common.vec_env import DummyVecEnv

from recurrent_agents import RecurrentPPO


class ScaledRewards(gym.Env):
    """Random observations, ``scale`` reward for action 1 and 0 for action 0, 20-step episodes."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.observation_space = spaces.Box(-1.0, 1.0, (3,), np.float32)
        self.action_space = spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        return self.observation_space.sample(), {}

    def step(self, action):
        self.t += 1
        reward = self.scale * float(action)
        return self.observation_space.sample(), reward, self.t == 20, False, {}


def trained(scale: float, **kwargs) -> RecurrentPPO:
    env = DummyVecEnv([lambda: ScaledRewards(scale)] * 2)
    model = RecurrentPPO(
        "MlpLstmPolicy",
        env,
        n_steps=40,
        batch_size=80,
        policy_kwargs=dict(hidden_size=8),
        seed=0,
        **kwargs,
    )
    return model.learn(240)


def test_set_value_scale_keeps_every_value():
    model = trained(1.0)
    obs = th.as_tensor(np.random.default_rng(0).uniform(-1, 1, (5, 3)), dtype=th.float32)
    state = model.policy.initial_state(5).vf
    before = model.policy.predict_values(obs, state, th.ones(5))
    model.policy.set_value_scale(37.0)
    after = model.policy.predict_values(obs, state, th.ones(5))
    assert float(model.policy.value_scale) == 37.0
    th.testing.assert_close(after, before, rtol=1e-5, atol=1e-6)


def test_value_scale_follows_the_reward_scale():
    small, large = trained(1.0), trained(100.0)
    ratio = float(large.policy.value_scale) / float(small.policy.value_scale)
    # Same seed, so the same actions until the first update: the returns scale by 100.
    assert 50 < ratio < 200, ratio
    # The critic's loss is measured in its units: the same order at either reward scale.
    losses = [m.logger.name_to_value["train/value_loss"] for m in (small, large)]
    assert losses[1] < 10 * losses[0] + 1, losses


def test_off_keeps_raw_values():
    model = trained(100.0, normalize_value_targets=False)
    assert float(model.policy.value_scale) == 1.0
    assert model.logger.name_to_value["train/value_loss"] > 100


@pytest.mark.parametrize("normalize", [True, False])
def test_saved_and_loaded_with_its_scale(tmp_path, normalize):
    model = trained(100.0, normalize_value_targets=normalize)
    model.save(tmp_path / "model.zip")
    loaded = RecurrentPPO.load(tmp_path / "model.zip")
    assert float(loaded.policy.value_scale) == float(model.policy.value_scale)
    assert loaded.value_target_mean_square == model.value_target_mean_square


def test_a_state_dict_without_a_scale_loads_as_raw_values():
    model = trained(100.0)
    state = {k: v for k, v in model.policy.state_dict().items() if k != "value_scale"}
    model.policy.load_state_dict(state)
    assert float(model.policy.value_scale) == 1.0
