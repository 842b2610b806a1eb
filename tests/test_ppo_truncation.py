"""Time-limit truncations: bootstrapped from V(final observation), or ended as a terminal."""

import gymnasium as gym
import numpy as np
import pytest
import torch as th
from gymnasium import spaces
from stable_baselines3.common.vec_env import DummyVecEnv

from recurrent_agents import RecurrentPPO
from recurrent_agents.run import training


class EndsAfterThree(gym.Env):
    """Three steps of reward 1; the third ends the episode, truncated or terminated."""

    def __init__(self, truncate: bool) -> None:
        self.truncate = truncate
        self.observation_space = spaces.Box(-1.0, 1.0, (2,), np.float32)
        self.action_space = spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        return np.array([0.0, 1.0], np.float32), {}

    def step(self, action):
        self.t += 1
        end = self.t == 3
        obs = np.array([self.t / 3, 1.0], np.float32)
        return obs, 1.0, end and not self.truncate, end and self.truncate, {}


def collect(make_env, bootstrap_truncated, count: int) -> tuple[RecurrentPPO, list[np.ndarray]]:
    """A model on two copies of ``make_env()`` after ``count`` rollouts of 6 steps, its
    observation statistics updated after each as ``train()`` does, and each rollout's rewards."""
    model = RecurrentPPO(
        "MlpLstmPolicy",
        DummyVecEnv([make_env] * 2),
        n_steps=6,
        batch_size=12,
        bootstrap_truncated=bootstrap_truncated,
        policy_kwargs=dict(hidden_size=8),
        seed=0,
    )
    _, callback = model._setup_learn(10_000, callback=None)
    rewards = []
    for _ in range(count):
        model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)
        rewards.append(model.rollout_buffer.rewards.copy())
        model.policy.update_obs_stats(th.as_tensor(model.rollout_buffer.observations))
    return model, rewards


def rollout_rewards(truncate: bool, bootstrap_truncated: bool) -> np.ndarray:
    return collect(lambda: EndsAfterThree(truncate), bootstrap_truncated, 1)[1][0]


def test_truncation_is_bootstrapped_on_request():
    rewards = rollout_rewards(truncate=True, bootstrap_truncated=True)
    ends = rewards[[2, 5]]  # the third step of each episode
    assert np.all(rewards[[0, 1, 3, 4]] == 1.0)
    assert np.all(ends != 1.0), ends  # 1 + gamma * V(final obs), V of an untrained critic


def test_time_limits_are_judged_by_default():
    env = DummyVecEnv([lambda: EndsAfterThree(True)])
    model = RecurrentPPO("MlpLstmPolicy", env, n_steps=6)
    assert model.bootstrap_truncated == "auto" and model.advantage_floor_discounted == "auto"


@pytest.mark.parametrize("truncate, bootstrap", [(True, False), (False, True), (False, False)])
def test_terminals_and_unbootstrapped_truncations_end_the_return(truncate, bootstrap):
    rewards = rollout_rewards(truncate=truncate, bootstrap_truncated=bootstrap)
    assert np.all(rewards == 1.0), rewards


def test_bootstrap_truncated_is_saved(tmp_path):
    env = DummyVecEnv([lambda: EndsAfterThree(True)])
    model = RecurrentPPO("MlpLstmPolicy", env, n_steps=6, bootstrap_truncated=False)
    model.save(tmp_path / "model.zip")
    assert RecurrentPPO.load(tmp_path / "model.zip").bootstrap_truncated is False


class EndsOnAFlag(EndsAfterThree):
    """EndsAfterThree whose final observation shows a flag (1) that no other step shows (0)."""

    def __init__(self, truncate: bool, flag: float) -> None:
        super().__init__(truncate)
        self.flag = flag

    def step(self, action):
        obs, reward, terminated, truncated, info = super().step(action)
        if terminated or truncated:
            obs = np.array([obs[0], self.flag], np.float32)
        return obs, reward, terminated, truncated, info


def auto_rollouts(flag: float) -> tuple[np.ndarray, np.ndarray]:
    """Rewards of a first rollout and of a second one, after the observation statistics have
    seen the first rollout's observations, with bootstrap_truncated='auto'."""
    first, second = collect(lambda: EndsOnAFlag(True, flag), "auto", 2)[1]
    return first, second


def test_auto_bootstraps_a_final_observation_in_the_trained_range():
    first, second = auto_rollouts(flag=1.0)  # the flag every other step shows too
    assert np.all(first == 1.0), first  # no statistics yet: nothing known of the range
    assert np.all(second[[0, 1, 3, 4]] == 1.0)
    assert np.all(second[[2, 5]] != 1.0), second  # 1 + gamma * V(final obs)


def test_auto_ends_the_return_at_a_final_observation_never_trained_on():
    _, second = auto_rollouts(flag=0.0)  # an entry no training observation had
    assert np.all(second == 1.0), second


def test_auto_never_bootstraps_without_observation_statistics():
    env = DummyVecEnv([lambda: EndsAfterThree(True)])
    policy = RecurrentPPO("MlpLstmPolicy", env, policy_kwargs=dict(normalize_obs=False)).policy
    assert not policy.in_seen_range(th.zeros(3, 2)).any()


def test_bootstrap_truncated_rejects_other_values():
    env = DummyVecEnv([lambda: EndsAfterThree(True)])
    with pytest.raises(ValueError, match="bootstrap_truncated must be True, False or 'auto'"):
        RecurrentPPO("MlpLstmPolicy", env, bootstrap_truncated="sometimes")


class DictEndsAfterThree(EndsAfterThree):
    """EndsAfterThree with its observation as the one entry of a Dict."""

    def __init__(self) -> None:
        super().__init__(truncate=True)
        self.observation_space = spaces.Dict({"x": spaces.Box(-1.0, 1.0, (2,), np.float32)})

    def reset(self, *, seed=None, options=None):
        obs, info = super().reset(seed=seed, options=options)
        return {"x": obs}, info

    def step(self, action):
        obs, *rest = super().step(action)
        return {"x": obs}, *rest


def test_auto_ends_the_return_for_dict_observations_it_cannot_range():
    env = DummyVecEnv([DictEndsAfterThree] * 2)
    model = RecurrentPPO(
        "MultiInputLstmPolicy", env, n_steps=6, batch_size=12, bootstrap_truncated="auto", seed=0
    )
    _, callback = model._setup_learn(10_000, callback=None)
    model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)
    assert np.all(model.rollout_buffer.rewards == 1.0)


class PaysAtTheLimit(EndsAfterThree):
    """EndsAfterThree (truncated) whose truncating step pays ``payoff``; every other step pays 1."""

    def __init__(self, payoff: float) -> None:
        super().__init__(truncate=True)
        self.payoff = payoff

    def step(self, action):
        obs, reward, terminated, truncated, info = super().step(action)
        return obs, self.payoff if truncated else reward, terminated, truncated, info


def auto_model_after(rollouts: int, payoff: float) -> RecurrentPPO:
    """An ``"auto"`` model after ``rollouts`` rollouts on PaysAtTheLimit (2 envs, 4 truncations
    a rollout), the observation statistics updated after each."""
    return collect(lambda: PaysAtTheLimit(payoff), "auto", rollouts)[0]


def test_auto_ends_the_return_once_the_time_limit_pays_what_no_other_step_does():
    model = auto_model_after(rollouts=3, payoff=5.0)
    assert model.deadline_payoffs == 12 and model.time_limit_is_deadline
    assert model.ongoing_reward_range == (1.0, 1.0)
    rewards = model.rollout_buffer.rewards
    assert np.all(rewards[[2, 5]] == 5.0), rewards  # the payoff as paid, no gamma * V added


def test_auto_counts_a_timeout_penalty_as_a_deadline_too():
    assert auto_model_after(rollouts=2, payoff=-1.0).time_limit_is_deadline


def test_auto_keeps_bootstrapping_a_limit_that_pays_as_every_step_does():
    model = auto_model_after(rollouts=3, payoff=1.0)
    assert model.deadline_payoffs == 0 and not model.time_limit_is_deadline
    rewards = model.rollout_buffer.rewards
    assert np.all(rewards[[2, 5]] != 1.0), rewards  # 1 + gamma * V(final obs)


def test_auto_needs_more_than_one_payoff_to_call_the_limit_a_deadline():
    model = auto_model_after(rollouts=1, payoff=5.0)
    assert model.deadline_payoffs == 4 and not model.time_limit_is_deadline


class PaysOutOfLineWithItsEpisode(EndsAfterThree):
    """EndsAfterThree (truncated) whose episodes pay -1 and 1 on every step, in turn, and whose
    truncating step pays -1 times the step's usual reward on every ``every``-th episode: within
    the run's range of rewards, outside that episode's (as the truncating T-maze's deadline
    pays 0 to an agent charged -1/L on every step before)."""

    def __init__(self, every: int) -> None:
        super().__init__(truncate=True)
        self.every, self.episodes = every, 0

    def reset(self, *, seed=None, options=None):
        self.episodes += 1
        return super().reset(seed=seed, options=options)

    def step(self, action):
        obs, _, terminated, truncated, info = super().step(action)
        reward = 1.0 if self.episodes % 2 else -1.0
        if truncated and self.episodes % self.every == 0:
            reward = -reward
        return obs, reward, terminated, truncated, info


def test_auto_takes_a_limit_that_pays_out_of_line_with_its_episode_for_a_deadline():
    model, rewards = collect(lambda: PaysOutOfLineWithItsEpisode(every=1), "auto", 3)
    assert model.ongoing_reward_range == (-1.0, 1.0) and model.deadline_payoffs == 0
    assert model.episode_payoffs == model.judged_truncations == 12
    assert model.time_limit_is_deadline
    assert np.all(np.abs(rewards[1][[2, 5]]) != 1.0)  # bootstrapped before the verdict
    rewards = rewards[2]
    assert set(rewards[[2, 5]].ravel()) == {-1.0, 1.0}, rewards  # as paid, no gamma * V added


def test_auto_keeps_bootstrapping_a_limit_out_of_line_on_few_episodes():
    """A continuing task whose reward reaches a new high for its episode on the last step now
    and then (one truncation in eight here) is not taken for a deadline, however long it runs."""
    model = collect(lambda: PaysOutOfLineWithItsEpisode(every=8), "auto", 24)[0]
    assert model.judged_truncations == 96 and model.episode_payoffs == 12
    assert not model.time_limit_is_deadline


def test_the_deadline_verdict_is_saved(tmp_path):
    model = auto_model_after(rollouts=3, payoff=5.0)
    model.save(tmp_path / "model.zip")
    loaded = RecurrentPPO.load(tmp_path / "model.zip")
    assert loaded.deadline_payoffs == 12 and loaded.time_limit_is_deadline


def test_a_run_says_when_it_took_the_time_limit_for_a_deadline(capsys):
    training._note_time_limit(auto_model_after(rollouts=2, payoff=5.0))
    err = capsys.readouterr().err
    assert "taken for the task's deadline" in err and "range on 8 truncations" in err, err
    assert "their own episode's on 8 of 8" in err, err
    assert "--bootstrap_truncated=true" in err
    training._note_time_limit(auto_model_after(rollouts=2, payoff=1.0))
    assert capsys.readouterr().err == ""


def test_the_auto_settings_train_exactly_as_before_where_no_episode_is_truncated():
    """bootstrap_truncated="auto" and advantage_floor_discounted="auto" act on time-limit
    truncations only: a task whose episodes end on their own (the toolkit's T-maze, whose pace
    penalties reach the floor) trains to the same parameters as with both False."""
    from envs.sb3 import make_sb3_vec_env

    def trained(setting) -> list[th.Tensor]:
        env = make_sb3_vec_env("TMaze", 2, seed=0, memory_length=3)
        model = RecurrentPPO(
            "MlpPolicy", env, n_steps=16, batch_size=32, seed=0, policy_kwargs=dict(hidden_size=8),
            bootstrap_truncated=setting, advantage_floor_discounted=setting,
            advantage_floor_ratio=1.0,  # a floor that binds
        )  # fmt: skip
        model.learn(160)
        assert model.time_limit is None
        return [p.detach().clone() for p in model.policy.parameters()]

    before = trained(False)
    assert all(th.equal(a, b) for a, b in zip(trained("auto"), before, strict=True))
    # Where the floor reads discounted returns this run trains otherwise: the check can fail.
    assert not all(th.equal(a, b) for a, b in zip(trained(True), before, strict=True))
