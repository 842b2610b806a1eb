"""The run directory's rules: --overwrite and --resume, the lock, falling back to an older
checkpoint, resume-safe options, and a diverging run stopping with its last finite parameters.

Tiny runs of `train.main` in-process (W&B disabled): under a second each once torch is loaded.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch

from recurrent_agents.run import checkpoint, rundir
from recurrent_agents.run.config import ConfigError, build_config, config_differences
from tests.test_hostile_inputs import TINY  # the same tiny run


@pytest.fixture
def run(train_cli, tmp_path, capsys):
    """``run(*argv) -> (exit status, stderr)``: train.py in-process on ``tmp_path/run``."""
    run_dir = tmp_path / "run"

    def _run(*argv: str) -> tuple[int, str]:
        status = train_cli.main([*TINY, f"--run_dir={run_dir}", *argv])
        return status, capsys.readouterr().err

    _run.dir = run_dir
    return _run


def _result(run_dir: Path) -> dict:
    return json.loads((run_dir / "result.json").read_text())


def test_overwrite_replaces_the_earlier_run_and_keeps_its_wandb_files(run):
    assert run()[0] == 0
    wandb_file = run.dir / "wandb" / "offline-run-x" / "run-x.wandb"
    wandb_file.parent.mkdir(parents=True)
    wandb_file.write_bytes(b":W&B")  # an earlier W&B run, maybe not synced yet
    status, err = run("--overwrite", "--seed=1", "--total_timesteps=64")
    assert status == 0 and "--overwrite: removed the earlier run's" in err
    assert _result(run.dir)["env_steps"] == 64 and _result(run.dir)["seed"] == 1
    assert [p.name for p in (run.dir / "checkpoints").glob("model_*.zip")] == [
        "model_000000000064.zip"
    ]
    assert wandb_file.read_bytes() == b":W&B"


def test_resume_in_an_empty_dir_starts_a_new_run_and_says_so(run):
    status, err = run("--resume")
    assert status == 0 and "--resume: no checkpoint in" in err and "starting a new run" in err
    assert _result(run.dir)["resumed_from_step"] is None


def test_resume_after_a_kill_inside_the_first_checkpoint_starts_a_new_run(run):
    ckpt = run.dir / "checkpoints"
    ckpt.mkdir(parents=True)
    (ckpt / "model_000000000064.zip").write_bytes(b"PK half")  # killed before its state
    rundir.write_config(run.dir, build_config([*TINY, f"--run_dir={run.dir}"]))
    status, err = run("--resume")
    assert status == 0 and "starting a new run" in err, err
    assert _result(run.dir)["resumed_from_step"] is None


def test_resume_may_change_the_resume_safe_options(run):
    assert run()[0] == 0
    status, err = run("--resume", "--total_timesteps=256", "--eval_episodes=4", "--verbose=0")
    assert status == 0, err
    result = _result(run.dir)
    assert result["resumed_from_step"] == 128 and result["env_steps"] == 256
    assert rundir.read_config(run.dir)["total_timesteps"] == 256


def test_resume_may_switch_the_success_measure_between_training_and_either(run):
    # A long run whose sampled success stays under the stop is resumed with greedy judgements.
    assert run()[0] == 0
    status, err = run("--resume", "--total_timesteps=256", "--success_measure=either")
    assert status == 0, err
    assert _result(run.dir)["resumed_from_step"] == 128
    assert rundir.read_config(run.dir)["success_measure"] == "either"
    status, err = run("--resume", "--total_timesteps=384", "--success_measure=greedy")
    assert status == 2 and "success_measure ('either' -> 'greedy')" in err, err
    assert "success_measure between training and either" in err


def test_config_differences_ignore_resume_safe_and_unknown_options():
    stored = build_config(["--core=lstm", "--total_timesteps=10"]).to_dict()
    new = build_config(["--core=gru", "--total_timesteps=99", "--resume"]).to_dict()
    assert config_differences(stored, new) == ["core", "wandb_group"]  # the group follows core
    del stored["core"]  # an option an older version did not have is not compared
    assert config_differences(stored, new) == ["wandb_group"]


@pytest.mark.parametrize("damage", ["latest_torn", "latest_names_missing_model", "newest_zip_torn"])
def test_resume_falls_back_to_the_newest_checkpoint_that_loads(damage, run):
    assert run()[0] == 0  # checkpoints at 64 and 128 env steps
    ckpt = run.dir / "checkpoints"
    if damage == "latest_torn":
        (ckpt / "latest.json").write_bytes((ckpt / "latest.json").read_bytes()[:100])
        resumed = 128  # model_128.json holds the same state
    elif damage == "latest_names_missing_model":
        state = json.loads((ckpt / "latest.json").read_text())
        (ckpt / "latest.json").write_text(json.dumps({**state, "model": "model_999.zip"}))
        resumed = 128
    else:
        (ckpt / "model_000000000128.zip").write_bytes(b"PK\x03\x04 torn")
        resumed = 64
    status, err = run("--resume", "--total_timesteps=192")
    assert status == 0, err
    assert f"at {resumed} env steps" in err
    assert _result(run.dir)["resumed_from_step"] == resumed
    assert _result(run.dir)["env_steps"] == 192
    if damage == "newest_zip_torn":
        assert "newer ones do not load: model_000000000128.zip: " in err


def test_partial_writes_of_a_killed_run_are_removed_at_the_next_start(run):
    assert run()[0] == 0
    partial = run.dir / "checkpoints" / ".model_000000000192.zip.abc.tmp"
    partial.write_bytes(b"half a model")
    assert run("--resume", "--total_timesteps=192")[0] == 0
    assert not partial.exists()


def test_the_lock_is_released_after_a_run_and_after_an_error(run):
    assert run()[0] == 0
    assert not (run.dir / rundir.HOLDER_FILE).exists()
    status, err = run("--resume", "--n_epochs=3")  # found while holding the lock
    assert status == 2 and "config differs" in err
    lock = rundir.RunDirLock(run.dir)
    lock.acquire()  # free again
    lock.release()


def test_a_second_lock_names_the_holder(tmp_path):
    first = rundir.RunDirLock(tmp_path / "run")
    first.acquire()
    try:
        holder = json.loads((tmp_path / "run" / rundir.HOLDER_FILE).read_text())
        assert set(holder) == {"pid", "host", "started", "command"}
        with pytest.raises(ConfigError, match=rf"in use by another run: pid {holder['pid']} on "):
            rundir.RunDirLock(tmp_path / "run").acquire()
    finally:
        first.release()
    assert not (tmp_path / "run" / rundir.HOLDER_FILE).exists()


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_a_non_finite_loss_stops_the_update_before_the_optimizer_step():
    from envs.sb3 import make_sb3_vec_env
    from recurrent_agents import RecurrentPPO

    env = make_sb3_vec_env("TMaze", n_envs=2, seed=0, memory_length=2)
    model = RecurrentPPO("MlpPolicy", env, n_steps=32, batch_size=64, learning_rate=1e20, seed=0)
    with pytest.raises(FloatingPointError, match=r"^non-finite PPO loss \w+ in update \d+$"):
        model.learn(1024)
    assert all(bool(torch.isfinite(p).all()) for p in model.policy.parameters())


def test_non_finite_parameters_stop_training(tmp_path):
    from envs.sb3 import make_sb3_vec_env
    from recurrent_agents import RecurrentPPO
    from recurrent_agents.run.callbacks import TrainingCallback

    env = make_sb3_vec_env("TMaze", n_envs=2, seed=0, memory_length=2)
    model = RecurrentPPO(
        "MlpPolicy", env, n_steps=32, batch_size=64, policy_kwargs={"hidden_size": 8}
    )
    with torch.no_grad():
        model.policy.value_net.weight[0, 0] = math.nan
    with pytest.raises(FloatingPointError, match=r"^non-finite parameters value_net.weight$"):
        model.learn(64, callback=TrainingCallback(total_timesteps=64))


def test_a_diverging_run_exits_1_with_its_last_finite_parameters_checkpointed(run):
    status, err = run("--learning_rate=1e20", "--total_timesteps=512")
    lines = err.strip().splitlines()
    assert status == 1 and len(lines) == 1, err
    assert lines[0].startswith("train.py: error: training diverged at ")
    assert "non-finite PPO loss" in lines[0] and "last finite parameters are checkpoint" in lines[0]
    assert not (run.dir / "result.json").exists()
    latest = checkpoint.checkpoint_states(run.dir / "checkpoints")[0]
    assert latest["model_path"] in lines[0]
    from recurrent_agents import RecurrentPPO

    model = RecurrentPPO.load(latest["model_path"], device="cpu")
    assert all(bool(torch.isfinite(p).all()) for p in model.policy.parameters())


@pytest.mark.slow
def test_a_sweep_resumes_a_cell_interrupted_before_its_first_checkpoint(tmp_path):
    """The sweep reruns such a cell (config.yaml only) with --resume=true: a new run there."""
    from recurrent_agents.study import sweep

    sweep_dir = tmp_path / "sweep"
    cell_dir = sweep_dir / "runs" / "TMaze-lstm-L2-s0"
    cell_dir.mkdir(parents=True)
    rundir.write_config(cell_dir, build_config([f"--run_dir={cell_dir}", "--memory_length=2"]))
    argv = ["--sweep-dir", str(sweep_dir), "--memory-lengths=2", "--cores=lstm", "--seeds=0"]
    argv += ["--no-report", "--", *TINY[1:]]
    assert sweep.main(argv) == 0
    log = (cell_dir / "train.log").read_text()
    assert "--resume=true" in log and "starting a new run" in log
    assert json.loads((cell_dir / "result.json").read_text())["status"] == "finished"
