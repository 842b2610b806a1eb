"""The run directory: what an earlier run left in it, and the lock that keeps a second run out.

A run directory holds the run's `config.yaml`, `checkpoints/`, `model.zip` and `result.json`
(`RUN_FILES`), its `wandb/` directory and the lock file `.run.lock`. A new run starts only in a
directory without an earlier run's files, unless told to continue that run (`--resume`) or to
replace it (`--overwrite`): the default run directory is the same for the same task, core,
memory length and seed, so that `--resume` and sweeps find a run again, and a new run must
therefore never silently reuse it.

`RunDirLock` is a `filelock` lock on `.run.lock` held for the whole run (the operating system
drops it when the process dies, even by SIGKILL); `.run.lock.json` next to it names the holder
(pid, host, start time, command) for the error a second run gets.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import time
from pathlib import Path
from typing import Any

import filelock
import yaml

from recurrent_agents.run.checkpoint import atomic_write_bytes, atomic_write_json
from recurrent_agents.run.config import ConfigError, TrainConfig
from recurrent_agents.run.records import RESULT_FILE

CONFIG_FILE = "config.yaml"
MODEL_FILE = "model.zip"
CKPT_DIR = "checkpoints"
#: Per curriculum stage, its result and model as if the run had stopped there (stage_results).
STAGES_DIR = "stages"
#: The files of an earlier run: a new run needs --resume or --overwrite where any exists.
RUN_FILES = (RESULT_FILE, MODEL_FILE, CKPT_DIR, CONFIG_FILE, STAGES_DIR)
LOCK_FILE = ".run.lock"
HOLDER_FILE = ".run.lock.json"


def _nearest_existing(path: Path) -> Path:
    """``path`` or its closest ancestor that exists."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_writable(run_dir: str | os.PathLike) -> None:
    """Raise ConfigError unless ``run_dir`` is, or can be created as, a writable directory.

    Nothing is created: the checks only look at the path and its closest existing ancestor.
    """
    run_dir = Path(run_dir)
    existing = _nearest_existing(run_dir)
    if existing.is_file() or (existing.exists() and not existing.is_dir()):
        where = "is a file" if existing == run_dir.absolute() else f"is under a file ({existing})"
        raise ConfigError(f"run_dir must be a directory, but {run_dir} {where}")
    if not os.access(existing, os.W_OK | os.X_OK):
        what = (
            "is" if existing == run_dir.absolute() else f"would be created in {existing}, which is"
        )
        raise ConfigError(f"run_dir must be writable, but {run_dir} {what} read-only")


def earlier_run_files(run_dir: str | os.PathLike) -> list[str]:
    """The `RUN_FILES` present in ``run_dir``."""
    return [name for name in RUN_FILES if (Path(run_dir) / name).exists()]


def read_config(run_dir: str | os.PathLike) -> dict[str, Any] | None:
    """The config an earlier run stored in ``run_dir``; None when there is none or it is torn."""
    try:
        data = yaml.safe_load((Path(run_dir) / CONFIG_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return data if isinstance(data, dict) else None


def write_config(run_dir: str | os.PathLike, cfg: TrainConfig) -> None:
    """Store the run's config as ``config.yaml`` (atomically: a reader sees a whole file)."""
    text = yaml.safe_dump(cfg.to_dict(), sort_keys=False)
    atomic_write_bytes(Path(run_dir) / CONFIG_FILE, text.encode())


def remove_earlier_run(run_dir: str | os.PathLike) -> list[str]:
    """Delete an earlier run's `RUN_FILES` (for ``--overwrite``); returns the names removed.

    Its ``wandb/`` directory stays: W&B runs may not be synced yet.
    """
    removed = earlier_run_files(run_dir)
    for name in removed:
        path = Path(run_dir) / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return removed


def _holder(run_dir: Path) -> str:
    """Who holds the lock of ``run_dir``, as its holder file tells (or that it does not)."""
    try:
        info = json.loads((run_dir / HOLDER_FILE).read_text())
        return (
            f"pid {info['pid']} on {info['host']} since {info['started']} "
            f"({' '.join(info['command'])})"
        )
    except (OSError, ValueError, KeyError, TypeError):
        return "a process that has not written its details yet"


class RunDirLock:
    """An exclusive, non-blocking lock on a run directory for one run.

    ``acquire(create=False)`` takes the lock only where a lock file exists already, so that a
    run can stop at once when another one holds the directory without creating anything in it;
    ``acquire()`` creates the directory and the lock file when needed. Both raise ConfigError
    naming the holder when another process holds the lock. ``release`` (also on errors, and
    by the operating system when the process dies) frees it.
    """

    def __init__(self, run_dir: str | os.PathLike) -> None:
        self.run_dir = Path(run_dir)
        self._lock = filelock.FileLock(self.run_dir / LOCK_FILE, timeout=0)

    @property
    def held(self) -> bool:
        """Whether this process holds the lock."""
        return self._lock.is_locked

    def acquire(self, create: bool = True) -> None:
        """Take the lock (no-op when held); see the class docstring."""
        if self.held or (not create and not (self.run_dir / LOCK_FILE).exists()):
            return
        try:
            self.run_dir.mkdir(parents=True, exist_ok=True)
            self._lock.acquire()
        except filelock.Timeout:
            raise ConfigError(
                f"run_dir {self.run_dir} is in use by another run: {_holder(self.run_dir)}"
            ) from None
        except OSError as exc:
            raise ConfigError(f"run_dir {self.run_dir} cannot be used: {exc.strerror}") from None
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
            "command": [Path(sys.argv[0]).name, *sys.argv[1:]],
        }
        atomic_write_json(self.run_dir / HOLDER_FILE, holder)

    def release(self) -> None:
        """Free the lock (no-op when not held); the holder file goes first."""
        if not self.held:
            return
        (self.run_dir / HOLDER_FILE).unlink(missing_ok=True)
        self._lock.release()
