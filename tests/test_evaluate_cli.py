"""``python train.py evaluate RUN_DIR``: a run's final model and each checkpoint, played greedily
again on the task it was trained on."""

from __future__ import annotations

import csv
import json

import pytest

from recurrent_agents.run.config import build_config
from recurrent_agents.run.training import run_training
from recurrent_agents.study import checkpoints

ROLLOUT = 2 * 16  # env steps per update of the run below


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A short T-maze run with a checkpoint after every update, all of them kept."""
    run_dir = tmp_path_factory.mktemp("evaluate") / "run"
    args = ["--task=TMaze", "--memory_length=3", "--hidden_size=8", "--n_envs=2", "--n_steps=16"]
    args += ["--batch_size=32", "--n_epochs=1", "--total_timesteps=128", "--stop_at_success=None"]
    args += [f"--checkpoint_every={ROLLOUT}", "--keep_checkpoints=0", "--eval_episodes=12"]
    args += ["--video=false", "--wandb_mode=disabled", f"--run_dir={run_dir}"]
    run_training(build_config(args))
    return run_dir


def test_every_kept_checkpoint_is_evaluated_in_order(run_dir, tmp_path, capsys) -> None:
    out = tmp_path / "greedy.csv"
    assert checkpoints.main([str(run_dir), "--checkpoints", "--episodes=4", f"--out={out}"]) == 0
    rows = list(csv.DictReader(out.open()))
    # keep_checkpoints=0 kept one checkpoint per update (the run's end saves one more).
    steps = [int(row["env_steps"]) for row in rows]
    assert steps == sorted(set(steps)) and len(steps) >= 4
    assert all(step % ROLLOUT == 0 for step in steps)
    assert all(int(row["episodes"]) == 4 for row in rows)
    assert all(0 <= float(row["success_rate"]) <= 1 for row in rows)
    assert len(capsys.readouterr().out.splitlines()) == len(rows) + 1  # + "wrote ..."


def test_the_final_model_scores_what_the_run_reported(run_dir) -> None:
    from tests.test_train import _train

    # Same model, episodes and seed as the run's own final evaluation; through train.py.
    done = _train(["evaluate", str(run_dir)])
    assert done.returncode == 0, done.stderr
    result = json.loads((run_dir / "result.json").read_text())
    line = done.stdout.strip()
    assert f"success {result['eval_success_rate']:.2f}" in line and "model.zip" in line


def test_bad_input_is_one_line_and_status_2(run_dir, tmp_path, capsys) -> None:
    existing = tmp_path / "kept.csv"
    existing.write_text("mine")
    cases = [
        ([str(tmp_path / "nowhere")], "has no config.yaml"),
        ([str(run_dir), f"--out={existing}"], "exists; choose a new file"),
        ([str(run_dir), "--episodes=0"], "--episodes must be a positive int, got 0"),
    ]
    for argv, message in cases:
        try:
            status = checkpoints.main(argv)
        except SystemExit as exc:  # argparse's usage errors
            status = exc.code
        assert status == 2
        assert message in capsys.readouterr().err
    assert existing.read_text() == "mine"
    empty = tmp_path / "empty_run"
    empty.mkdir()
    (empty / "config.yaml").write_text((run_dir / "config.yaml").read_text())
    assert checkpoints.main([str(empty), "--checkpoints"]) == 2
    assert "has no checkpoints" in capsys.readouterr().err


def test_keep_checkpoints_is_checked_and_may_change_on_resume() -> None:
    from recurrent_agents.run.config import RESUME_SAFE, ConfigError

    with pytest.raises(ConfigError, match="keep_checkpoints must be an int >= 0, got -1"):
        build_config(["--keep_checkpoints=-1"])
    assert build_config([]).keep_checkpoints == 2 and "keep_checkpoints" in RESUME_SAFE


def test_sampled_play_of_the_final_model_repeats(run_dir, capsys) -> None:
    # The short run's policy is still near uniform: sampled play is seeded by the eval seed.
    lines = []
    for _ in range(2):
        assert checkpoints.main([str(run_dir), "--sampled", "--episodes=8"]) == 0
        lines.append(capsys.readouterr().out)
    assert lines[0] == lines[1] and "model.zip" in lines[0]
