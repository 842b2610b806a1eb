"""Atomic checkpoints: a crash at any moment leaves the previous checkpoint loadable.

Layout in `<run_dir>/checkpoints/`: `model_<steps>.zip` (SB3 save) and `latest.json`, the commit
point naming the newest model plus what resuming needs (env steps, W&B run id, RNG states).
Every file is written to a temporary file in the same directory, fsynced, then `os.replace`d.
"""

from __future__ import annotations

import base64
import io
import json
import os
import pickle
import random
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

LATEST = "latest.json"
KEEP_LAST = 2


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write `data` to `path` so readers see either the old file or the complete new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    # fsync the directory so the rename itself survives a power loss.
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def atomic_write_json(path: str | os.PathLike, obj: Any) -> None:
    """`atomic_write_bytes` for a JSON document."""
    atomic_write_bytes(path, (json.dumps(obj, indent=2, default=str) + "\n").encode())


def save_model_atomic(model: Any, path: str | os.PathLike) -> None:
    """SB3 `model.save` into memory, then an atomic write to `path`."""
    buffer = io.BytesIO()
    model.save(buffer)
    atomic_write_bytes(path, buffer.getvalue())


def rng_states() -> str:
    """Python, numpy and torch global RNG states, pickled and base64-encoded for JSON."""
    import torch

    states = {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
    }
    return base64.b64encode(pickle.dumps(states)).decode()


def restore_rng_states(encoded: str) -> None:
    """Inverse of `rng_states`."""
    import torch

    states = pickle.loads(base64.b64decode(encoded))  # noqa: S301 - our own checkpoint file
    random.setstate(states["python"])
    np.random.set_state(states["numpy"])
    torch.set_rng_state(states["torch"])


def save_checkpoint(model: Any, ckpt_dir: str | os.PathLike, extra: dict[str, Any]) -> Path:
    """Save `model` at its current step and commit it in latest.json. Returns the model path.

    Older model files beyond the last KEEP_LAST are deleted after the commit.
    """
    ckpt_dir = Path(ckpt_dir)
    steps = int(model.num_timesteps)
    model_path = ckpt_dir / f"model_{steps:012d}.zip"
    save_model_atomic(model, model_path)
    state = {"num_timesteps": steps, "model": model_path.name, "rng": rng_states(), **extra}
    atomic_write_json(ckpt_dir / LATEST, state)
    for old in sorted(ckpt_dir.glob("model_*.zip"))[:-KEEP_LAST]:
        old.unlink(missing_ok=True)
    return model_path


def load_latest(ckpt_dir: str | os.PathLike) -> dict[str, Any] | None:
    """The committed checkpoint state (with "model_path"), or None if there is none."""
    ckpt_dir = Path(ckpt_dir)
    try:
        state = json.loads((ckpt_dir / LATEST).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    model_path = ckpt_dir / state["model"]
    if not model_path.is_file():
        return None
    state["model_path"] = str(model_path)
    return state
