"""Checkpoint files are written atomically: a crash mid-write leaves the previous file intact."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from recurrent_agents.run import checkpoint


def test_failure_mid_write_keeps_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "ckpt.bin"
    checkpoint.atomic_write_bytes(target, b"old" * 1000)

    def crash(fd):
        raise KeyboardInterrupt("simulated crash after a partial write")

    monkeypatch.setattr(checkpoint.os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        checkpoint.atomic_write_bytes(target, b"new" * 1000)
    assert target.read_bytes() == b"old" * 1000
    assert os.listdir(tmp_path) == ["ckpt.bin"]  # no temp file left behind


def test_sigkill_during_writes_never_leaves_a_partial_file(tmp_path):
    target = tmp_path / "big.bin"
    size = 8 * 1024 * 1024
    script = textwrap.dedent(
        f"""
        from recurrent_agents.run.checkpoint import atomic_write_bytes
        i = 0
        while True:
            atomic_write_bytes({str(target)!r}, bytes([i % 251]) * {size})
            i += 1
            print(i, flush=True)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "1"  # at least one complete write happened
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    data = target.read_bytes()
    assert len(data) == size and data == data[:1] * size


class FakeModel:
    """Just what save_checkpoint needs: num_timesteps and save(file)."""

    def __init__(self, steps: int) -> None:
        self.num_timesteps = steps

    def save(self, f: io.BytesIO) -> None:
        f.write(f"model at {self.num_timesteps}".encode())


def test_latest_points_to_newest_and_old_models_are_pruned(tmp_path):
    for steps in (100, 200, 300):
        checkpoint.save_checkpoint(FakeModel(steps), tmp_path, {"wandb_run_id": "abc"})
    state = checkpoint.checkpoint_states(tmp_path)[0]
    assert state["num_timesteps"] == 300 and state["wandb_run_id"] == "abc"
    assert open(state["model_path"], "rb").read() == b"model at 300"
    assert len(list(tmp_path.glob("model_*.zip"))) == checkpoint.KEEP_LAST
    assert len(list(tmp_path.glob("model_*.json"))) == checkpoint.KEEP_LAST  # pruned with them
    checkpoint.restore_rng_states(state["rng"])  # round-trips
    assert checkpoint.checkpoint_states(tmp_path / "missing") == []


@pytest.mark.parametrize(("keep_last", "kept"), [(0, [100, 200, 300, 400]), (3, [200, 300, 400])])
def test_keep_last_checkpoints_or_every_one(tmp_path, keep_last, kept):
    for steps in (100, 200, 300, 400):
        checkpoint.save_checkpoint(FakeModel(steps), tmp_path, {}, keep_last=keep_last)
    assert [s["num_timesteps"] for s in checkpoint.checkpoint_states(tmp_path)] == kept[::-1]
    assert len(list(tmp_path.glob("model_*.zip"))) == len(kept)


def test_each_checkpoint_holds_its_own_state(tmp_path):
    for steps in (100, 200):
        checkpoint.save_checkpoint(FakeModel(steps), tmp_path, {"wandb_run_id": "abc"})
    (tmp_path / checkpoint.LATEST).unlink()  # the commit point lost: each checkpoint still loads
    states = checkpoint.checkpoint_states(tmp_path)
    assert [s["num_timesteps"] for s in states] == [200, 100]
    assert all(s["wandb_run_id"] == "abc" and s["rng"] for s in states)


def test_pruning_keeps_whole_checkpoints_and_never_newer_ones(tmp_path):
    def names() -> list[str]:
        return sorted(p.name for p in tmp_path.glob("model_*"))

    for steps in (100, 200):
        checkpoint.save_checkpoint(FakeModel(steps), tmp_path, {})
    (tmp_path / "model_000000000300.zip").write_bytes(b"")  # newer and damaged: resumed from 200
    (tmp_path / "model_000000000150.zip").write_bytes(b"half")  # killed before its state
    checkpoint.save_checkpoint(FakeModel(200), tmp_path, {})
    assert names() == [
        "model_000000000100.json",  # the whole checkpoint before 200, kept over the half one
        "model_000000000100.zip",
        "model_000000000150.zip",
        "model_000000000200.json",
        "model_000000000200.zip",
        "model_000000000300.zip",
    ]
    checkpoint.save_checkpoint(FakeModel(250), tmp_path, {})
    assert names() == [
        "model_000000000200.json",
        "model_000000000200.zip",
        "model_000000000250.json",
        "model_000000000250.zip",
        "model_000000000300.zip",
    ]


def test_partial_writes_are_removed(tmp_path):
    checkpoint.save_checkpoint(FakeModel(100), tmp_path, {})
    (tmp_path / ".model_000000000200.zip.x1y2.tmp").write_bytes(b"half")
    assert checkpoint.remove_partial_writes(tmp_path) == [
        tmp_path / ".model_000000000200.zip.x1y2.tmp"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "latest.json",
        "model_000000000100.json",
        "model_000000000100.zip",
    ]
