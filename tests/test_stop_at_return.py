"""``stop_at_return``: a task that reports no success stops once its mean return is reached."""

from __future__ import annotations

import json

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces
from stable_baselines3.common.vec_env import VecMonitor

from recurrent_agents import RecurrentPPO
from recurrent_agents.run import training
from recurrent_agents.run.callbacks import TrainingCallback
from recurrent_agents.run.config import ConfigError, build_config
from tests.test_curriculum import make_vec

ROLLOUT = 4 * 8  # env steps per rollout of the callback's model (4 envs x 8 steps)
COIN = "tests.test_stop_at_return:StopTests/Coin-v0"


class Coin(gym.Env):
    """One-step episodes: reward 1 for action 0, else 0 (a random policy's mean return 0.5).
    It reports no success, so only a return threshold can stop a run on it."""

    def __init__(self) -> None:
        self.observation_space = spaces.Box(0.0, 1.0, (1,), np.float32)
        self.action_space = spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        return np.ones(1, np.float32), {}

    def step(self, action):
        return np.ones(1, np.float32), float(int(action) == 0), True, False, {}


# Gymnasium's "solved" mark for the task, which stop_at_return="env" (the default) reads. (The
# module is imported twice: by pytest, and by train.py's task id.)
if "StopTests/Coin-v0" not in gym.registry:
    gym.register("StopTests/Coin-v0", entry_point=Coin, reward_threshold=0.3)


def coin_run(tmp_path, *options: str):
    args = [f"--task={COIN}", "--hidden_size=8", "--n_steps=16", "--batch_size=64"]
    args += ["--n_epochs=1", "--total_timesteps=2048", "--eval_episodes=8", "--video=false"]
    args += ["--checkpoint_every=0", "--wandb_mode=disabled", f"--run_dir={tmp_path / 'run'}"]
    return training.run_training(build_config([*args, *options]))


def test_a_registered_reward_threshold_stops_the_run_once_reached_and_confirmed(tmp_path) -> None:
    result = coin_run(tmp_path)
    # The window of 100 one-step episodes is full after 13 steps of 8 envs, at mean ~0.5; the
    # greedy policy confirms once an update has made action 0 its choice.
    assert result.return_threshold == 0.3
    assert result.stopped_at_return is True and result.stopped_at_success is False
    assert result.env_steps < 2048 and result.eval_mean_return >= 0.3
    assert all(r["greedy_return"] < 0.3 for r in result.refused_stops or [])
    saved = json.loads((tmp_path / "run" / "result.json").read_text())
    assert saved["stopped_at_return"] is True and saved["return_threshold"] == 0.3


def test_stop_at_return_none_trains_the_whole_budget(tmp_path) -> None:
    result = coin_run(tmp_path, "--stop_at_return=None")
    assert result.env_steps >= 2048
    assert result.return_threshold is None and result.stopped_at_return is None
    saved = json.loads((tmp_path / "run" / "result.json").read_text())
    assert "stopped_at_return" not in saved and "return_threshold" not in saved


def test_a_return_stop_the_greedy_policy_does_not_reach_is_refused(
    tmp_path, monkeypatch, capsys
) -> None:
    asked: list[int] = []

    def never_confirmed(cfg, model):
        def greedy_return() -> float:
            asked.append(model.num_timesteps)
            return 0.1

        return greedy_return

    monkeypatch.setattr(training, "_return_confirmation", never_confirmed)
    result = coin_run(tmp_path, "--stop_at_return=0.2")
    assert result.env_steps >= 2048 and result.stopped_at_return is False
    # Asked once per update once the window was full, each refusal recorded with its measure.
    assert len(asked) == len(set(asked)) == len(result.refused_stops) > 1
    assert all(r["greedy_return"] == 0.1 for r in result.refused_stops)
    assert all(r["train_return"] >= 0.2 for r in result.refused_stops)
    assert "stop(s) at training return >= 0.2 not taken" in capsys.readouterr().err


def test_an_explicit_threshold_above_every_return_never_stops(tmp_path) -> None:
    result = coin_run(tmp_path, "--stop_at_return=1.5")
    assert result.env_steps >= 2048 and result.stopped_at_return is False


def test_the_toolkits_tasks_declare_no_reward_threshold() -> None:
    # They stop on success; "env" leaves them as they were.
    for task in ("TMaze", "DelayedCue", "BakkerTMaze"):
        assert training.return_threshold(build_config([f"--task={task}"])) is None


def test_return_window_stop_is_confirmed_once_per_update() -> None:
    # Every episode returns 1; the greedy policy falls short twice, then confirms.
    model = RecurrentPPO(
        "MlpPolicy",
        VecMonitor(make_vec(2)),
        n_steps=8,
        batch_size=16,
        n_epochs=1,
        seed=0,
        policy_kwargs=dict(hidden_size=8),
    )
    measured_at: list[int] = []

    def confirm() -> float:
        measured_at.append(model.num_timesteps)
        return 1.0 if len(measured_at) > 2 else 0.5

    callback = TrainingCallback(
        total_timesteps=40 * ROLLOUT,
        stop_at_success=None,
        stop_at_return=0.9,
        confirm_return=confirm,
    )
    model.learn(40 * ROLLOUT, callback=callback)
    assert [stop.measure for stop in callback.refused_stops] == ["return", "return"]
    assert [stop.env_steps for stop in callback.refused_stops] == measured_at[:2]
    rollouts = [(steps - 1) // ROLLOUT for steps in measured_at]
    assert rollouts == [rollouts[0] + k for k in range(3)]
    assert callback.stopped_at == measured_at[-1] and callback.stopped_by == "return"


@pytest.mark.parametrize(
    ("value", "allowed"),
    [("high", "a number, 'env' or None"), ("true", "a number, 'env' or None")]
    + [("nan", "a finite number"), ("inf", "a finite number")],
)
def test_bad_stop_at_return_is_one_line_naming_the_value(value, allowed) -> None:
    with pytest.raises(ConfigError, match=rf"^stop_at_return must be {allowed}, got '?{value}'?$"):
        build_config([f"--stop_at_return={value}"])
