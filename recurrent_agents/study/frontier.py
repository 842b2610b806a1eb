"""The memory frontier: greedy success rate against memory length, one curve per core.

Input: finished runs, read from their ``result.json`` files under a sweep directory (or from W&B
offline run directories, or online from the W&B API). Output: ``frontier.csv`` (one row per core x
memory length, with the spread over seeds, the interquartile mean (IQM) with its 95% bootstrap
confidence interval, and the mean env steps / training seconds), ``frontier_improvement.csv``
(per memory length and pair of cores, the probability that one beats the other, with its
interval), ``frontier.md`` (a success pivot table, an IQM pivot table, a cost table of env steps /
training minutes per cell, each core's memory horizon, and the probabilities of improvement),
``frontier.png`` (IQM with its interval as a band, the mean dashed, per-seed points), and, when
tracking is on, a W&B run with the tables, a line plot and the horizons in its summary. The IQM,
the probabilities and the intervals come from ``rliable`` (``recurrent_agents.study.stats``).
Runs read from W&B may lack env steps and training time: their cells leave them empty (``-``).

A core's **memory horizon** is the largest memory length it solves (greedy success >= threshold,
0.9 by default) on every seed; 0 when it solves none.

Runs of a task whose env reports no ``is_success`` have no success rate: their cells hold the
greedy mean return instead (the ``return_*`` columns; no memory horizon). Runs of a task without
a memory length (e.g. a POPGym task) make one cell per core, plotted per core.

Cells a sweep skipped (``--skip-after-fail``: the core failed a shorter length on every seed) are
read from the sweep's ``sweep.json``: they show as ``skipped`` in the table and CSV, the curve ends
before them, and they count neither as solved nor as failed in the horizons.

CLI (``python train.py report ...``)::

    python train.py report --sweep-dir sweeps/tmaze
    python train.py report --wandb-dir sweeps/tmaze/runs --out-dir reports/tmaze
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from recurrent_agents.run.config import CommandParser
from recurrent_agents.run.records import (
    CURRICULUM,
    FINISHED,
    SCRATCH,
    UNKNOWN_TASK,
    RunResult,
    SweepManifest,
    finished_results,
    run_regime,
    stage_summary_prefix,
)
from recurrent_agents.run.tracking import WANDB_MODES, WANDB_PROJECT
from recurrent_agents.study.stats import (
    BOOTSTRAP_REPS,
    BOOTSTRAP_SEED,
    CONFIDENCE,
    Estimate,
    improvement_estimates,
    iqm_estimates,
)

SUCCESS_KEY = "eval_success_rate"
RETURN_KEY = "eval_mean_return"
#: W&B summary keys read into a result (any other ``--wandb-metric`` counts as the success rate).
WANDB_METRIC_KEYS = {"eval/success_rate": SUCCESS_KEY, "eval/mean_return": RETURN_KEY}
#: W&B summary keys of the evaluation at a multiple of the training length, read when present.
WANDB_LONG_EVAL_KEYS = {
    "eval_long/memory_length": "long_eval_memory_length",
    "eval_long/success_rate": "long_eval_success_rate",
    "eval_long/mean_return": "long_eval_mean_return",
}
DEFAULT_THRESHOLD = 0.9
REPORT_FILES = ("frontier.csv", "frontier_improvement.csv", "frontier.md", "frontier.png")
CSV_COLUMNS = [
    "task",
    "core",
    "regime",
    "memory_length",
    "n_seeds",
    "seeds",
    "success_mean",
    "success_min",
    "success_max",
    "success_std",
    "return_mean",
    "return_min",
    "return_max",
    "return_std",
    "iqm",
    "iqm_ci_low",
    "iqm_ci_high",
    "per_seed",
    "solved_all_seeds",
    "env_steps_mean",
    "train_seconds_mean",
    "long_memory_length",
    "long_success_mean",
    "long_success_min",
    "long_success_max",
    "long_per_seed",
    "status",
]
#: Columns of ``frontier_improvement.csv``: per task, memory length and pair of cores (X before Y
#: by name), the probability that a seed of X beats a seed of Y, and its confidence interval.
IMPROVEMENT_COLUMNS = [
    "task",
    "memory_length",
    "core_x",
    "core_y",
    "n_seeds_x",
    "n_seeds_y",
    "prob_improvement",
    "prob_improvement_ci_low",
    "prob_improvement_ci_high",
]
#: Skipped cells per curve: ``{label: {"failed_length": L, "lengths": [longer lengths]}}``.
Skips = dict[str, dict[str, Any]]


@dataclass
class FrontierCell:
    """One (core, memory length) cell of the frontier: the results of all its seeds.

    A cell holds success rates, or greedy mean returns when its task reports no success;
    ``memory_length`` is None for a task without one.
    """

    task: str
    core: str
    memory_length: int | None
    regime: str = SCRATCH
    success_by_seed: dict[int, float] = field(default_factory=dict)
    return_by_seed: dict[int, float] = field(default_factory=dict)
    env_steps_by_seed: dict[int, int] = field(default_factory=dict)
    seconds_by_seed: dict[int, float] = field(default_factory=dict)
    #: Greedy success at a multiple of the training length (``eval_length_factor``), per seed
    #: that ran it, and that length (None when no seed did).
    long_success_by_seed: dict[int, float] = field(default_factory=dict)
    long_memory_length: int | None = None

    @property
    def is_success(self) -> bool:
        """Whether the cell holds success rates (else mean returns)."""
        return not self.return_by_seed

    @property
    def values(self) -> list[float]:
        """Success rates (or mean returns) ordered by seed."""
        by_seed = self.success_by_seed if self.is_success else self.return_by_seed
        return [by_seed[s] for s in sorted(by_seed)]

    @property
    def mean(self) -> float:
        """Mean success (or return) over seeds."""
        return sum(self.values) / len(self.values)

    @property
    def std(self) -> float:
        """Population standard deviation over seeds (0 for one seed)."""
        m = self.mean
        return math.sqrt(sum((v - m) ** 2 for v in self.values) / len(self.values))

    @property
    def env_steps_mean(self) -> float | None:
        """Mean env steps over the seeds that report them; None when none does (W&B input)."""
        return _mean(self.env_steps_by_seed.values())

    @property
    def train_seconds_mean(self) -> float | None:
        """Mean training seconds over the seeds that report them; None when none does."""
        return _mean(self.seconds_by_seed.values())

    @property
    def long_values(self) -> list[float]:
        """Success rates at ``long_memory_length`` ordered by seed (empty when not evaluated)."""
        return [self.long_success_by_seed[s] for s in sorted(self.long_success_by_seed)]

    def solved(self, threshold: float) -> bool:
        """Whether every seed reaches ``threshold`` greedy success (never for returns)."""
        return self.is_success and min(self.values) >= threshold


def _mean(values: Iterable[float]) -> float | None:
    """Mean of ``values``; None when empty."""
    values = list(values)
    return sum(values) / len(values) if values else None


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


# ----------------------------------------------------------------------------- loading


def load_results(sweep_dir: str | Path) -> list[RunResult]:
    """Every finished run's result under ``sweep_dir`` (recursively), sorted by path."""
    sweep_dir = Path(sweep_dir)
    if not sweep_dir.is_dir():
        raise ValueError(f"sweep_dir must be an existing directory, got {str(sweep_dir)!r}")
    return finished_results(sweep_dir)


def read_wandb_run_file(path: str | Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(config, summary)`` of a W&B run from its ``.wandb`` file (works for offline runs).

    Read with W&B's own reader, ``wandb leet inspect --summary --json`` (as ``run_plot`` does).
    """
    from recurrent_agents.run.plot import wandb_cli

    proc = subprocess.run(
        [wandb_cli(), "leet", "inspect", "--summary", "--json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(proc.stdout)
    return data.get("config") or {}, data.get("summary") or {}


def load_wandb_offline(wandb_dir: str | Path, metric: str = "eval/success_rate") -> list[RunResult]:
    """Results from the W&B run directories under ``wandb_dir`` (offline or synced runs).

    Reads every ``*.wandb`` transaction log (offline runs keep config and summary only there)
    and keeps runs whose summary holds ``metric`` and whose config has ``core``,
    ``memory_length`` and ``seed``.
    """
    wandb_dir = Path(wandb_dir)
    if not wandb_dir.is_dir():
        raise ValueError(f"wandb_dir must be an existing directory, got {str(wandb_dir)!r}")
    results = []
    for path in sorted(wandb_dir.rglob("*.wandb")):
        if path.parent.name == "latest-run":
            continue  # a symlink to a run already read
        try:
            config, summary = read_wandb_run_file(path)
        except Exception:  # noqa: BLE001 - a run still being written is skipped, not fatal
            continue
        results += _results_from(config, summary, metric, source=str(path.parent))
    return results


def load_wandb_api(
    path: str, group: str | None, metric: str = "eval/success_rate"
) -> list[RunResult]:
    """Results of finished runs in W&B project ``path`` (``entity/project``), optionally a group."""
    import wandb

    filters: dict[str, Any] = {"state": "finished"}
    if group:
        filters["group"] = group
    results = []
    for run in wandb.Api().runs(path, filters=filters):
        results += _results_from(dict(run.config), dict(run.summary), metric, source=run.path)
    return results


def _results_from(
    config: dict[str, Any], summary: dict[str, Any], metric: str, source: str
) -> list[RunResult]:
    """The results of a finished W&B run: its own, and with ``stage_results`` one per curriculum
    stage (its summary keys under ``stage_summary_prefix``), each with the config of a run that
    targets the stage's length."""
    results = [_result_from(config, summary, metric, source)]
    stage_lengths = (config.get("curriculum") or []) if config.get("stage_results") else []
    for length in stage_lengths:
        prefix = stage_summary_prefix(length)
        stage = {k.removeprefix(prefix): v for k, v in summary.items() if k.startswith(prefix)}
        stage_config = config | {"memory_length": length, "stage_results": False}
        results.append(_result_from(stage_config, stage, metric, f"{source} (stage L={length})"))
    return [result for result in results if result is not None]


def _result_from(
    config: dict[str, Any], summary: dict[str, Any], metric: str, source: str
) -> RunResult | None:
    """The result of a finished W&B run, or None when it lacks the metric or its cell."""
    if metric not in summary or not all(k in config for k in ("core", "memory_length", "seed")):
        return None
    record = {
        "task": config.get("task", UNKNOWN_TASK),
        "core": config["core"],
        "memory_length": config["memory_length"],
        "seed": config["seed"],
        WANDB_METRIC_KEYS.get(metric, SUCCESS_KEY): summary[metric],
        "status": FINISHED,
        "config": config,
    }
    record |= {field: summary[key] for key, field in WANDB_LONG_EVAL_KEYS.items() if key in summary}
    return RunResult.from_dict(record, source=source)


def skips_by_label(manifest: SweepManifest) -> Skips:
    """The skipped cells recorded in a sweep manifest (its ``skipped`` map), keyed by curve label.

    Anything malformed is ignored: a manifest without skips (or an older one) gives ``{}``.
    """
    skips: Skips = {}
    if not isinstance(manifest.skipped, dict):
        return skips
    for core, info in manifest.skipped.items():
        try:
            label = str(info.get("label") or core)
            failed = int(info["failed_length"])
            lengths = sorted({int(x) for x in info["lengths"]})
        except (AttributeError, KeyError, TypeError, ValueError):
            continue
        skips[label] = {"failed_length": failed, "lengths": lengths}
    return skips


def load_skips(sweep_dir: str | Path) -> Skips:
    """Skipped cells of the sweep in ``sweep_dir`` (from its manifest); ``{}`` without one."""
    manifest = SweepManifest.read(sweep_dir)
    return {} if manifest is None else skips_by_label(manifest)


def skipped_cells(cells: Sequence[FrontierCell], skips: Skips | None) -> dict[str, list[int]]:
    """Per curve with measured cells: the skipped lengths that have no result of their own."""
    measured = {(c.core, c.memory_length) for c in cells}
    out: dict[str, list[int]] = {}
    for label, info in sorted((skips or {}).items()):
        if not any(core == label for core, _ in measured):
            continue
        lengths = [m for m in info["lengths"] if (label, m) not in measured]
        if lengths:
            out[label] = lengths
    return out


# ----------------------------------------------------------------------------- table


#: Core options that make a run a variant of its core, with a curve of its own on the frontier.
CORE_VARIANT_OPTIONS = ("chrono_init", "forget_bias")


def core_label(core: str, config: dict[str, Any] | None) -> str:
    """The frontier's curve name: the core, plus any gate-init option the run set, plus
    ``curriculum`` when it trained through one.

    ``lstm`` with ``chrono_init=100`` is ``lstm chrono_init=100``: a different initialisation
    changes what the core remembers, so it must not be averaged with the plain core; nor may a
    run taken through shorter lengths first be averaged with one trained from scratch.
    """
    options = [
        f"{key}={config[key]}"
        for key in CORE_VARIANT_OPTIONS
        if (config or {}).get(key) is not None
    ]
    if run_regime(config) == CURRICULUM:
        options.append(CURRICULUM)
    return " ".join([core, *options])


def _score(result: RunResult) -> tuple[str, float]:
    """``(SUCCESS_KEY, success rate)``, or ``(RETURN_KEY, mean return)`` without a success rate."""
    key = SUCCESS_KEY if result.eval_success_rate is not None else RETURN_KEY
    try:
        return key, float(getattr(result, key))
    except (TypeError, ValueError) as exc:
        where = result.source or "a result"
        raise ValueError(
            f"result must have a numeric {SUCCESS_KEY} or {RETURN_KEY}; {where}: {exc}"
        ) from exc


def build_cells(results: Iterable[RunResult]) -> list[FrontierCell]:
    """Group results by (task, core, memory length); sorted by core then length.

    A repeated (core, length, seed) keeps the last result read (a rerun replaces the old one).
    A cell whose runs disagree on having a success rate is an error.
    """
    cells: dict[tuple[str, str, int | None], FrontierCell] = {}
    for r in results:
        key, score = _score(r)
        core, length, seed = core_label(r.core, r.config), r.memory_length, r.seed
        cell = cells.setdefault(
            (r.task, core, length), FrontierCell(r.task, core, length, regime=r.regime)
        )
        by_seed = cell.success_by_seed if key == SUCCESS_KEY else cell.return_by_seed
        by_seed[seed] = score
        if cell.success_by_seed and cell.return_by_seed:
            raise ValueError(
                f"results of {r.task} {core} L={length} must all have a success rate or none"
            )
        # a rerun replaces the seed's old numbers, including ones it does not report
        cell.env_steps_by_seed.pop(seed, None)
        cell.seconds_by_seed.pop(seed, None)
        cell.long_success_by_seed.pop(seed, None)
        _add_long_evaluation(cell, r)
        if r.env_steps is not None:
            cell.env_steps_by_seed[seed] = int(r.env_steps)
        # A resumed run's train_seconds are its last session's; the total counts them all.
        seconds = r.train_seconds if r.train_seconds_total is None else r.train_seconds_total
        if seconds is not None:
            cell.seconds_by_seed[seed] = float(seconds)
    return sorted(cells.values(), key=lambda c: (c.task, c.core, c.memory_length or 0))


def _add_long_evaluation(cell: FrontierCell, result: RunResult) -> None:
    """Add the result's success at a multiple of its length to its cell; a cell's seeds must
    share that length (the same ``eval_length_factor``)."""
    long_length, success = result.long_eval_memory_length, result.long_eval_success_rate
    if long_length is None or success is None:
        return
    if cell.long_memory_length not in (None, long_length):
        raise ValueError(
            f"results of {cell.task} {cell.core} L={cell.memory_length} must share the longer "
            f"evaluation length, got {cell.long_memory_length} and {long_length} "
            f"({result.source or 'a result'})"
        )
    cell.long_memory_length = int(long_length)
    cell.long_success_by_seed[result.seed] = float(success)


def memory_horizons(
    cells: Sequence[FrontierCell], threshold: float = DEFAULT_THRESHOLD, *, contiguous: bool = False
) -> dict[str, int]:
    """Per core: the largest memory length solved (>= threshold) on every seed; 0 if none.

    ``contiguous``: the largest length up to which *every* measured length is solved (a stricter
    reading that a failed short length, e.g. a collapsed seed, pulls down). Only cores with
    success rates at memory lengths have a horizon.
    """
    cells = [c for c in cells if c.is_success and c.memory_length is not None]
    horizons: dict[str, int] = {}
    for core in sorted({c.core for c in cells}):
        mine = sorted((c for c in cells if c.core == core), key=lambda c: c.memory_length)
        horizons[core] = 0
        for c in mine:
            if c.solved(threshold):
                horizons[core] = c.memory_length
            elif contiguous:
                break
    return horizons


# ----------------------------------------------------------------------------- statistics


@dataclass
class SeedStatistics:
    """The report's statistics over seeds (computed by rliable, see ``seed_statistics``)."""

    reps: int
    #: Per cell key (task, core, memory length): the IQM of its seeds' scores and its interval.
    iqm: dict[tuple[str, str, int | None], Estimate]
    #: ``IMPROVEMENT_COLUMNS`` rows.
    improvement: list[dict]

    def cell_iqm(self, cell: FrontierCell) -> Estimate:
        """The IQM estimate of ``cell``."""
        return self.iqm[(cell.task, cell.core, cell.memory_length)]


def seed_statistics(cells: Sequence[FrontierCell], reps: int = BOOTSTRAP_REPS) -> SeedStatistics:
    """Each cell's IQM and every pair of cores' probability of improvement at each memory length,
    with stratified-bootstrap confidence intervals (``reps`` resamples, a fixed seed)."""
    iqm = iqm_estimates({(c.task, c.core, c.memory_length): c.values for c in cells}, reps=reps)
    return SeedStatistics(reps=reps, iqm=iqm, improvement=improvement_rows(cells, reps))


def improvement_rows(cells: Sequence[FrontierCell], reps: int = BOOTSTRAP_REPS) -> list[dict]:
    """``IMPROVEMENT_COLUMNS`` rows: for each task and memory length, each pair of cores measured
    there (X before Y by name), the probability that a seed of X beats a seed of Y."""
    at_length: dict[tuple[str, int | None], list[FrontierCell]] = {}
    for c in cells:
        at_length.setdefault((c.task, c.memory_length), []).append(c)
    pairs = {
        (x.task, x.memory_length, x.core, y.core): (x, y)
        for group in at_length.values()
        for x, y in combinations(sorted(group, key=lambda c: c.core), 2)
        if x.is_success == y.is_success  # a success rate and a mean return do not compare
    }
    estimates = improvement_estimates(
        {key: (x.values, y.values) for key, (x, y) in pairs.items()}, reps=reps
    )
    rows = [
        {
            "task": task,
            "memory_length": length,
            "core_x": x.core,
            "core_y": y.core,
            "n_seeds_x": len(x.values),
            "n_seeds_y": len(y.values),
            **_estimate_columns("prob_improvement", estimates[(task, length, x.core, y.core)]),
        }
        for (task, length, _, _), (x, y) in pairs.items()
    ]
    return sorted(
        rows, key=lambda r: (r["task"], r["memory_length"] or 0, r["core_x"], r["core_y"])
    )


def _estimate_columns(name: str, estimate: Estimate) -> dict[str, float | None]:
    """``{name, name_ci_low, name_ci_high}`` of an estimate (bounds None without an interval)."""
    return {
        name: round(estimate.value, 4),
        f"{name}_ci_low": _round(estimate.low, 4),
        f"{name}_ci_high": _round(estimate.high, 4),
    }


def format_estimate(estimate: Estimate, n_seeds: int, digits: str = ".2f") -> str:
    """An estimate with its interval, e.g. ``0.95 [0.90, 1.00]``; ``0.70 (n=1, no CI)`` without
    one."""
    if estimate.low is None or estimate.high is None:
        return f"{estimate.value:{digits}} (n={n_seeds}, no CI)"
    return f"{estimate.value:{digits}} [{estimate.low:{digits}}, {estimate.high:{digits}}]"


# ----------------------------------------------------------------------------- table


def table_rows(
    cells: Sequence[FrontierCell],
    threshold: float = DEFAULT_THRESHOLD,
    skips: Skips | None = None,
    stats: SeedStatistics | None = None,
) -> list[dict]:
    """CSV rows (``CSV_COLUMNS``), one per cell, plus one per skipped cell (no success values).

    A cell fills the ``success_*`` columns, or the ``return_*`` ones when it holds mean returns;
    ``iqm*`` is of either. ``stats``: ``seed_statistics(cells)``, computed when not given.
    """
    stats = stats or seed_statistics(cells)
    rows = [
        {
            **dict.fromkeys(CSV_COLUMNS),
            "task": c.task,
            "core": c.core,
            "regime": c.regime,
            "memory_length": c.memory_length,
            "n_seeds": len(c.values),
            "seeds": " ".join(str(s) for s in sorted(c.success_by_seed or c.return_by_seed)),
            **_stats_columns(c),
            **_estimate_columns("iqm", stats.cell_iqm(c)),
            "per_seed": " ".join(f"{v:.4f}" for v in c.values),
            "solved_all_seeds": c.solved(threshold) if c.is_success else None,
            "env_steps_mean": _round(c.env_steps_mean, 1),
            "train_seconds_mean": _round(c.train_seconds_mean, 2),
            **_long_columns(c),
            "status": "finished",
        }
        for c in cells
    ]
    curves = {c.core: c for c in cells}
    for label, lengths in skipped_cells(cells, skips).items():
        rows += [
            {
                **dict.fromkeys(CSV_COLUMNS),
                "task": curves[label].task,
                "core": label,
                "regime": curves[label].regime,
                "memory_length": m,
                "n_seeds": 0,
                "status": "skipped",
            }
            for m in lengths
        ]
    return sorted(rows, key=lambda r: (r["task"], r["core"], r["memory_length"] or 0))


def _stats_columns(cell: FrontierCell) -> dict[str, float]:
    """A cell's mean, min, max and std over seeds as ``success_*`` (or ``return_*``) columns."""
    prefix = "success" if cell.is_success else "return"
    values = cell.values
    stats = {"mean": cell.mean, "min": min(values), "max": max(values), "std": cell.std}
    return {f"{prefix}_{name}": round(value, 4) for name, value in stats.items()}


def _long_columns(cell: FrontierCell) -> dict[str, Any]:
    """A cell's ``long_*`` columns: its success at the longer evaluation length (empty without)."""
    values = cell.long_values
    if not values:
        return {}
    return {
        "long_memory_length": cell.long_memory_length,
        "long_success_mean": round(sum(values) / len(values), 4),
        "long_success_min": round(min(values), 4),
        "long_success_max": round(max(values), 4),
        "long_per_seed": " ".join(f"{v:.4f}" for v in values),
    }


def format_long_success(cell: FrontierCell) -> str:
    """A cell's success at the longer length, e.g. ``L=1000: 0.97 [0.92, 1.00] (n=3)``."""
    values = cell.long_values
    if not values:
        return "-"
    mean = sum(values) / len(values)
    return (
        f"L={cell.long_memory_length}: {mean:.2f} [{min(values):.2f}, {max(values):.2f}] "
        f"(n={len(values)})"
    )


def format_cost(cell: FrontierCell) -> str:
    """A cell's mean env steps / training minutes, e.g. ``1.2M / 3.4 min`` (``-`` when unknown)."""
    steps, seconds = cell.env_steps_mean, cell.train_seconds_mean
    if steps is None:
        steps_text = "-"
    elif steps >= 1e6:
        steps_text = f"{steps / 1e6:.1f}M"
    elif steps >= 1e3:
        steps_text = f"{steps / 1e3:.1f}k"
    else:
        steps_text = f"{steps:.0f}"
    minutes_text = "-" if seconds is None else f"{seconds / 60:.1f} min"
    return f"{steps_text} / {minutes_text}"


def write_csv(rows: Sequence[dict], path: Path, columns: Sequence[str] = CSV_COLUMNS) -> Path:
    """Write the frontier rows (or other ``columns``) as CSV."""
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _pivot(
    cells: Sequence[FrontierCell],
    skipped: dict[str, list[int]],
    fmt: Callable[[FrontierCell], str],
) -> list[str]:
    """Markdown lines of a memory length x core table of ``fmt(cell)``; ``skipped`` or ``-``
    where a core has no cell at a length (and ``-`` as the length of a task without one)."""
    cores = sorted({c.core for c in cells})
    lengths = {c.memory_length for c in cells} | {m for ms in skipped.values() for m in ms}
    lengths = sorted(lengths, key=lambda m: -1 if m is None else m)
    by_key = {(c.core, c.memory_length): c for c in cells}
    out = ["| memory length | " + " | ".join(cores) + " |", "|---:|" + "---:|" * len(cores)]
    for length in lengths:
        row = []
        for core in cores:
            c = by_key.get((core, length))
            if c is None:
                row.append("skipped" if length in skipped.get(core, []) else "-")
            else:
                row.append(fmt(c))
        out.append(f"| {'-' if length is None else length} | " + " | ".join(row) + " |")
    return out


def format_success(cell: FrontierCell, threshold: float) -> str:
    """A cell's success, e.g. ``0.95 [0.90, 1.00] (n=3) **ok**`` (ok: solved on every seed), or
    its mean return, e.g. ``-0.492 [-0.51, -0.475] (n=2)``."""
    values = cell.values
    if not cell.is_success:
        return f"{cell.mean:.3g} [{min(values):.3g}, {max(values):.3g}] (n={len(values)})"
    mark = " **ok**" if cell.solved(threshold) else ""
    return f"{cell.mean:.2f} [{min(values):.2f}, {max(values):.2f}] (n={len(values)}){mark}"


def format_iqm(cell: FrontierCell, stats: SeedStatistics, digits: str = ".2f") -> str:
    """A cell's IQM with its interval, e.g. ``0.95 [0.90, 1.00]`` (``0.70 (n=1, no CI)``)."""
    return format_estimate(stats.cell_iqm(cell), len(cell.values), digits)


def _score_name(cells: Sequence[FrontierCell]) -> str:
    """What the cells hold: success rates, mean returns, or both (tasks with and without)."""
    if all(c.is_success for c in cells):
        return "success rate"
    if not any(c.is_success for c in cells):
        return "mean return"
    return "success rate (mean return where a task reports no success)"


def markdown(
    cells: Sequence[FrontierCell],
    threshold: float = DEFAULT_THRESHOLD,
    skips: Skips | None = None,
    stats: SeedStatistics | None = None,
) -> str:
    """Markdown: success (mean [min, max] over seeds), its IQM with a confidence interval, and cost
    (mean env steps / training minutes) per memory length x core, then the horizons and the
    probabilities of improvement. ``stats``: ``seed_statistics(cells)``, computed when not given.
    """
    stats = stats or seed_statistics(cells)
    skipped = skipped_cells(cells, skips)
    tasks = ", ".join(sorted({c.task for c in cells}))
    digits = ".2f" if all(c.is_success for c in cells) else ".3g"
    lines = [
        f"Greedy {_score_name(cells)} on {tasks}: mean [min, max] over seeds (n = seeds).",
        "",
        *_pivot(cells, skipped, lambda c: format_success(c, threshold)),
        "",
        f"Interquartile mean (IQM: the mean of the middle 50% of seeds; below 4 seeds nothing is "
        f"trimmed and it is the mean) [{CONFIDENCE:.0%} stratified-bootstrap confidence "
        f"interval, {stats.reps} resamples], computed by rliable.",
        "",
        *_pivot(cells, skipped, lambda c: format_iqm(c, stats, digits)),
    ]
    if any(len(c.values) == 1 for c in cells):
        lines += [
            "",
            "A cell with one seed has no confidence interval (`no CI`): resampling one score "
            "always gives that score back.",
        ]
    lines += [
        "",
        "env steps / training minutes per cell (mean over seeds)",
        "",
        *_pivot(cells, skipped, format_cost),
    ]
    if any(c.long_values for c in cells):
        lines += [
            "",
            "Greedy success at a multiple of the training length (`eval_length_factor`), the "
            "trained model without further training: mean [min, max] over the seeds evaluated.",
            "",
            *_pivot(cells, skipped, format_long_success),
        ]
    horizons = memory_horizons(cells, threshold)
    strict = memory_horizons(cells, threshold, contiguous=True)
    if horizons:
        lines += [
            "",
            f"Memory horizon: the largest length solved at >= {threshold:.0%} on every seed "
            "(contiguous: every shorter measured length solved too).",
            "",
            "| core | memory horizon | contiguous |",
            "|---|---:|---:|",
        ]
        lines += [f"| {core} | {horizons[core]} | {strict[core]} |" for core in horizons]
    if skipped:
        lines += [
            "",
            "Skipped by the sweep (`--skip-after-fail`), not counted in the horizons:",
            "",
        ]
        lines += [
            f"- {label}: lengths > {skips[label]['failed_length']} skipped "
            f"(failed L={skips[label]['failed_length']} on every seed)"
            for label in skipped
        ]
    return "\n".join(lines + _improvement_lines(stats)) + "\n"


def _improvement_lines(stats: SeedStatistics) -> list[str]:
    """Markdown lines of the probabilities of improvement (none with one core per length)."""
    if not stats.improvement:
        return []
    lines = [
        "",
        "Probability of improvement P(X > Y): the chance that a seed of X scores higher than a "
        f"seed of Y (ties count half; 0.5: no difference), [{CONFIDENCE:.0%} stratified-bootstrap "
        "confidence interval], computed by rliable. No CI when X or Y has one seed.",
        "",
        "| memory length | X | Y | P(X > Y) |",
        "|---:|---|---|---:|",
    ]
    for r in stats.improvement:
        estimate = Estimate(
            r["prob_improvement"], r["prob_improvement_ci_low"], r["prob_improvement_ci_high"]
        )
        n_seeds = min(r["n_seeds_x"], r["n_seeds_y"])
        length = "-" if r["memory_length"] is None else r["memory_length"]
        lines.append(
            f"| {length} | {r['core_x']} | {r['core_y']} | {format_estimate(estimate, n_seeds)} |"
        )
    return lines


def plot(
    cells: Sequence[FrontierCell],
    path: Path,
    threshold: float = DEFAULT_THRESHOLD,
    stats: SeedStatistics | None = None,
) -> Path:
    """PNG: IQM success (or return) vs memory length per core with its confidence interval as a
    band, the mean dashed, per-seed dots; one column per core when the task has no memory length.
    ``stats``: ``seed_statistics(cells)``, computed when not given."""
    stats = stats or seed_statistics(cells)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    horizons = memory_horizons(cells, threshold)
    cores = sorted({c.core for c in cells})
    lengths = sorted({c.memory_length for c in cells if c.memory_length is not None})
    for i, core in enumerate(cores):
        mine = [c for c in cells if c.core == core]
        xs = [i if c.memory_length is None else c.memory_length for c in mine]
        label = f"{core} (horizon {horizons[core]})" if core in horizons else core
        iqms = [stats.cell_iqm(c) for c in mine]
        (line,) = ax.plot(xs, [e.value for e in iqms], marker="o", label=label)
        color = line.get_color()
        # a one-seed cell has no interval: the band narrows to its point rather than breaking
        ax.fill_between(
            xs,
            [e.value if e.low is None else e.low for e in iqms],
            [e.value if e.high is None else e.high for e in iqms],
            alpha=0.2,
            color=color,
        )
        ax.plot(xs, [c.mean for c in mine], linestyle="--", linewidth=1, color=color, alpha=0.7)
        for x, c in zip(xs, mine, strict=True):
            ax.scatter([x] * len(c.values), c.values, s=10, color=color, alpha=0.6)
    if all(c.is_success for c in cells):
        ax.axhline(threshold, color="grey", linestyle="--", linewidth=1)
        ax.set_ylim(-0.03, 1.03)
    if not lengths:
        ax.set_xticks(range(len(cores)), cores)
        ax.set_xlim(-0.5, len(cores) - 0.5)
    elif lengths[-1] / max(lengths[0], 1) >= 20:
        ax.set_xscale("log")
    ax.set_xlabel("memory length" if lengths else "core")
    ax.set_ylabel(f"greedy {_score_name(cells)}")
    tasks = ", ".join(sorted({c.task for c in cells}))
    ax.set_title(
        f"Memory frontier ({tasks}): IQM over seeds, {CONFIDENCE:.0%} CI band; dashed: mean; "
        "dots: seeds",
        wrap=True,
    )
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_report(
    results: Iterable[RunResult],
    out_dir: str | Path,
    threshold: float = DEFAULT_THRESHOLD,
    skips: Skips | None = None,
    bootstrap_reps: int = BOOTSTRAP_REPS,
) -> dict[str, Any]:
    """Write ``frontier.csv``, ``frontier_improvement.csv``, ``frontier.md``, ``frontier.png`` and
    ``frontier.json``.

    ``skips``: cells the sweep skipped (``load_skips``), shown as skipped rather than measured.
    ``bootstrap_reps``: resamples of each confidence interval.

    Returns ``{"cells", "rows", "improvement", "horizons", "contiguous_horizons", "paths"}``.
    Raises ValueError when there is no result.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    cells = build_cells(results)
    if not cells:
        raise ValueError("results must hold at least one finished run, got none")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stats = seed_statistics(cells, bootstrap_reps)
    rows = table_rows(cells, threshold, skips, stats)
    horizons = memory_horizons(cells, threshold)
    paths = {
        "csv": write_csv(rows, out_dir / "frontier.csv"),
        "improvement_csv": write_csv(
            stats.improvement, out_dir / "frontier_improvement.csv", IMPROVEMENT_COLUMNS
        ),
        "md": out_dir / "frontier.md",
        "png": plot(cells, out_dir / "frontier.png", threshold, stats),
        "json": out_dir / "frontier.json",
    }
    paths["md"].write_text(markdown(cells, threshold, skips, stats))
    strict = memory_horizons(cells, threshold, contiguous=True)
    paths["json"].write_text(
        json.dumps(
            {
                "threshold": threshold,
                "horizons": horizons,
                "contiguous_horizons": strict,
                "skipped": skipped_cells(cells, skips),
                "bootstrap": {
                    "reps": bootstrap_reps,
                    "seed": BOOTSTRAP_SEED,
                    "confidence": CONFIDENCE,
                },
                "rows": rows,
                "improvement": stats.improvement,
            },
            indent=1,
        )
    )
    return {
        "cells": cells,
        "rows": rows,
        "improvement": stats.improvement,
        "horizons": horizons,
        "contiguous_horizons": strict,
        "paths": paths,
    }


def log_to_wandb(run: Any, report: dict[str, Any]) -> None:
    """Log the frontier as a ``wandb.Table``, the probabilities of improvement as another (when
    there are pairs), the PNG and a line plot (mean success per core over the memory lengths;
    none when no cell has both)."""
    import wandb

    if run is None or getattr(run, "disabled", False):
        return
    rows = report["rows"]
    table = wandb.Table(columns=CSV_COLUMNS, data=[[r[c] for c in CSV_COLUMNS] for r in rows])
    data = {"frontier/table": table, "frontier/plot": wandb.Image(str(report["paths"]["png"]))}
    if report["improvement"]:
        data["frontier/improvement"] = wandb.Table(
            columns=IMPROVEMENT_COLUMNS,
            data=[[r[c] for c in IMPROVEMENT_COLUMNS] for r in report["improvement"]],
        )
    on_curve = [r for r in rows if r["success_mean"] is not None and r["memory_length"] is not None]
    cores = sorted({r["core"] for r in on_curve})
    series = {core: [r for r in on_curve if r["core"] == core] for core in cores}
    if cores:
        data["frontier/success_vs_memory_length"] = wandb.plot.line_series(
            xs=[[r["memory_length"] for r in series[c]] for c in cores],
            ys=[[r["success_mean"] for r in series[c]] for c in cores],
            keys=cores,
            title="Greedy success vs memory length (mean over seeds)",
            xname="memory_length",
        )
    run.log(data)
    for core, horizon in report["horizons"].items():
        run.summary[f"frontier/horizon/{core}"] = horizon
        run.summary[f"frontier/contiguous_horizon/{core}"] = report["contiguous_horizons"][core]


# ----------------------------------------------------------------------------- CLI


def build_parser() -> argparse.ArgumentParser:
    """Argument parser of ``python train.py report``."""
    p = CommandParser(
        prog="train.py report",
        description="Frontier report (CSV, Markdown, PNG, W&B) from finished runs.",
    )
    p.add_argument("--sweep-dir", help="directory searched recursively for result.json files")
    p.add_argument("--wandb-dir", help="read W&B run directories (offline runs) under this dir")
    p.add_argument("--wandb-path", help="read finished runs online from W&B ENTITY/PROJECT")
    p.add_argument("--wandb-metric", default="eval/success_rate", help="summary key (W&B input)")
    p.add_argument("--out-dir", help="where the report goes (default: SWEEP_DIR/report)")
    p.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    p.add_argument("--wandb-project", default=WANDB_PROJECT)
    p.add_argument("--wandb-group", help="W&B group of the report run (default: sweep dir name)")
    p.add_argument("--wandb-mode", default=None, choices=WANDB_MODES)
    return p


def report_and_log(
    results: list[RunResult],
    out_dir: Path,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    wandb_project: str = WANDB_PROJECT,
    wandb_group: str | None = None,
    wandb_mode: str | None = None,
    config: dict[str, Any] | None = None,
    skips: Skips | None = None,
) -> dict[str, Any]:
    """Write the report files, print them, and log them to a W&B run (job_type ``frontier``)."""
    report = write_report(results, out_dir, threshold, skips)
    print(report["paths"]["md"].read_text())
    print("wrote " + ", ".join(str(p) for p in report["paths"].values()))
    if wandb_mode != "disabled":
        from recurrent_agents.run.tracking import init_wandb

        run = init_wandb(
            project=wandb_project,
            group=wandb_group,
            job_type="frontier",
            config={**(config or {}), "threshold": threshold, "n_runs": len(results)},
            mode=wandb_mode,
            dir=out_dir,
            name=f"frontier-{wandb_group}" if wandb_group else "frontier",
        )
        try:
            log_to_wandb(run, report)
        finally:
            if run is not None:
                run.finish()
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python train.py report``; returns the exit status."""
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        sources = [args.sweep_dir, args.wandb_dir, args.wandb_path]
        if not any(sources):
            raise ValueError("sweep_dir must be given (or --wandb-dir / --wandb-path), got none")
        results: list[RunResult] = []
        if args.sweep_dir:
            results += load_results(args.sweep_dir)
        if args.wandb_dir:
            results += load_wandb_offline(args.wandb_dir, args.wandb_metric)
        if args.wandb_path:
            results += load_wandb_api(args.wandb_path, args.wandb_group, args.wandb_metric)
        default_out = Path(args.sweep_dir or args.wandb_dir or ".") / "report"
        out_dir = Path(args.out_dir) if args.out_dir else default_out
        group = args.wandb_group or (Path(args.sweep_dir).name if args.sweep_dir else None)
        report_and_log(
            results,
            out_dir,
            threshold=args.threshold,
            wandb_project=args.wandb_project,
            wandb_group=group,
            wandb_mode=args.wandb_mode,
            config={"sweep_dir": args.sweep_dir},
            skips=load_skips(args.sweep_dir) if args.sweep_dir else None,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
