"""train.py on Gymnasium envs from other packages: POPGym, MiniGrid and a user's own package."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from recurrent_agents.run.config import ConfigError, build_config
from recurrent_agents.run.records import RunResult
from recurrent_agents.run.training import format_result, run_training

ROOT = Path(__file__).resolve().parent.parent
TINY = [
    "--n_envs=4",
    "--n_steps=32",
    "--align_rollouts=false",  # 32-step rollouts as given (auto would make them one horizon)
    "--batch_size=64",
    "--hidden_size=16",
    "--total_timesteps=256",
    "--eval_episodes=4",
    "--video_episodes=1",
    "--checkpoint_every=0",
    "--progress=false",
]


def _train(args: list[str]) -> subprocess.CompletedProcess:
    env = dict(os.environ, WANDB_MODE="offline", WANDB_SILENT="true")
    env.pop("WANDB_API_KEY", None)
    env.pop("WANDB_SERVICE", None)  # a wandb service of this pytest process is not the child's
    return subprocess.run(
        [sys.executable, str(ROOT / "train.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


def _summary(wandb_run_dir: str) -> dict:
    from recurrent_agents.run.plot import wandb_cli

    proc = subprocess.run(
        [wandb_cli(), "leet", "inspect", "--summary", "--json", wandb_run_dir],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.slow
@pytest.mark.parametrize(
    "task", ["popgym:popgym-RepeatPreviousEasy-v0", "minigrid:MiniGrid-MemoryS7-v0"]
)
def test_train_py_runs_a_third_party_task_with_tracking_and_evaluation(tmp_path, task):
    run_dir = tmp_path / "run"
    proc = _train([f"--task={task}", *TINY, f"--run_dir={run_dir}"])
    assert proc.returncode == 0, proc.stderr
    assert "greedy mean return" in proc.stdout  # no is_success: judged by the return
    result = json.loads((run_dir / "result.json").read_text())
    assert result["status"] == "finished" and result["env_steps"] == 256
    assert (result["task"], result["memory_length"]) == (task, None)
    assert result["eval_success_rate"] is None and result["eval_episodes"] == 4
    summary = _summary(result["wandb_run_dir"])
    assert summary["state"] == "finished"
    assert summary["summary"]["eval/mean_return"] == pytest.approx(result["eval_mean_return"])


@pytest.mark.slow
def test_a_bare_id_trains_once_its_package_is_imported(tmp_path):
    import popgym  # noqa: F401 - registers the popgym ids

    cfg = build_config(
        ["--task=popgym-RepeatPreviousEasy-v0", "--prev_action_reward", *TINY]
        + [f"--run_dir={tmp_path / 'run'}", "--wandb_mode=disabled"]
    )
    result = run_training(cfg)
    assert result.finished and result.eval_success_rate is None
    assert -1 <= result.eval_mean_return <= 1  # popgym scales an episode's return to [-1, 1]


@pytest.mark.slow
def test_a_users_own_package_trains_and_sweeps_its_memory_length(tmp_path, user_task):
    from recurrent_agents.study import sweep

    argv = [
        *("--task", user_task, "--memory-lengths", "2,4", "--cores", "gru", "--seeds", "0"),
        *("--sweep-dir", str(tmp_path / "sweep"), "--wandb-mode", "disabled", "--"),
        *TINY,
    ]
    assert sweep.main(argv) == 0
    results = {
        r.memory_length: r for r in map(RunResult.read, (tmp_path / "sweep" / "runs").iterdir())
    }
    assert sorted(results) == [2, 4] and all(r.eval_success_rate is None for r in results.values())
    report = (tmp_path / "sweep" / "report" / "frontier.md").read_text()
    assert "Greedy mean return on my_memory_tasks:MyTasks/Recall-v0" in report
    assert "| 2 |" in report and "| 4 |" in report


@pytest.mark.slow
def test_a_seed_sweep_on_a_task_without_memory_length(tmp_path):
    from recurrent_agents.study import sweep

    sweep_dir = tmp_path / "sweep"
    argv = ["--task", "popgym:popgym-RepeatPreviousEasy-v0", "--cores", "lstm", "--seeds", "0,1"]
    argv += ["--sweep-dir", str(sweep_dir), "--wandb-mode", "disabled", "--", *TINY]
    assert sweep.main(argv) == 0
    names = sorted(p.name for p in (sweep_dir / "runs").iterdir())
    assert names == [f"popgym_popgym-RepeatPreviousEasy-v0-lstm-s{s}" for s in (0, 1)]
    report = (sweep_dir / "report" / "frontier.md").read_text()
    assert "| - | " in report and "Memory horizon" not in report


def test_curriculum_and_prev_action_reward_need_what_the_env_has(tmp_path, user_task):
    cfg = build_config(
        [f"--task={user_task}", "--curriculum=2", "--memory_length=4", *TINY]
        + [f"--run_dir={tmp_path / 'run'}", "--wandb_mode=disabled"]
    )
    with pytest.raises(
        ConfigError, match="curriculum needs a task whose env has an episode_horizon"
    ):
        run_training(cfg)
    with pytest.raises(ConfigError, match="must be true, false, 'reward' or 'auto', got 'invalid'"):
        build_config(["--task=popgym:popgym-BattleshipEasy-v0", "--prev_action_reward=invalid"])


def test_the_default_observes_the_previous_action_where_the_env_declares_it_needs_it():
    from recurrent_agents.run.training import make_env

    # Battleship observes hit or miss, not where it fired: it declares obs_requires_prev_action.
    # Its MultiDiscrete([8, 8]) action is observed one-hot per component, then the reward.
    sizes = {}
    for value in ("reward", "auto"):  # the last one's observations are checked
        cfg = build_config(
            ["--task=popgym:popgym-BattleshipEasy-v0", f"--prev_action_reward={value}", *TINY]
        )
        env = make_env(cfg, seed=0)
        try:
            sizes[value] = env.observation_space.shape[0]
            obs = env.reset()
            env.step_async(np.array([[3, 5]] * cfg.n_envs))
            obs, rewards, _, _ = env.step_wait()
        finally:
            env.close()
    assert sizes["auto"] == sizes["reward"] + 8 + 8
    np.testing.assert_array_equal(np.flatnonzero(obs[0, -17:-1]), [3, 8 + 5])
    assert obs[0, -1] == np.float32(rewards[0])


def test_format_result_shows_the_return_without_a_success_rate():
    result = RunResult(
        task="popgym:popgym-RepeatPreviousEasy-v0",
        memory_length=None,
        core="gru",
        seed=0,
        env_steps=256,
        eval_mean_return=-0.25,
        env_steps_per_sec=100.0,
        train_seconds=2.0,
    )
    line = format_result(result)
    assert line.startswith("gru on popgym:popgym-RepeatPreviousEasy-v0: greedy mean return -0.25")
