"""min_updates: a run's env steps are split into at least that many PPO updates."""

import subprocess
import sys
import zipfile

import pytest

from envs.sb3 import make_sb3_vec_env
from recurrent_agents import RecurrentPPO
from recurrent_agents.defaults import MIN_ROLLOUT_STEPS, rollout_for_budget
from recurrent_agents.horizon import episode_horizon


class Recording(RecurrentPPO):
    """Records the minibatch size and rollout length each update trains with."""

    def train(self) -> None:
        self.updates.append((self.batch_size, self.rollout_buffer.n_steps))
        super().train()


def recording_model(**kwargs) -> Recording:
    env = make_sb3_vec_env("TMaze", 2, seed=0, memory_length=3)
    model = Recording(
        "MlpPolicy", env, n_steps=128, batch_size=64, policy_kwargs=dict(hidden_size=8), **kwargs
    )
    model.updates = []
    return model


def test_rollout_for_budget() -> None:
    # bsuite's memory_size: 30,024 env steps on 8 envs, 256-step rollouts make 15 updates.
    assert rollout_for_budget(256, 8, 30_024, 64) == 58
    assert 30_024 // (58 * 8) >= 64
    assert rollout_for_budget(256, 8, 2_000_000, 64) == 256  # enough updates: unchanged
    assert rollout_for_budget(256, 8, 30_024, 0) == 256  # off
    assert rollout_for_budget(256, 8, 1_000, 64) == MIN_ROLLOUT_STEPS
    assert rollout_for_budget(16, 8, 1_000, 64) == 16  # never lengthened
    # Never below the episode horizon: CartPole's 500 steps keep n_steps, a pendulum's 200 stay.
    assert rollout_for_budget(256, 8, 50_000, 64, horizon=500) == 256
    assert rollout_for_budget(256, 8, 100_000, 64, horizon=200) == 200
    assert rollout_for_budget(256, 8, 30_024, 64, horizon=3) == 58


def test_learn_uses_the_rollout_length_it_reports() -> None:
    model = recording_model(min_updates=8)
    assert model.rollout_length_for(512) == 32
    assert model.rollout_length_for(512, reset_num_timesteps=False) == 32  # none trained yet
    horizon = episode_horizon(model.env)
    long_episodes = make_sb3_vec_env("TMaze", 2, seed=0, memory_length=60)
    model.set_env(long_episodes)
    assert episode_horizon(long_episodes) > 32 > horizon
    assert model.rollout_length_for(512) == episode_horizon(long_episodes)


def test_a_short_run_is_split_into_min_updates_updates() -> None:
    model = recording_model(min_updates=8)
    model.learn(512)  # 2 updates of 128 x 2; at least 8: rollouts of 512 // 16 = 32 steps
    assert model.n_steps == 32
    assert model.updates == [(16, 32)] * 8  # the minibatch shrinks with the rollout
    assert model.num_timesteps == 512


def test_min_updates_off_keeps_n_steps() -> None:
    model = recording_model(min_updates=0)
    model.learn(512)
    assert model.updates == [(64, 128)] * 2


def test_a_continued_run_counts_its_env_steps_from_the_start() -> None:
    model = recording_model(min_updates=8)
    model.learn(2048)  # 8 updates of 128 x 2: enough
    # 1024 more, counted from 2048: 12 updates, enough (1024 alone would make 4).
    model.learn(1024, reset_num_timesteps=False)
    assert model.n_steps == 128
    # Counted from 0, 1024 env steps need 64-step rollouts.
    model.learn(1024)
    assert model.n_steps == 64


def test_a_model_saved_before_min_updates_keeps_its_rollouts(tmp_path) -> None:
    model = recording_model(min_updates=64)
    path = tmp_path / "model.zip"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        assert '"min_updates": 64' in archive.read("data").decode()
    assert RecurrentPPO.load(path).min_updates == 64
    del model.min_updates  # a file written before the option existed
    model.save(path)
    loaded = RecurrentPPO.load(path, env=make_sb3_vec_env("TMaze", 2, seed=0, memory_length=3))
    assert loaded.min_updates == 0
    loaded.learn(256)
    assert loaded.n_steps == 128


@pytest.mark.parametrize("value", [-1, 1.5, True])
def test_min_updates_must_be_a_non_negative_int(value) -> None:
    with pytest.raises(ValueError, match=f"min_updates must be an int >= 0, got {value!r}"):
        recording_model(min_updates=value)


def test_train_py_names_a_bad_min_updates(tmp_path) -> None:
    run_dir = tmp_path / "run"
    done = subprocess.run(
        [sys.executable, "train.py", "--min_updates=-2", f"--run_dir={run_dir}"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].endswith("min_updates must be an int >= 0, got -2")
    assert not run_dir.exists()


def test_the_default_changes_short_runs_only() -> None:
    env = make_sb3_vec_env("TMaze", 8, seed=0, memory_length=10)
    model = RecurrentPPO("MlpPolicy", env, policy_kwargs=dict(hidden_size=8))
    assert model.min_updates == 64 and model.n_steps == 256
    assert model.rollout_length_for(30_024) == 58
    assert model.rollout_length_for(64 * 256 * 8) == 256  # the robustness grid's budget
    assert model.rollout_length_for(2_000_000) == 256
