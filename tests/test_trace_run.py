"""bench/trace_run.py: one traced run, and its checks of the Adam options."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import trace_run  # noqa: E402


@pytest.mark.parametrize("option", ["--adam-eps=0", "--adam-beta2=1"])
def test_bad_adam_options_exit_2_naming_the_value(tmp_path, capsys, option) -> None:
    with pytest.raises(SystemExit) as exc:
        trace_run.main([str(tmp_path / "out"), option])
    assert exc.value.code == 2
    name, value = option.split("=")
    err = capsys.readouterr().err
    assert f"{name} must be" in err and f"got {float(value)}" in err
    assert not (tmp_path / "out").exists()


def test_a_traced_run_writes_one_row_per_update_and_the_evaluation(tmp_path) -> None:
    out = tmp_path / "out"
    options = ["--task=TMaze", "--memory_length=3", "--n_envs=2", "--n_steps=32", "--batch_size=32"]
    options += ["--total_timesteps=128", "--eval_episodes=4", "--hidden_size=8"]
    assert trace_run.main([str(out), "--adam-eps=1e-3", *options]) == 0
    rows = (out / "progress.csv").read_text().strip().splitlines()
    assert len(rows) == 1 + 2  # header + one row per update (128 / (2 x 32))
    assert json.loads((out / "eval.json").read_text())["eval_episodes"] == 4
