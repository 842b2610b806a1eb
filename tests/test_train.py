"""train.py end to end as a subprocess, read back with W&B's own reader (`wandb leet inspect`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from recurrent_agents.run.plot import wandb_cli

ROOT = Path(__file__).resolve().parent.parent
TINY = [
    "--memory_length=2",
    "--n_envs=4",
    "--n_steps=64",
    "--batch_size=128",
    "--hidden_size=16",
    "--eval_episodes=8",
    "--video_episodes=1",
    "--progress=false",
]

pytestmark = pytest.mark.slow


def _env() -> dict[str, str]:
    env = dict(os.environ, WANDB_MODE="offline", WANDB_SILENT="true")
    env.pop("WANDB_API_KEY", None)
    # Set by any wandb.init in this pytest process; a child would share (and confuse) its service.
    env.pop("WANDB_SERVICE", None)
    return env


def _train(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "train.py"), *args],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=timeout,
    )


def _leet(run_dir: str, *flags: str) -> str:
    proc = subprocess.run(
        [wandb_cli(), "leet", "inspect", *flags, "--json", run_dir],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _records(run_dir: str) -> list[dict]:
    return [json.loads(line) for line in _leet(run_dir).splitlines() if line.strip()]


def test_offline_run_has_config_metrics_summary_and_model(tmp_path):
    run_dir = tmp_path / "run"
    proc = _train(
        [
            *TINY,
            "--total_timesteps=1024",
            "--checkpoint_every=512",
            "--eval_length_factor=3",
            f"--run_dir={run_dir}",
        ]
    )
    assert proc.returncode == 0, proc.stderr
    assert "wandb sync" in proc.stderr  # the user is told how to upload the offline run
    result = json.loads((run_dir / "result.json").read_text())
    assert result["status"] == "finished" and result["env_steps"] == 1024
    assert 0.0 <= result["eval_success_rate"] <= 1.0
    wandb_dir = result["wandb_run_dir"]
    assert Path(wandb_dir).is_dir() and wandb_dir.startswith(str(run_dir))

    records = _records(wandb_dir)
    by_type: dict[str, list[dict]] = {}
    for rec in records:
        by_type.setdefault(rec["type"], []).append(rec)
    config = by_type["run"][0]["run"]["config"]["update"]
    assert config["memory_length"] == 2 and config["core"] == "lstm"
    assert config["total_timesteps"] == 1024
    assert config["actor_value_coef"] == 0.25  # the lstm's default, resolved from None
    metrics = [r["metric"] for r in by_type["metric"]]
    assert any(m.get("glob_name") == "*" and m.get("step_metric") == "global_step" for m in metrics)
    history = [r["history"]["item"] for r in by_type["history"]]
    steps = [h["global_step"] for h in history]
    assert steps == sorted(steps) and steps[-1] == 1024
    logged = set().union(*history)
    for key in (
        "rollout/ep_rew_mean",
        "rollout/ep_len_mean",
        "rollout/success_rate",
        "train/policy_gradient_loss",
        "train/value_loss",
        "train/entropy",
        "train/explained_variance",
        "train/learning_rate",
        "train/grad_norm",
        "time/env_steps_per_sec",
    ):
        assert key in logged, key
    artifacts = [r["artifact"] for r in by_type["artifact"]]
    assert any(
        a["type"] == "model" and a["name"] == f"model-{result['wandb_run_id']}" for a in artifacts
    )

    summary = json.loads(_leet(wandb_dir, "--summary"))
    assert summary["state"] == "finished"
    assert summary["summary"]["eval/success_rate"] == pytest.approx(result["eval_success_rate"])
    assert "eval/success_rate/L=2" in summary["summary"]
    assert result["long_eval_memory_length"] == summary["summary"]["eval_long/memory_length"] == 6
    long_success = summary["summary"]["eval_long/success_rate"]
    assert long_success == pytest.approx(result["long_eval_success_rate"])
    assert summary["summary"]["eval/video"]["_type"] == "video-file"

    from recurrent_agents.run.plot import plot_history, read_history

    rows = read_history(run_dir)
    assert [r["global_step"] for r in rows] == sorted(steps)
    png = plot_history(rows, tmp_path / "charts.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _latest_steps(ckpt: Path) -> int:
    try:
        return json.loads((ckpt / "latest.json").read_text())["num_timesteps"]
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return 0


def test_sigkill_then_resume_continues_from_last_checkpoint(tmp_path):
    run_dir = tmp_path / "run"
    total = 12288
    args = [
        *TINY,
        f"--total_timesteps={total}",
        "--stop_at_success=None",  # the whole budget: the tiny task is solved and would stop early
        "--checkpoint_every=1024",
        f"--run_dir={run_dir}",
        "--video=false",
    ]
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "train.py"), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(),
    )
    deadline = time.monotonic() + 90
    while _latest_steps(run_dir / "checkpoints") < 2048 and proc.poll() is None:
        assert time.monotonic() < deadline, "no checkpoint written"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "training finished before it could be killed"
    assert not (run_dir / "result.json").exists()
    first = json.loads((run_dir / "checkpoints" / "latest.json").read_text())
    ckpt_steps = first["num_timesteps"]
    assert 0 < ckpt_steps < total

    done = _train([*args, "--resume"])
    assert done.returncode == 0, done.stderr
    result = json.loads((run_dir / "result.json").read_text())
    assert result["resumed_from_step"] == ckpt_steps
    assert result["env_steps"] == total
    assert result["wandb_run_id"] == first["wandb_run_id"], done.stderr  # same W&B run
    resumed_dir = result["wandb_run_dirs"][-1]
    history = [r["history"]["item"] for r in _records(resumed_dir) if r["type"] == "history"]
    assert min(h["global_step"] for h in history) > ckpt_steps  # steps continue, not restart

    from recurrent_agents import RecurrentPPO

    model = RecurrentPPO.load(run_dir / "model.zip", device="cpu")
    assert model.num_timesteps == total


def test_misconfigured_wandb_does_not_stop_training(tmp_path):
    run_dir = tmp_path / "run"
    env = dict(_env(), WANDB_MODE="online", WANDB_API_KEY="not-a-key")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "train.py"), *TINY, "--total_timesteps=512", "--video=false"]
        + [f"--run_dir={run_dir}", "--checkpoint_every=0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    failures = [line for line in proc.stderr.splitlines() if "init failed" in line]
    assert len(failures) == 1 and "continuing offline" in failures[0]
    result = json.loads((run_dir / "result.json").read_text())
    assert result["status"] == "finished" and result["wandb_run_dir"]
    summary = json.loads(_leet(result["wandb_run_dir"], "--summary"))
    assert summary["state"] == "finished" and "eval/success_rate" in summary["summary"]
