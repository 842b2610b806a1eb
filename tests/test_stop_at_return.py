"""``stop_at_return``: a task that reports no success stops once its mean return is reached."""

from __future__ import annotations

import json

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces

from recurrent_agents.run import training
from recurrent_agents.run.callbacks import GREEDY_JUDGEMENT_SHARE, TrainingCallback
from recurrent_agents.run.config import ConfigError, build_config
from tests.test_success_measure import ROLLOUT, small_model

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


def test_a_registered_reward_threshold_stops_the_run_once_the_greedy_policy_reaches_it(
    tmp_path,
) -> None:
    result = coin_run(tmp_path)
    assert result.return_threshold == 0.3
    assert result.stopped_at_return is True and result.stopped_at_success is False
    # Judged at the start of each rollout from the second on (after the first update), when
    # action 0 is already the greedy choice; passed twice in a row, the third rollout stops
    # after its first step.
    assert result.env_steps == 2 * 16 * 8 + 8 and result.eval_mean_return >= 0.3
    saved = json.loads((tmp_path / "run" / "result.json").read_text())
    assert saved["stopped_at_return"] is True and saved["return_threshold"] == 0.3


def test_stop_at_return_none_trains_the_whole_budget(tmp_path) -> None:
    result = coin_run(tmp_path, "--stop_at_return=None")
    assert result.env_steps >= 2048
    assert result.return_threshold is None and result.stopped_at_return is None
    saved = json.loads((tmp_path / "run" / "result.json").read_text())
    assert "stopped_at_return" not in saved and "return_threshold" not in saved


def test_the_stop_is_judged_greedily_after_each_update_not_by_training_returns(
    tmp_path, monkeypatch
) -> None:
    asked: list[int] = []
    scores = iter([0.1, 0.1, 0.9, 0.1, 0.9, 0.9])  # a pass, a miss, then two passes

    def greedy_scores(cfg, model):
        def greedy_return() -> tuple[float, int]:
            asked.append(model.num_timesteps)
            return next(scores), 0  # episodes that took no env steps: judged at every update

        return greedy_return

    monkeypatch.setattr(training, "_greedy_return", greedy_scores)
    # The training episodes' mean return (0.5 at first, rising) reaches 0.4 at once; the run
    # still waits for the greedy policy.
    result = coin_run(tmp_path, "--stop_at_return=0.4")
    rollout = 16 * 8
    assert asked == [k * rollout for k in range(1, 7)]
    assert result.stopped_at_return is True and result.env_steps == 6 * rollout + 8


def test_an_explicit_threshold_above_every_return_never_stops(tmp_path) -> None:
    result = coin_run(tmp_path, "--stop_at_return=1.5")
    assert result.env_steps >= 2048 and result.stopped_at_return is False


def test_the_toolkits_tasks_declare_no_reward_threshold() -> None:
    # They stop on success; "env" leaves them as they were.
    for task in ("TMaze", "DelayedCue", "BakkerTMaze"):
        assert training.return_threshold(build_config([f"--task={task}"])) is None


def test_greedy_return_stop_waits_for_the_stop_allowed_and_a_second_rollout() -> None:
    # With a curriculum the stop is for its last stage; judged from that stage's 2nd rollout.
    model = small_model(p_success=1.0)
    measured_at: list[int] = []
    allowed_from = 3 * ROLLOUT

    def greedy_return() -> tuple[float, int]:
        measured_at.append(model.num_timesteps)
        return 1.0, 100

    callback = TrainingCallback(
        total_timesteps=40 * ROLLOUT,
        stop_at_success=None,
        stop_allowed=lambda: model.num_timesteps >= allowed_from,
        stop_at_return=0.9,
        greedy_return=greedy_return,
    )
    model.learn(40 * ROLLOUT, callback=callback)
    assert measured_at == [allowed_from + ROLLOUT, allowed_from + 2 * ROLLOUT]
    assert callback.stopped_at == measured_at[-1] and callback.stopped_by == "return"


def test_greedy_return_judgements_play_at_most_their_share_of_the_env_steps() -> None:
    model = small_model(p_success=1.0)
    measured_at: list[int] = []
    played = round(3 * ROLLOUT * GREEDY_JUDGEMENT_SHARE)  # each judgement: 3 rollouts' share

    def greedy_return() -> tuple[float, int]:
        measured_at.append(model.num_timesteps)
        return 0.0, played

    callback = TrainingCallback(
        total_timesteps=12 * ROLLOUT, stop_at_return=0.9, greedy_return=greedy_return
    )
    model.learn(12 * ROLLOUT, callback=callback)
    assert measured_at == [ROLLOUT, 4 * ROLLOUT, 7 * ROLLOUT, 10 * ROLLOUT]
    assert callback.stopped_at is None


def test_after_a_pass_the_next_judgement_comes_at_the_next_rollout() -> None:
    model = small_model(p_success=1.0)
    measured_at: list[int] = []
    scores = iter([0.0, 1.0] + [0.0] * 10)
    played = round(3 * ROLLOUT * GREEDY_JUDGEMENT_SHARE)

    def greedy_return() -> tuple[float, int]:
        measured_at.append(model.num_timesteps)
        return next(scores), played

    callback = TrainingCallback(
        total_timesteps=12 * ROLLOUT, stop_at_return=0.9, greedy_return=greedy_return
    )
    model.learn(12 * ROLLOUT, callback=callback)
    # A miss, a pass 3 rollouts later, its check at once (a miss), then spaced again.
    assert measured_at == [ROLLOUT, 4 * ROLLOUT, 5 * ROLLOUT, 8 * ROLLOUT, 11 * ROLLOUT]
    assert callback.stopped_at is None


@pytest.mark.parametrize(
    ("value", "allowed"),
    [("high", "a number, 'env' or None"), ("true", "a number, 'env' or None")]
    + [("nan", "a finite number"), ("inf", "a finite number")],
)
def test_bad_stop_at_return_is_one_line_naming_the_value(value, allowed) -> None:
    with pytest.raises(ConfigError, match=rf"^stop_at_return must be {allowed}, got '?{value}'?$"):
        build_config([f"--stop_at_return={value}"])
