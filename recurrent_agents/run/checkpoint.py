"""Atomic checkpoints: a crash at any moment leaves the previous checkpoint loadable.

Layout in `<run_dir>/checkpoints/`: `model_<steps>.zip` (SB3 save), `model_<steps>.json` (what
resuming from it needs: env steps, W&B run, RNG states) and `latest.json`, the commit point: a
copy of the newest checkpoint's state. Every file is written to a temporary file in the same
directory, fsynced, then `os.replace`d. When the newest checkpoint is damaged (a disk error, a
file edited by hand), `checkpoint_states` still lists the older ones to fall back on.
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


def save_checkpoint(
    model: Any, ckpt_dir: str | os.PathLike, extra: dict[str, Any], keep_last: int = KEEP_LAST
) -> Path:
    """Save `model` at its current step and commit it in latest.json. Returns the model path.

    The checkpoint is `model_<steps>.zip` plus `model_<steps>.json`, the state that resuming
    needs (env steps, RNG states and `extra`), so that any checkpoint can be resumed from on its
    own; latest.json, a copy of that state written last, names the newest. Older checkpoints
    beyond the last ``keep_last`` are deleted after the commit (0: none are; newer ones, left
    by a run that resumed from an older checkpoint, never are).
    """
    ckpt_dir = Path(ckpt_dir)
    steps = int(model.num_timesteps)
    model_path = ckpt_dir / f"model_{steps:012d}.zip"
    save_model_atomic(model, model_path)
    state = {"num_timesteps": steps, "model": model_path.name, "rng": rng_states(), **extra}
    atomic_write_json(model_path.with_suffix(".json"), state)
    atomic_write_json(ckpt_dir / LATEST, state)
    if keep_last > 0:
        _prune(ckpt_dir, model_path, keep_last)
    return model_path


def _prune(ckpt_dir: Path, newest: Path, keep_last: int) -> None:
    """Keep `newest` and the keep_last - 1 whole checkpoints (zip and state) before it; delete
    every checkpoint file older than those (half-written ones included)."""
    older = [p for p in sorted(ckpt_dir.glob("model_*.zip")) if p < newest]
    whole = [p for p in older if p.with_suffix(".json").is_file()]
    kept = whole[max(0, len(whole) - (keep_last - 1)) :]
    oldest_kept = kept[0].stem if kept else newest.stem
    for path in [*ckpt_dir.glob("model_*.zip"), *ckpt_dir.glob("model_*.json")]:
        if path.stem < oldest_kept:
            path.unlink(missing_ok=True)


def _read_state(path: Path) -> dict[str, Any] | None:
    """A checkpoint state file; None when missing, torn or not a checkpoint state."""
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or not isinstance(state.get("model"), str):
        return None
    return state


def checkpoint_states(ckpt_dir: str | os.PathLike) -> list[dict[str, Any]]:
    """Every checkpoint in `ckpt_dir` whose state and model file exist, newest first.

    latest.json's checkpoint comes first, then the others by env steps. Each state has
    "model_path" added. Whether the model file loads is for the caller to find out.
    """
    ckpt_dir = Path(ckpt_dir)
    states: list[dict[str, Any]] = []
    for path in [ckpt_dir / LATEST, *sorted(ckpt_dir.glob("model_*.json"), reverse=True)]:
        state = _read_state(path)
        if state is None or any(s["model"] == state["model"] for s in states):
            continue
        model_path = ckpt_dir / Path(state["model"]).name
        if model_path.is_file():
            states.append({**state, "model_path": str(model_path)})
    return states


def has_checkpoints(ckpt_dir: str | os.PathLike) -> bool:
    """Whether a checkpoint was ever committed in `ckpt_dir` (a state file exists, loadable or
    not). A model zip alone is not one: its run was killed before writing the state."""
    ckpt_dir = Path(ckpt_dir)
    return (ckpt_dir / LATEST).exists() or any(ckpt_dir.glob("model_*.json"))


def remove_partial_writes(directory: str | os.PathLike) -> list[Path]:
    """Delete the temporary files a killed `atomic_write_bytes` left in `directory`.

    They are never a checkpoint: a file becomes one only by its final rename.
    """
    partial = sorted(Path(directory).glob(".*.tmp"))
    for path in partial:
        path.unlink(missing_ok=True)
    return partial
