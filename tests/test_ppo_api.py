"""RecurrentPPO keeps sb3-contrib's API: save/load, continued training, callbacks, logging."""

import gymnasium as gym
import numpy as np
import pytest
import torch as th
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.logger import configure

from envs.sb3 import make_sb3_vec_env
from recurrent_agents import RecurrentPPO


class ConstantReward(gym.Env):
    """Reward 100 on every step; observations are noise."""

    observation_space = gym.spaces.Box(-1.0, 1.0, (2,), np.float32)
    action_space = gym.spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        return self.observation_space.sample(), {}

    def step(self, action):
        return self.observation_space.sample(), 100.0, False, False, {}


class EndReward(ConstantReward):
    """Reward 7 on the fifth and last step, 0 before."""

    def reset(self, *, seed=None, options=None):
        self.t = 0
        return super().reset(seed=seed)

    def step(self, action):
        self.t += 1
        end = self.t == 5
        return self.observation_space.sample(), 7.0 * end, end, False, {}


class SelfTruncating(EndReward):
    """Reward 100 on every step, cut at 15 steps by the env itself (truncated, no terminal),
    with no ``TimeLimit`` declaring it."""

    def step(self, action):
        self.t += 1
        return self.observation_space.sample(), 100.0, False, self.t == 15, {}


def rollout_actions(model: RecurrentPPO, steps: int = 12) -> np.ndarray:
    """Greedy actions of ``model`` on a fixed seeded batch of episodes."""
    env = make_sb3_vec_env("TMaze", 4, seed=7, monitor=False, memory_length=4)
    obs, state, starts = env.reset(), None, np.ones(4, dtype=bool)
    actions = []
    for _ in range(steps):
        action, state = model.predict(obs, state=state, episode_start=starts, deterministic=True)
        obs, _, starts, _ = env.step(action)
        actions.append(action)
    return np.array(actions)


@pytest.mark.parametrize("core, normalize_obs", [("lstm", False), ("gru", True)])
def test_save_load_round_trip_and_continue(core: str, normalize_obs: bool, tmp_path) -> None:
    env = make_sb3_vec_env("TMaze", 4, seed=0, memory_length=4)
    model = RecurrentPPO(
        "MlpPolicy",
        env,
        n_steps=16,
        batch_size=32,
        policy_kwargs=dict(core=core, hidden_size=8, chrono_init=8, normalize_obs=normalize_obs),
        seed=0,
    )
    model.learn(128)
    model.save(tmp_path / "model.zip")
    loaded = RecurrentPPO.load(tmp_path / "model.zip", env=env)
    assert loaded.policy.core_name == core and loaded.policy.chrono_init == 8
    if normalize_obs:  # the running statistics are part of the saved policy
        assert loaded.policy.obs_count.item() == 128
        assert th.equal(loaded.policy.obs_var, model.policy.obs_var)
    assert np.array_equal(rollout_actions(model), rollout_actions(loaded))
    before = loaded.num_timesteps
    loaded.learn(128, reset_num_timesteps=False)
    assert loaded.num_timesteps == before + 128


def test_logs_train_keys_and_calls_callbacks() -> None:
    class Count(BaseCallback):
        def __init__(self) -> None:
            super().__init__()
            self.steps, self.rollouts = 0, 0

        def _on_step(self) -> bool:
            self.steps += 1
            return True

        def _on_rollout_end(self) -> None:
            self.rollouts += 1

    env = make_sb3_vec_env("DelayedCue", 4, seed=0, memory_length=3)
    model = RecurrentPPO(
        "MlpPolicy", env, n_steps=16, batch_size=32, policy_kwargs=dict(core="rnn", hidden_size=8)
    )
    model.set_logger(configure(None, []))
    counter = Count()
    model.learn(128, callback=counter, progress_bar=True)
    assert counter.steps == 32 and counter.rollouts == 2
    logged = model.logger.name_to_value
    for key in [
        "train/policy_gradient_loss",
        "train/value_loss",
        "train/entropy_loss",
        "train/approx_kl",
        "train/clip_fraction",
        "train/explained_variance",
        "train/learning_rate",
        "train/n_updates",
        "train/grad_norm",
    ]:
        assert key in logged, key
    assert logged["train/grad_norm"] > 0


def test_callback_can_stop_training() -> None:
    class Stop(BaseCallback):
        def _on_step(self) -> bool:
            return self.num_timesteps < 20

    env = make_sb3_vec_env("TMaze", 4, seed=0, memory_length=3)
    model = RecurrentPPO("MlpPolicy", env, n_steps=16, policy_kwargs=dict(hidden_size=8))
    model.learn(1000, callback=Stop())
    assert model.num_timesteps == 20


def test_bad_arguments() -> None:
    env = make_sb3_vec_env("TMaze", 2, seed=0, memory_length=3)
    with pytest.raises(ValueError, match="n_steps must be a positive int, got 0"):
        RecurrentPPO("MlpPolicy", env, n_steps=0)
    with pytest.raises(ValueError, match=r"advantage_floor_ratio must be in \[0, 1\], got -1"):
        RecurrentPPO("MlpPolicy", env, advantage_floor_ratio=-1)


def test_advantage_floor_follows_the_peak_spread_of_episode_returns(tmp_path) -> None:
    env = make_sb3_vec_env("TMaze", 2, seed=0, memory_length=4)
    model = RecurrentPPO("MlpPolicy", env, n_steps=8, batch_size=16, advantage_floor_ratio=0.25)
    model.learn(16)  # sets up the logger
    # The returns it records are the sums of the rewards it received, as the Monitor's.
    assert list(model.episode_returns) == pytest.approx([i["r"] for i in model.ep_info_buffer])
    buffer, rng = model.rollout_buffer, np.random.default_rng(0)
    # While learning: episodes succeed or fail (returns 0 or 1), advantages of that size.
    model.episode_returns.clear()
    model.episode_returns.extend(float(r) for r in rng.integers(0, 2, 100))
    buffer.advantages[:] = rng.normal(0.0, 0.5, buffer.advantages.shape)
    return_std = float(np.std(model.episode_returns))
    assert model._advantage_scale()[1] == pytest.approx(float(buffer.advantages.std()))
    # Once solved: every return 1, advantages only critic noise (std ~0.005): floored.
    model.episode_returns.extend(1.0 for _ in range(100))
    buffer.advantages *= 0.01
    assert model._advantage_scale()[1] == pytest.approx(0.25 * return_std)
    # The peak is part of the saved model, so a resumed run keeps its floor.
    model.save(tmp_path / "model.zip")
    loaded = RecurrentPPO.load(tmp_path / "model.zip")
    assert loaded.return_std_peak == pytest.approx(return_std)


def test_the_floor_reads_returns_in_the_units_of_the_rewards_it_learns_from() -> None:
    """Under VecNormalize(norm_reward=True) the advantages are in scaled units; the Monitor
    inside records the env's returns (here 20 steps of reward 100)."""
    from stable_baselines3.common.env_util import make_vec_env
    from stable_baselines3.common.vec_env import VecNormalize

    def make_env():
        return gym.wrappers.TimeLimit(ConstantReward(), max_episode_steps=20)

    env = VecNormalize(make_vec_env(make_env, n_envs=2))
    model = RecurrentPPO(
        "MlpPolicy", env, n_steps=40, batch_size=80, policy_kwargs=dict(hidden_size=8)
    )
    model.learn(160)
    assert [i["r"] for i in model.ep_info_buffer] == pytest.approx([2000.0] * 8)
    assert 0 < max(model.episode_returns) < 100  # VecNormalize's scale, not the env's
    assert model.return_std_peak < 10


def test_discounted_floor_returns_count_rewards_back_from_each_episode_end(tmp_path) -> None:
    """Rewards all along count about 1 / (1 - gamma) steps of them (a summed return grows with
    the episode's length); a reward at the episode's end counts in full, as summed."""
    from stable_baselines3.common.env_util import make_vec_env

    def make_env():
        return gym.wrappers.TimeLimit(ConstantReward(), max_episode_steps=20)

    def floor_returns(env, discounted: bool) -> tuple[list[float], float]:
        """The last episodes' returns the floor reads, and the peak spread it uses."""
        model = RecurrentPPO(
            "MlpPolicy", env, n_steps=40, batch_size=80, gamma=0.9, seed=0,
            advantage_floor_discounted=discounted, policy_kwargs=dict(hidden_size=8),
        )  # fmt: skip
        model.learn(160)
        returns = model.discounted_episode_returns if discounted else model.episode_returns
        return list(returns), model.logger.name_to_value["train/return_std_peak"]

    constant = make_vec_env(make_env, n_envs=2)
    assert floor_returns(constant, False)[0] == pytest.approx([2000.0] * 8)
    assert floor_returns(constant, True)[0] == pytest.approx([100 * (1 - 0.9**20) / 0.1] * 8)
    # A reward at the end (a T-maze's arm, a bsuite memory task) counts as summed.
    end_paid = make_vec_env(EndReward, n_envs=2)
    (discounted, peak), (summed, summed_peak) = (
        floor_returns(end_paid, True),
        floor_returns(end_paid, False),
    )
    assert len(discounted) == len(summed) > 8 and set(discounted) == set(summed) == {7.0}
    assert peak == summed_peak
    tmaze = make_sb3_vec_env("TMaze", 2, seed=0, memory_length=3)
    with pytest.raises(
        ValueError, match="advantage_floor_discounted must be True, False or 'auto'"
    ):
        RecurrentPPO("MlpPolicy", tmaze, advantage_floor_discounted="yes")
    # Saved with the model: a resumed run keeps counting its returns the same way.
    model = RecurrentPPO("MlpPolicy", tmaze, n_steps=8, advantage_floor_discounted=True)
    model.save(tmp_path / "model.zip")
    assert RecurrentPPO.load(tmp_path / "model.zip").advantage_floor_discounted is True


def test_auto_floor_discounts_the_returns_of_a_task_its_time_limit_cuts_short() -> None:
    """advantage_floor_discounted="auto": discounted while the task has a time limit (declared
    by a TimeLimit, or seen in a truncation) and truncations are bootstrapped; summed where they
    end the return or never come."""
    from stable_baselines3.common.env_util import make_vec_env

    def reads_discounted(env, bootstrap, steps: int) -> list[bool]:
        model = RecurrentPPO(
            "MlpPolicy", env, n_steps=10, batch_size=20, gamma=0.9, seed=0,
            advantage_floor_discounted="auto", bootstrap_truncated=bootstrap,
            policy_kwargs=dict(hidden_size=8),
        )  # fmt: skip
        seen = []

        class Watch(BaseCallback):
            def _on_rollout_end(self) -> None:
                seen.append(self.model.floor_reads_discounted)

            def _on_step(self) -> bool:
                return True

        model.learn(steps, callback=Watch())
        return seen

    def cut_short():
        return gym.wrappers.TimeLimit(ConstantReward(), max_episode_steps=15)

    # A continuing task whose TimeLimit cuts it at 15 steps: discounted from the first
    # rollout, before any truncation, because the limit is declared.
    assert reads_discounted(make_vec_env(cut_short, n_envs=2), "auto", 80) == [True] * 4
    assert reads_discounted(make_vec_env(cut_short, n_envs=2), True, 40) == [True] * 2
    assert not any(reads_discounted(make_vec_env(cut_short, n_envs=2), False, 80))
    # The same task truncating itself (as POPGym's do), its limit undeclared: summed in the
    # first rollout, discounted once a truncation shows the limit.
    assert (
        reads_discounted(make_vec_env(SelfTruncating, n_envs=2), "auto", 80) == [False] + [True] * 3
    )
    # Episodes that end on their own: never.
    assert not any(reads_discounted(make_vec_env(EndReward, n_envs=2), "auto", 80))


def test_stop_at_success_ends_training_once_recent_episodes_succeed() -> None:
    from recurrent_agents.run.callbacks import TrainingCallback

    def run(stop_at: float, total: int) -> tuple[RecurrentPPO, TrainingCallback]:
        env = make_sb3_vec_env("TMaze", 4, seed=0, memory_length=1)
        model = RecurrentPPO("MlpPolicy", env, n_steps=64, batch_size=256, seed=0)
        callback = TrainingCallback(total, stop_at_success=stop_at)
        model.learn(total, callback=callback)
        return model, callback

    # A random policy at L=1 succeeds now and then (about 1 in 16), never always.
    model, callback = run(0.01, 20_000)
    assert callback.stopped_at is not None and model.num_timesteps < 2_000
    assert len(model.ep_success_buffer) == 100 and np.mean(model.ep_success_buffer) >= 0.01
    model, callback = run(1.0, 2_048)
    assert callback.stopped_at is None and model.num_timesteps == 2_048


def test_set_env_rejects_an_env_the_policy_cannot_run() -> None:
    model = RecurrentPPO(
        "MlpPolicy", make_sb3_vec_env("TMaze", 4, seed=0, memory_length=4), n_steps=8
    )
    wider = make_sb3_vec_env("TMaze", 4, seed=0, prev_action_reward=True, memory_length=4)
    with pytest.raises(ValueError, match="Observation spaces do not match"):
        model.set_env(wider)
    two_actions = make_sb3_vec_env("DelayedCue", 4, seed=0, memory_length=4)
    two_actions.observation_space = model.observation_space  # only the action space differs
    with pytest.raises(ValueError, match="Action spaces do not match"):
        model.set_env(two_actions)
    with pytest.raises(ValueError, match="env must have the model's 4 envs, got 2"):
        model.set_env(make_sb3_vec_env("TMaze", 2, seed=0, memory_length=4))


def test_set_env_mid_training_restarts_episodes_core_states_and_statistics() -> None:
    model = RecurrentPPO(
        "MlpPolicy",
        make_sb3_vec_env("TMaze", 4, seed=0, memory_length=4),
        n_steps=12,  # episodes of 5 steps: the rollout ends with episodes under way
        batch_size=24,
        policy_kwargs=dict(hidden_size=8),
        seed=0,
    )
    model.learn(96)
    assert model.ep_info_buffer and any(s.abs().max() > 0 for s in model._last_lstm_states.pi)
    assert not model._last_episode_starts.all()

    env = make_sb3_vec_env("TMaze", 4, seed=1, memory_length=6)
    model.set_env(env)
    assert model.get_env() is env
    expected_obs = make_sb3_vec_env("TMaze", 4, seed=1, memory_length=6).reset()
    assert np.array_equal(model._last_obs, expected_obs)  # reset at once, with env's seeds
    assert model._last_episode_starts.all()
    states = model._last_lstm_states
    assert all(not s.any() for s in (*states.pi, *states.vf))
    assert len(model.ep_info_buffer) == 0 and len(model.ep_success_buffer) == 0
    model.learn(96, reset_num_timesteps=False)
    assert model.num_timesteps == 192
    assert {info["l"] for info in model.ep_info_buffer} == {7}  # only the new env's episodes

    # force_reset=False keeps the episodes under way (for a re-wrapped copy of the same env).
    last_obs, last_states = model._last_obs, model._last_lstm_states
    model.set_env(env, force_reset=False)
    assert model._last_obs is last_obs and model._last_lstm_states is last_states


def test_set_rollout_length_applies_from_the_next_rollout_on() -> None:
    class Recording(RecurrentPPO):
        """Records the minibatch size and rollout length each update trains with."""

        def train(self) -> None:
            self.updates.append((self.batch_size, self.rollout_buffer.n_steps))
            super().train()

    class Lengthen(BaseCallback):
        def _on_step(self) -> bool:
            return True

        def _on_rollout_end(self) -> None:
            if self.model.n_steps == 8:
                self.model.set_rollout_length(20)
                assert self.model.n_steps == 20 and self.model.batch_size == 16

    model = Recording(
        "MlpPolicy", make_sb3_vec_env("TMaze", 4, seed=0, memory_length=3), n_steps=8, batch_size=16
    )
    model.updates = []
    model.learn(32 + 80 + 80, callback=Lengthen())
    # The rollout collected before the call trains as it was; then 20 steps, minibatch x 2.5.
    assert model.updates == [(16, 8), (40, 20), (40, 20)]
    assert model.num_timesteps == 192
    with pytest.raises(ValueError, match="n_steps must be a positive int, got 0"):
        model.set_rollout_length(0)
