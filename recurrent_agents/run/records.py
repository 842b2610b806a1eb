"""The on-disk records of runs and sweeps: the one owner of ``result.json`` and ``sweep.json``.

A training run writes its ``RunResult`` to ``<run_dir>/result.json`` as its last act, so the file
marks a finished run; sweeps, the frontier report, the run plot and the benchmarks read it back.
A sweep keeps its grid and the status of every cell in ``<sweep_dir>/sweep.json``
(``SweepManifest``); the report reads the cells it skipped, the dashboard its group, lengths and
cores.

Both read older files and records built from W&B runs: a missing key takes its default, an
unknown key is ignored. Writes are atomic: a reader sees the old file or the whole new one.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recurrent_agents.run.checkpoint import atomic_write_json

RESULT_FILE = "result.json"
MANIFEST_FILE = "sweep.json"

#: Status of a finished run, and of a sweep cell whose run finished.
FINISHED = "finished"
#: Sweep cell statuses besides FINISHED, ``failed_status`` and ``skip_reason``.
PENDING = "pending"
FINISHED_BEFORE = "finished (skipped)"  # finished by an earlier invocation of the sweep
#: The task of a record that does not name one (a W&B run without it in its config).
UNKNOWN_TASK = "?"
#: Training regimes: a run trained at its memory length from the start, or through a curriculum
#: of shorter lengths first.
SCRATCH, CURRICULUM = "scratch", "curriculum"


def stage_summary_prefix(length: int) -> str:
    """The prefix of a curriculum stage's keys in its run's W&B summary (``stage_results``):
    the stage's result is the run's summary keys under it."""
    return f"stages/L{length}/"


def run_regime(config: dict[str, Any] | None) -> str:
    """``CURRICULUM`` when a run's config has a (non-empty) ``curriculum``, else ``SCRATCH``."""
    return CURRICULUM if (config or {}).get("curriculum") else SCRATCH


def _read_json_object(path: Path) -> dict[str, Any] | None:
    """The JSON object in ``path``; None when missing, torn (its writer was killed) or no object."""
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _stored_fields(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """The items of ``data`` that are fields written to the file (unknown keys are dropped)."""
    names = {f.name for f in dataclasses.fields(cls) if f.metadata.get("stored", True)}
    return {key: value for key, value in data.items() if key in names}


@dataclass(kw_only=True)
class RunResult:
    """What one training run produced (``result.json``): its greedy evaluation, its cost, and
    where its model and W&B runs are. The field order is the key order of the file."""

    task: str = UNKNOWN_TASK
    #: None for a task whose env takes no memory length.
    memory_length: int | None
    core: str
    seed: int
    env_steps: int | None = None
    #: Greedy evaluation after training; None when it was skipped (``eval_episodes=0``), and the
    #: success rate also for a task whose env reports no ``is_success`` (judged by the return).
    eval_success_rate: float | None = None
    eval_mean_return: float | None = None
    #: Success rate of the last 100 training episodes; None before any ended.
    train_success_rate: float | None = None
    #: Training wall time of this session, and of every session of a resumed run.
    train_seconds: float | None = None
    train_seconds_total: float | None = None
    env_steps_per_sec: float | None = None
    #: Env steps of the checkpoint this session resumed from; None for a run from scratch.
    resumed_from_step: int | None = None
    stopped_at_success: bool | None = None
    #: Per curriculum stage: its memory length and where it began (env steps, seconds).
    curriculum: list[dict[str, Any]] | None = None
    curriculum_completed: bool | None = None
    model_path: str | None = None
    status: str | None = None
    wandb_run_id: str | None = None
    wandb_run_dir: str | None = None
    #: Every W&B run directory of the run: one per session of a resumed run.
    wandb_run_dirs: list[str] = field(default_factory=list)
    #: The resolved training config.
    config: dict[str, Any] = field(default_factory=dict)
    eval_mean_length: float | None = None
    eval_episodes: int | None = None
    #: The same greedy evaluation at ``eval_length_factor`` times the memory length (None: not
    #: run): how far the memory holds beyond the length it was trained for.
    #: Written only when set, so results from before it read and write back unchanged.
    long_eval_memory_length: int | None = field(default=None, metadata={"omit_none": True})
    long_eval_success_rate: float | None = field(default=None, metadata={"omit_none": True})
    long_eval_mean_return: float | None = field(default=None, metadata={"omit_none": True})
    #: The same evaluation with actions sampled from the policy (``eval_sampled``; None: not
    #: run): what the policy does as it acted in training.
    sampled_eval_success_rate: float | None = field(default=None, metadata={"omit_none": True})
    sampled_eval_mean_return: float | None = field(default=None, metadata={"omit_none": True})
    #: Training-success stops this session did not take because the greedy policy fell short
    #: (``confirm_stop``): each one's env step, training success and greedy success.
    refused_stops: list[dict[str, Any]] | None = field(default=None, metadata={"omit_none": True})
    #: The mean return the run was to stop at (``stop_at_return`` resolved; None: none), and
    #: whether it stopped there.
    return_threshold: float | None = field(default=None, metadata={"omit_none": True})
    stopped_at_return: bool | None = field(default=None, metadata={"omit_none": True})
    #: Where the record was read from (a result.json, a W&B run); not written to the file.
    source: str | None = field(default=None, compare=False, metadata={"stored": False})

    @property
    def regime(self) -> str:
        """``"curriculum"`` when the run trained on shorter lengths first, else ``"scratch"``."""
        return run_regime(self.config)

    @property
    def finished(self) -> bool:
        """Whether the run completed (training writes its result only then)."""
        return self.status == FINISHED

    def to_dict(self) -> dict[str, Any]:
        """The content of ``result.json``."""
        unset = {
            f.name
            for f in dataclasses.fields(self)
            if f.metadata.get("omit_none") and getattr(self, f.name) is None
        }
        data = _stored_fields(type(self), dataclasses.asdict(self))
        return {key: value for key, value in data.items() if key not in unset}

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str | None = None) -> RunResult:
        """A result from ``result.json``'s content or a dict built from a W&B run.

        Raises:
            ValueError: ``data`` lacks a core or an int seed, or its memory_length is not an int
                (it may be missing or None: a task without one).
        """
        where = source or "a run result"
        try:
            length = data.get("memory_length")
            identity = {
                "memory_length": None if length is None else int(length),
                "core": str(data["core"]),
                "seed": int(data["seed"]),
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(
                f"a run result must have an int memory_length (or none), a core and an int seed; "
                f"{where}: {type(exc).__name__}: {exc}"
            ) from None
        return cls(**{**_stored_fields(cls, data), **identity}, source=source)

    @staticmethod
    def path(run_dir: str | os.PathLike) -> Path:
        """The result file of a run directory."""
        return Path(run_dir) / RESULT_FILE

    @classmethod
    def read(cls, run_dir: str | os.PathLike) -> RunResult | None:
        """The result in ``run_dir``; None when there is none (yet), it is torn (the run was
        killed while writing it) or it is no run result."""
        path = cls.path(run_dir)
        data = _read_json_object(path)
        try:
            return None if data is None else cls.from_dict(data, source=str(path))
        except ValueError:
            return None

    @classmethod
    def is_finished(cls, run_dir: str | os.PathLike) -> bool:
        """Whether the run in ``run_dir`` finished (its result says so)."""
        result = cls.read(run_dir)
        return result is not None and result.finished

    def write(self, run_dir: str | os.PathLike) -> None:
        """Write ``result.json`` into ``run_dir`` atomically."""
        atomic_write_json(self.path(run_dir), self.to_dict())


def finished_results(root: str | os.PathLike) -> list[RunResult]:
    """Every finished run's result under ``root`` (searched recursively), sorted by path."""
    results = (RunResult.read(path.parent) for path in sorted(Path(root).rglob(RESULT_FILE)))
    return [result for result in results if result is not None and result.finished]


def failed_status(returncode: int) -> str:
    """The status of a sweep cell whose run did not finish."""
    return f"failed (exit {returncode})"


def skip_reason(label: str, failed_length: int) -> str:
    """The status of a sweep cell skipped after its core failed a shorter length."""
    return f"skipped: {label} failed L={failed_length} on every seed"


@dataclass(kw_only=True)
class SweepManifest:
    """A sweep's grid and the status of each of its cells (``sweep.json``).

    ``cells`` maps a cell's name to its task, memory_length, core, seed and status (PENDING,
    FINISHED, FINISHED_BEFORE, ``failed_status`` or ``skip_reason``), plus its wall ``seconds``
    once it ran. ``skipped`` maps a core to the lengths ``--skip-after-fail`` left out of the
    sweep: ``{"label": curve label, "failed_length": L, "lengths": [longer lengths]}``.
    """

    name: str | None = None
    task: str | None = None
    memory_lengths: list[int] = field(default_factory=list)
    cores: list[str] = field(default_factory=list)
    seeds: list[int] = field(default_factory=list)
    #: train.py overrides given to every cell.
    extra: list[str] = field(default_factory=list)
    backend: str | None = None
    skip_after_fail: bool = False
    cells: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: dict[str, dict[str, Any]] = field(default_factory=dict)

    def set_status(self, cell: str, status: str, seconds: float | None = None) -> None:
        """Record a cell's status, and its wall time once it ran."""
        self.cells[cell]["status"] = status
        if seconds is not None:
            self.cells[cell]["seconds"] = round(seconds, 1)

    def skip(self, core: str, label: str, failed_length: int, cells: Sequence[str]) -> None:
        """Mark ``cells``, a core's cells longer than a length it failed on every seed, skipped."""
        for cell in cells:
            self.set_status(cell, skip_reason(label, failed_length))
        lengths = sorted({self.cells[cell]["memory_length"] for cell in cells})
        if lengths:
            entry = {"label": label, "failed_length": failed_length, "lengths": lengths}
            self.skipped[core] = entry

    def failed_cells(self) -> list[str]:
        """Names of the cells whose run failed."""
        return [name for name, cell in self.cells.items() if cell["status"].startswith("failed")]

    @classmethod
    def read(cls, sweep_dir: str | os.PathLike) -> SweepManifest | None:
        """The manifest in ``sweep_dir``; None when there is none or it is torn."""
        data = _read_json_object(Path(sweep_dir) / MANIFEST_FILE)
        return None if data is None else cls(**_stored_fields(cls, data))

    def write(self, sweep_dir: str | os.PathLike) -> None:
        """Write ``sweep.json`` into ``sweep_dir`` atomically."""
        atomic_write_json(Path(sweep_dir) / MANIFEST_FILE, dataclasses.asdict(self))
