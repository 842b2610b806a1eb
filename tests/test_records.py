"""On-disk records: result.json and sweep.json round trips, unfinished runs, older files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recurrent_agents.run.records import (
    FINISHED,
    PENDING,
    RunResult,
    SweepManifest,
    finished_results,
)

REPO = Path(__file__).resolve().parent.parent
COMMITTED = sorted((REPO / "bench/frontier/results/curriculum/tmaze_lstm_L1000").glob("*.json"))


def _result(**changes) -> RunResult:
    fields = dict(task="TMaze", memory_length=10, core="lstm", seed=1, status=FINISHED)
    return RunResult(**{**fields, **changes})


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_committed_results_load_and_write_back_unchanged(path: Path, tmp_path: Path) -> None:
    data = json.loads(path.read_text())
    result = RunResult.from_dict(data)
    assert result.finished and result.curriculum_completed and result.config["chrono_init"] == 1000
    assert list(result.to_dict().items()) == list(data.items())  # same keys, order and values
    result.write(tmp_path)
    assert json.loads((tmp_path / "result.json").read_text()) == data


def test_round_trip(tmp_path: Path) -> None:
    result = _result(
        env_steps=2048,
        eval_success_rate=0.75,
        curriculum=[{"memory_length": 5, "env_steps": 0, "train_seconds": 0.0}],
        wandb_run_dirs=["a", "b"],
        config={"core": "lstm", "tags": ["x"]},
        eval_episodes=8,
    )
    result.write(tmp_path / "run")
    back = RunResult.read(tmp_path / "run")
    assert back == result and back.source == str(tmp_path / "run" / "result.json")
    assert "source" not in back.to_dict()
    assert RunResult.is_finished(tmp_path / "run")


def test_unfinished_runs(tmp_path: Path) -> None:
    assert RunResult.read(tmp_path / "missing") is None
    assert not RunResult.is_finished(tmp_path / "missing")
    cases = {
        "torn": '{"status": "fini',  # the run was killed while writing
        "not_an_object": "[1, 2]",
        "no_identity": json.dumps({"status": FINISHED, "core": "lstm"}),
        "running": json.dumps({"memory_length": 5, "core": "lstm", "seed": 0, "status": "x"}),
    }
    for name, text in cases.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "result.json").write_text(text)
        assert not RunResult.is_finished(tmp_path / name), name
    assert RunResult.read(tmp_path / "running").status == "x"
    assert RunResult.read(tmp_path / "no_identity") is None
    _result(memory_length=7).write(tmp_path / "deep" / "run")
    found = finished_results(tmp_path)
    assert [(r.memory_length, r.source) for r in found] == [
        (7, str(tmp_path / "deep" / "run" / "result.json"))
    ]


def test_older_and_wandb_records_load() -> None:
    # an older result.json: no wandb_run_dirs / eval_mean_length yet, a key since dropped
    old = {"task": "TMaze", "memory_length": "20", "core": "gru", "seed": 2, "status": FINISHED}
    result = RunResult.from_dict({**old, "wandb_run_dir": "w", "success_rate": 0.5})
    assert (result.memory_length, result.wandb_run_dirs, result.eval_mean_length) == (20, [], None)
    assert "success_rate" not in result.to_dict()
    # built from a W&B run's config and summary: no task, no cost
    wandb = RunResult.from_dict(
        {"core": "rnn", "memory_length": 5, "seed": 0, "eval_success_rate": 1.0}, source="w/run"
    )
    assert (wandb.task, wandb.env_steps, wandb.source) == ("?", None, "w/run")
    with pytest.raises(ValueError, match="memory_length.*seed.*w/run"):
        RunResult.from_dict({"core": "rnn", "memory_length": 5}, source="w/run")
    with pytest.raises(ValueError, match="int memory_length"):
        RunResult.from_dict({"core": "rnn", "memory_length": "long", "seed": 0})


def test_sweep_manifest(tmp_path: Path) -> None:
    assert SweepManifest.read(tmp_path) is None
    cells = {
        f"TMaze-lstm-L{m}-s{s}": {
            "task": "TMaze",
            "memory_length": m,
            "core": "lstm",
            "seed": s,
            "status": PENDING,
        }
        for m in (5, 10, 20)
        for s in (0, 1)
    }
    manifest = SweepManifest(name="sw", task="TMaze", memory_lengths=[5, 10, 20], cells=cells)
    manifest.set_status("TMaze-lstm-L5-s0", FINISHED, seconds=12.345)
    manifest.set_status("TMaze-lstm-L5-s1", "failed (exit 3)", seconds=1.0)
    manifest.skip("lstm", "lstm chrono_init=5", 10, ["TMaze-lstm-L20-s0", "TMaze-lstm-L20-s1"])
    manifest.write(tmp_path)

    saved = json.loads((tmp_path / "sweep.json").read_text())
    assert list(saved) == [
        *("name", "task", "memory_lengths", "cores", "seeds", "extra", "backend"),
        *("skip_after_fail", "cells", "skipped"),
    ]
    assert saved["cells"]["TMaze-lstm-L5-s0"] == {**cells["TMaze-lstm-L5-s0"], "seconds": 12.3}
    assert saved["cells"]["TMaze-lstm-L20-s1"]["status"] == (
        "skipped: lstm chrono_init=5 failed L=10 on every seed"
    )
    assert saved["skipped"] == {
        "lstm": {"label": "lstm chrono_init=5", "failed_length": 10, "lengths": [20]}
    }
    back = SweepManifest.read(tmp_path)
    assert back == manifest and back.failed_cells() == ["TMaze-lstm-L5-s1"]

    # bench/frontier/horizon.py's merged manifests hold only cells and skips; unknown keys go
    (tmp_path / "sweep.json").write_text(json.dumps({"skipped": {}, "cells": {}, "new": 1}))
    assert SweepManifest.read(tmp_path) == SweepManifest()
    (tmp_path / "sweep.json").write_text('{"cells": ')
    assert SweepManifest.read(tmp_path) is None
