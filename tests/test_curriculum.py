"""Memory-length curriculum: stage list, env/rollout switching, train.py integration."""

from __future__ import annotations

import json

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces
from stable_baselines3.common.vec_env import DummyVecEnv

from recurrent_agents import RecurrentPPO
from recurrent_agents.run.curriculum import MemoryCurriculum, curriculum_stages


class CountdownEnv(gym.Env):
    """Episodes of ``memory_length + 1`` steps that succeed with probability ``p_success``."""

    def __init__(self, memory_length: int, p_success: float = 1.0) -> None:
        self.memory_length = memory_length
        self.p_success = p_success
        self.observation_space = spaces.Box(0.0, 1.0, (2,), np.float32)
        self.action_space = spaces.Discrete(2)
        self.closed = False

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        return np.array([1.0, 0.0], np.float32), {}

    def step(self, action):
        self.t += 1
        done = self.t > self.memory_length
        info = {"is_success": bool(self.np_random.random() < self.p_success)} if done else {}
        obs = np.array([0.0, float(self.t == self.memory_length)], np.float32)
        return obs, float(done), done, False, info

    def close(self):
        self.closed = True


def make_vec(length: int, p_success: float = 1.0) -> DummyVecEnv:
    return DummyVecEnv([lambda: CountdownEnv(length, p_success)] * 4)


def test_stages_end_at_the_target_and_reject_bad_lists() -> None:
    assert curriculum_stages([10, 20, 50, 100], 50) == [10, 20, 50]
    assert curriculum_stages([], 7) == [7]
    with pytest.raises(ValueError, match=r"strictly increasing, got \[20, 10\]"):
        curriculum_stages([20, 10], 50)
    with pytest.raises(ValueError, match="positive ints, got 0"):
        curriculum_stages([0, 5], 50)
    with pytest.raises(ValueError, match=r"threshold must be in \(0, 1\], got 1.5"):
        MemoryCurriculum([2, 4], make_vec, threshold=1.5)


def test_advances_env_rollout_and_minibatch_once_successful() -> None:
    envs: dict[int, DummyVecEnv] = {2: make_vec(2)}

    def make_env(length: int) -> DummyVecEnv:
        envs[length] = make_vec(length)
        return envs[length]

    # One epoch per update: the test is about stage switching, not learning.
    model = RecurrentPPO(
        "MlpPolicy",
        envs[2],
        n_steps=8,
        batch_size=16,
        n_epochs=1,
        policy_kwargs=dict(hidden_size=8),
        seed=0,
    )
    curriculum = MemoryCurriculum(
        [2, 5, 12], make_env, threshold=0.9, min_rollout=lambda length: length + 2, ent_coef=0.01
    )
    model.learn(4000, callback=curriculum)
    assert curriculum.final and curriculum.memory_length == 12
    assert model.get_env() is envs[12]
    assert envs[2].envs[0].closed and envs[5].envs[0].closed and not envs[12].envs[0].closed
    # 2 -> 5: 8 steps still hold an episode (7); 5 -> 12: the rollout grows to 14 steps and
    # the minibatch by the same factor (applied from the next rollout on).
    assert model.n_steps == 14 and model.rollout_buffer.n_steps == 14
    assert model.batch_size == 16 * 14 // 8
    # The same entropy bonus per episode: the per-step coefficient shrinks as L grows.
    assert model.ent_coef == pytest.approx(0.01 * 2 / 12)
    assert [h["memory_length"] for h in curriculum.history] == [2, 5, 12]
    steps = [h["env_steps"] for h in curriculum.history]
    assert steps[0] == 0 and steps == sorted(steps) and steps[1] >= 100 * 3  # 100 episodes of 3
    # The success buffer restarts at each stage, so the last one only holds length-12 episodes.
    assert len(model.ep_success_buffer) <= (model.num_timesteps - steps[2]) // 13 + 4


def test_stays_at_a_stage_below_the_threshold() -> None:
    model = RecurrentPPO(
        "MlpPolicy",
        make_vec(2, p_success=0.5),
        n_steps=8,
        batch_size=16,
        n_epochs=1,
        seed=0,
        policy_kwargs=dict(hidden_size=8),
    )
    curriculum = MemoryCurriculum([2, 5], lambda length: make_vec(length, 0.5), threshold=0.9)
    model.learn(1600, callback=curriculum)
    assert curriculum.stage == 0 and len(curriculum.history) == 1
    assert len(model.ep_success_buffer) == 100


@pytest.mark.slow
def test_train_py_runs_and_resumes_a_curriculum(tmp_path) -> None:
    from tests.test_train import TINY, _records, _train

    run_dir = tmp_path / "run"
    # T-maze L=1 first (a random policy succeeds in ~6% of episodes), then the target L=2.
    args = [
        *TINY,
        "--curriculum=1",
        "--curriculum_threshold=0.01",
        "--checkpoint_every=512",
        f"--run_dir={run_dir}",
        "--video=false",
    ]
    first = _train([*args, "--total_timesteps=2048"])
    assert first.returncode == 0, first.stderr
    result = json.loads((run_dir / "result.json").read_text())
    history = result["curriculum"]
    assert [h["memory_length"] for h in history] == [1, 2] and result["curriculum_completed"]
    latest = json.loads((run_dir / "checkpoints" / "latest.json").read_text())
    assert latest["curriculum_stage"] == 1 and latest["curriculum_history"] == history
    logged = [
        r["history"]["item"].get("curriculum/memory_length")
        for r in _records(result["wandb_run_dir"])
        if r["type"] == "history"
    ]
    assert {1, 2} <= set(logged)

    resumed = _train([*args, "--total_timesteps=3072", "--resume"])
    assert resumed.returncode == 0, resumed.stderr
    result = json.loads((run_dir / "result.json").read_text())
    assert result["resumed_from_step"] == 2048
    assert result["curriculum"] == history  # resumed at the last stage, not from the first


def test_curriculum_rollouts_hold_the_task_longest_episode() -> None:
    from recurrent_agents.run.config import build_config
    from recurrent_agents.run.training import _episode_horizon

    assert _episode_horizon(build_config(["--task=BakkerTMaze"]), 5) == 24  # truncated at 4(L+1)
    assert _episode_horizon(build_config(["--variant=active"]), 5) == 7
    assert _episode_horizon(build_config(["--task=DelayedCue", "--num_cues=3"]), 5) == 6
