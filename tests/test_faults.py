"""Fault test: SIGKILL a training run at 10 random moments (some during a checkpoint write) and
resume it each time; the run ends at the right step with intact checkpoints, each kill costs at
most the work since the last checkpoint, and the W&B history has every step once.

Run with -s to see the figures quoted in the README's reliability section.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from recurrent_agents.run import checkpoint
from recurrent_agents.run.plot import read_history, read_records

ROOT = Path(__file__).resolve().parent.parent
ROLLOUT = 4 * 64  # n_envs * n_steps
CHECKPOINT_EVERY = 1024
TOTAL = 32768
ARGS = [
    "--stop_at_success=None",  # the whole budget: the tiny task is solved and would stop early
    "--memory_length=2",
    "--n_envs=4",
    "--n_steps=64",
    "--batch_size=128",
    "--hidden_size=16",
    "--eval_episodes=8",
    "--video=false",
    "--progress=false",
    "--wandb_mode=offline",
    f"--total_timesteps={TOTAL}",
    f"--checkpoint_every={CHECKPOINT_EVERY}",
    "--resume",  # the first session starts a new run (its directory is empty)
]
# train.py with a slow fsync, so that a kill can land inside a checkpoint's atomic writes.
SLOW_FSYNC = """
import os, runpy, sys, time
fsync = os.fsync
os.fsync = lambda fd: (time.sleep(0.15), fsync(fd))[1]
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""

pytestmark = pytest.mark.slow


def _env() -> dict[str, str]:
    env = dict(os.environ, WANDB_MODE="offline", WANDB_SILENT="true", PYTHONPATH=str(ROOT))
    env.pop("WANDB_API_KEY", None)
    env.pop("WANDB_SERVICE", None)
    return env


def _wait_for(condition, proc: subprocess.Popen, timeout: float = 120) -> bool:
    """Poll ``condition()`` until true (True) or the process ended (False)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            return False
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.002)
    return True


def _committed_steps(ckpt: Path) -> int:
    states = checkpoint.checkpoint_states(ckpt)
    return int(states[0]["num_timesteps"]) if states else 0


def _logged_steps(wandb_dir: str) -> list[int]:
    records = read_records(wandb_dir)
    return [r["history"]["item"]["global_step"] for r in records if r["type"] == "history"]


def test_sigkill_at_ten_random_moments_then_resume(tmp_path):
    from recurrent_agents import RecurrentPPO

    rng = random.Random(15)
    run_dir = tmp_path / "run"
    ckpt = run_dir / "checkpoints"
    kills = []
    for i in range(10):
        during_write = i % 3 == 0
        log = tmp_path / f"session{i}.log"
        script = ["-c", SLOW_FSYNC] if during_write else []
        cmd = [sys.executable, *script, str(ROOT / "train.py"), *ARGS, f"--run_dir={run_dir}"]
        with log.open("w") as stderr:
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=stderr, env=_env())
        assert _wait_for(lambda log=log: "W&B run" in log.read_text(), proc), log.read_text()
        if during_write:
            seen = _wait_for(lambda: any(ckpt.glob(".*.tmp")), proc)
            assert seen, "the run ended before a checkpoint write"
            time.sleep(rng.uniform(0.0, 0.4))  # the zip, its state or latest.json
        else:
            time.sleep(rng.uniform(0.2, 3.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL, "the run finished before the kill"
        assert not (run_dir / "result.json").exists()
        text = log.read_text()
        wandb_dir = re.search(r"W&B run \(offline\) \S+ in (\S+)", text).group(1)
        kills.append(
            {
                "committed": _committed_steps(ckpt),
                "during_write": during_write and any(ckpt.glob(".*.tmp")),
                "logged": _logged_steps(wandb_dir),
                "resumed_from": re.search(r"resuming from \S+ at (\d+) env steps", text),
            }
        )
        # The newest checkpoint loads whatever the moment of the kill.
        if kills[-1]["committed"]:
            RecurrentPPO.load(checkpoint.checkpoint_states(ckpt)[0]["model_path"], device="cpu")

    done = subprocess.run(
        [sys.executable, str(ROOT / "train.py"), *ARGS, f"--run_dir={run_dir}"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads((run_dir / "result.json").read_text())
    assert result["env_steps"] == TOTAL
    assert result["resumed_from_step"] == kills[-1]["committed"]
    assert not any(ckpt.glob(".*.tmp"))  # partial writes of the killed sessions are gone
    for state in checkpoint.checkpoint_states(ckpt):
        RecurrentPPO.load(state["model_path"], device="cpu")

    # Each session resumed from the checkpoint committed when the one before it was killed,
    # so a kill cost at most the steps since that checkpoint: one interval and a rollout.
    for before, after in zip(kills, kills[1:], strict=False):
        started = int(after["resumed_from"].group(1)) if after["resumed_from"] else 0
        assert started == before["committed"]
    redone = [max(0, max(k["logged"], default=0) - k["committed"]) for k in kills]
    assert max(redone) <= CHECKPOINT_EVERY + ROLLOUT, redone

    # W&B history, read back with `wandb leet`: every training step once, none twice.
    rows = read_history(run_dir)
    steps = [r["global_step"] for r in rows if "time/env_steps_per_sec" in r]  # one per rollout
    assert len(steps) == len(set(steps)), "a step logged twice"
    missing = sorted(set(range(ROLLOUT, TOTAL + 1, ROLLOUT)) - set(steps))
    assert len(missing) <= len(kills) * CHECKPOINT_EVERY // ROLLOUT, missing
    # The offline files themselves, what `wandb sync` uploads: each rollout's step once, across
    # every session of the run (also those killed before their next checkpoint). Sessions killed
    # before the run's first checkpoint were runs of their own (a new run started after them).
    sessions = sorted((run_dir / "wandb").glob(f"*run-*-{result['wandb_run_id']}"))
    assert set(map(str, sessions)) == set(result["wandb_run_dirs"])
    raw = [
        r["history"]["item"]["global_step"]
        for session in sessions
        for r in read_records(session)
        if r["type"] == "history" and "time/env_steps_per_sec" in r["history"]["item"]
    ]
    assert sorted(raw) == steps, "a step logged twice in the offline files"
    during_write = sum(k["during_write"] for k in kills)
    print(
        f"\n{len(kills)} kills ({during_write} inside a checkpoint write); env steps logged "
        f"past the checkpoint resumed from, per kill: {redone} (checkpoint every "
        f"{CHECKPOINT_EVERY}); history: {len(steps)} of {TOTAL // ROLLOUT} rollouts, "
        f"missing {missing}, none twice"
    )
