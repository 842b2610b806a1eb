"""Memory-length x core x seed sweeps: one ordinary ``train.py`` run per grid cell.

    python train.py sweep --task TMaze --memory-lengths 5,10,20 --cores lstm,rnn --seeds 0,1,2 \\
        --sweep-dir sweeps/tmaze [--backend local|ray] [--address ADDR] [--workers N] \\
        [-- --total_timesteps=200000 ...]

Each cell runs ``python train.py --task=.. --memory_length=.. --core=.. --seed=..
--run_dir=SWEEP_DIR/runs/CELL --wandb_group=SWEEP_NAME [overrides]`` as a subprocess (its own W&B
run, grouped by sweep) and is done when ``run_dir/result.json`` says ``"status": "finished"``.
Rerunning the same command resumes: finished cells are skipped, interrupted ones continue from
their last checkpoint (``--resume=true``). At the end the frontier report is written to
``SWEEP_DIR/report`` (see ``recurrent_agents.study.frontier``).

``--skip-after-fail`` runs the lengths in increasing order, one wave per length (the cells of a
wave run in parallel). Once every seed of a core has finished at length L and none reached the
success threshold, that core's unfinished cells at lengths > L are not run: the manifest records
them as ``"skipped: lstm failed L=50 on every seed"`` (and its ``skipped`` map, which the report
reads). A resumed sweep re-derives the skips from the finished results.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from recurrent_agents.run.checkpoint import atomic_write_json
from recurrent_agents.run.tracking import WANDB_MODES, WANDB_PROJECT
from recurrent_agents.study.backends import (
    BACKENDS,
    Job,
    Outcome,
    available_cpus,
    local_workers,
    python_executable,
    run_local,
    run_ray,
)

TRAIN_SCRIPT = Path(__file__).resolve().parents[2] / "train.py"
MANIFEST = "sweep.json"


@dataclass(frozen=True)
class Cell:
    """One grid point: a task at one memory length, with one core and one seed."""

    task: str
    memory_length: int
    core: str
    seed: int

    @property
    def name(self) -> str:
        """Directory / W&B run name, e.g. ``TMaze-lstm-L20-s0``."""
        task = self.task.replace("/", "_")
        return f"{task}-{self.core}-L{self.memory_length}-s{self.seed}"


def parse_int_list(name: str, text: str, minimum: int) -> list[int]:
    """``"5,10,20"`` -> ``[5, 10, 20]``; ValueError naming ``name`` on anything else."""
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        values = []
    if not values or any(v < minimum for v in values):
        raise ValueError(
            f"{name} must be a comma-separated list of ints >= {minimum}, got {text!r}"
        )
    return sorted(dict.fromkeys(values))


def parse_names(name: str, text: str) -> list[str]:
    """``"lstm,rnn"`` -> ``["lstm", "rnn"]`` (order kept, duplicates dropped)."""
    values = list(dict.fromkeys(x.strip() for x in text.split(",") if x.strip()))
    if not values:
        raise ValueError(f"{name} must be a comma-separated list of names, got {text!r}")
    return values


def grid(task: str, memory_lengths: Sequence[int], cores: Sequence[str], seeds: Sequence[int]):
    """All cells, longest memory first (the slowest runs start first: better packing)."""
    cells = [Cell(task, m, c, s) for m in memory_lengths for c in cores for s in seeds]
    return sorted(cells, key=lambda c: (-c.memory_length, c.core, c.seed))


def read_result(run_dir: str | Path) -> dict[str, Any] | None:
    """The run's ``result.json`` or None when missing or unreadable (an unfinished run)."""
    try:
        return json.loads((Path(run_dir) / "result.json").read_text())
    except (OSError, json.JSONDecodeError):
        return None


def is_finished(run_dir: str | Path) -> bool:
    """Whether the run in ``run_dir`` finished (its result.json has status finished)."""
    result = read_result(run_dir)
    return isinstance(result, dict) and result.get("status") == "finished"


def failed_lengths(
    cells: Sequence[Cell], results: dict[str, dict[str, Any]], threshold: float
) -> dict[str, int]:
    """Per core: the shortest length at which every seed finished and none reached ``threshold``.

    ``results`` maps cell names to finished results. A seed succeeds when its greedy success is
    >= ``threshold``, as in the frontier report (a core *solves* a length when every seed does).
    Cores with no such length are left out.
    """
    by_key: dict[tuple[str, int], list[Cell]] = {}
    for cell in cells:
        by_key.setdefault((cell.core, cell.memory_length), []).append(cell)
    failed: dict[str, int] = {}
    for (core, length), mine in sorted(by_key.items(), key=lambda kv: kv[0][1]):
        if core in failed or not all(c.name in results for c in mine):
            continue
        successes = [results[c.name].get("eval_success_rate") for c in mine]
        if all(isinstance(v, int | float) and v < threshold for v in successes):
            failed[core] = length
    return failed


def skip_reason(label: str, failed_length: int) -> str:
    """The manifest status of a cell skipped after its core failed a shorter length."""
    return f"skipped: {label} failed L={failed_length} on every seed"


def _has_override(extra: Sequence[str], key: str) -> bool:
    return any(a == f"--{key}" or a.startswith(f"--{key}=") for a in extra)


def cell_command(
    cell: Cell,
    run_dir: Path,
    *,
    group: str,
    extra: Sequence[str] = (),
    threads_per_run: int = 1,
    wandb_mode: str | None = None,
    wandb_project: str | None = None,
    resume: bool = False,
    python: str | None = None,
    train_script: str | Path = TRAIN_SCRIPT,
) -> list[str]:
    """The ``train.py`` command line of one cell (W&B sweep syntax, ``--key=value``)."""
    cmd = [
        python or python_executable(),
        str(train_script),
        f"--task={cell.task}",
        f"--memory_length={cell.memory_length}",
        f"--core={cell.core}",
        f"--seed={cell.seed}",
        f"--run_dir={run_dir}",
        f"--wandb_group={group}",
    ]
    optional = {
        "wandb_project": wandb_project,
        "wandb_mode": wandb_mode,
        "torch_threads": threads_per_run,
        "progress": "false",
    }
    cmd += [
        f"--{k}={v}" for k, v in optional.items() if v is not None and not _has_override(extra, k)
    ]
    if resume and not _has_override(extra, "resume"):
        cmd.append("--resume=true")
    return cmd + list(extra)


def _thread_env(threads: int) -> dict[str, str]:
    # BLAS/OpenMP pools default to all cores: N parallel runs would oversubscribe the machine
    value = str(threads)
    return {k: value for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")}


def build_parser() -> argparse.ArgumentParser:
    """Argument parser of ``python train.py sweep`` (overrides for train.py go after ``--``)."""
    p = argparse.ArgumentParser(
        prog="train.py sweep",
        description="Run a memory_length x core x seed grid of train.py runs, then the frontier "
        "report. Arguments after `--` are passed to every train.py run.",
    )
    p.add_argument("--task", default="TMaze", help="short task name or env id")
    p.add_argument("--memory-lengths", default="5,10,20", help="comma-separated, e.g. 5,10,20")
    p.add_argument("--cores", default="lstm,gru,rnn", help="comma-separated core names")
    p.add_argument("--seeds", default="0,1,2", help="comma-separated seeds")
    p.add_argument("--sweep-dir", required=True, help="output dir; rerun the same to resume")
    p.add_argument("--name", help="sweep name = W&B group (default: sweep dir's name)")
    p.add_argument("--backend", default="local", choices=BACKENDS)
    p.add_argument("--address", help='Ray cluster address ("auto", "ray://head:10001"); ray only')
    p.add_argument("--workers", type=int, help="parallel runs (default: CPUs // threads-per-run)")
    p.add_argument("--threads-per-run", type=int, default=1, help="torch threads per run")
    p.add_argument("--wandb-project", default=None, help="W&B project (default: train.py's)")
    p.add_argument("--wandb-mode", default=None, choices=WANDB_MODES)
    p.add_argument("--threshold", type=float, default=0.9, help="success that counts as solved")
    p.add_argument(
        "--skip-after-fail",
        action="store_true",
        help="run lengths shortest first; skip a core's longer lengths once it failed a length "
        "(below --threshold) on every seed",
    )
    p.add_argument("--no-report", action="store_true", help="skip the frontier report at the end")
    p.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    p.add_argument("--train-script", default=str(TRAIN_SCRIPT), help=argparse.SUPPRESS)
    return p


def _split_extra(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    argv = list(argv)
    if "--" in argv:
        i = argv.index("--")
        return argv[:i], argv[i + 1 :]
    return argv, []


def run_sweep(args: argparse.Namespace, extra: list[str]) -> int:
    """Run the grid described by parsed ``args``; return the exit status (0: every cell done)."""
    lengths = parse_int_list("memory_lengths", args.memory_lengths, 1)
    cores = parse_names("cores", args.cores)
    seeds = parse_int_list("seeds", args.seeds, 0)
    if args.threads_per_run < 1:
        raise ValueError(f"threads_per_run must be a positive int, got {args.threads_per_run}")
    if args.workers is not None and args.workers < 1:
        raise ValueError(f"workers must be a positive int, got {args.workers}")
    if not 0.0 < args.threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {args.threshold}")
    if args.address and args.backend != "ray":
        raise ValueError(f"address needs backend ray, got backend {args.backend!r}")
    from recurrent_agents import available_cores

    unknown = [c for c in cores if c not in available_cores()]
    if unknown:
        allowed = ", ".join(available_cores())
        raise ValueError(f"cores must be registered cores ({allowed}), got {', '.join(unknown)}")
    sweep_dir = Path(args.sweep_dir).resolve()
    name = args.name or sweep_dir.name
    cells = grid(args.task, lengths, cores, seeds)

    def run_dir_of(cell: Cell) -> Path:
        return sweep_dir / "runs" / cell.name

    def job(cell: Cell) -> Job:
        run_dir = run_dir_of(cell)
        cmd = cell_command(
            cell,
            run_dir,
            group=name,
            extra=extra,
            threads_per_run=args.threads_per_run,
            wandb_mode=args.wandb_mode,
            wandb_project=args.wandb_project,
            resume=run_dir.exists(),
            train_script=args.train_script,
        )
        return Job(cell.name, cmd, str(run_dir), _thread_env(args.threads_per_run))

    already = [c.name for c in cells if is_finished(run_dir_of(c))]
    todo = [c for c in cells if c.name not in set(already)]
    manifest: dict[str, Any] = {
        "name": name,
        "task": args.task,
        "memory_lengths": lengths,
        "cores": cores,
        "seeds": seeds,
        "extra": extra,
        "backend": args.backend,
        "skip_after_fail": bool(args.skip_after_fail),
        "cells": {c.name: {**asdict(c), "status": "pending"} for c in cells},
        "skipped": {},
    }
    for cell_name in already:
        manifest["cells"][cell_name]["status"] = "finished (skipped)"

    def apply_skips() -> set[str]:
        """Mark the unfinished cells past a failed length as skipped; return their names."""
        if not args.skip_after_fail:
            return set()
        from recurrent_agents.study.frontier import core_label

        results = {}
        for c in cells:
            result = read_result(run_dir_of(c))
            if isinstance(result, dict) and result.get("status") == "finished":
                results[c.name] = result
        skipped: set[str] = set()
        for core, length in failed_lengths(cells, results, args.threshold).items():
            failed_cell = next(c for c in cells if c.core == core and c.memory_length == length)
            label = core_label(core, results[failed_cell.name].get("config"))
            later = sorted(
                (c for c in cells if c.core == core and c.memory_length > length),
                key=lambda c: (c.memory_length, c.seed),
            )
            names = [c.name for c in later if c.name not in results]
            for cell_name in names:
                manifest["cells"][cell_name]["status"] = skip_reason(label, length)
            lengths_skipped = sorted({c.memory_length for c in later if c.name in names})
            if lengths_skipped:
                manifest["skipped"][core] = {
                    "label": label,
                    "failed_length": length,
                    "lengths": lengths_skipped,
                }
            skipped.update(names)
        return skipped

    skipped = apply_skips()
    workers = args.workers or local_workers(args.threads_per_run)
    print(
        f"sweep {name}: {len(cells)} cells ({len(lengths)} lengths x {len(cores)} cores x "
        f"{len(seeds)} seeds), {len(already)} already finished, "
        + (f"{len(skipped)} skipped after a failed length, " if args.skip_after_fail else "")
        + f"{len(todo) - len(skipped)} to run; backend {args.backend}"
        + (f" at {args.address}" if args.address else f", {workers} workers")
        + f" ({available_cpus()} CPUs here)",
        flush=True,
    )
    if args.dry_run:
        if args.skip_after_fail:
            print("(skip-after-fail: longer lengths may be skipped once shorter ones fail)")
        for cell in todo:
            if cell.name not in skipped:
                print(" ".join(job(cell).cmd))
        return 0

    sweep_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_json(sweep_dir / MANIFEST, manifest)

    # waves: one per length, shortest first, when skips depend on shorter lengths' results
    if args.skip_after_fail:
        waves = [[c for c in todo if c.memory_length == length] for length in lengths]
    else:
        waves = [todo]  # grid order: longest first
    done_count = 0
    total = len(todo) - len(skipped)

    def on_done(outcome: Outcome) -> None:
        nonlocal done_count
        done_count += 1
        run_dir = sweep_dir / "runs" / outcome.name
        result = read_result(run_dir) or {}
        ok = outcome.returncode == 0 and result.get("status") == "finished"
        status = "finished" if ok else f"failed (exit {outcome.returncode})"
        manifest["cells"][outcome.name].update(status=status, seconds=round(outcome.seconds, 1))
        atomic_write_json(sweep_dir / MANIFEST, manifest)
        success = result.get("eval_success_rate")
        detail = f"success {success:.2f}" if ok and success is not None else status
        log = run_dir / "train.log"
        print(
            f"[{done_count}/{total}] {outcome.name}: {detail} ({outcome.seconds:.0f} s)"
            + ("" if ok else f"; see {log}"),
            flush=True,
        )

    start = time.monotonic()
    try:
        for wave in waves:
            newly = apply_skips() - skipped
            if newly:
                skipped |= newly
                total -= len(newly)
                atomic_write_json(sweep_dir / MANIFEST, manifest)
                for core, info in manifest["skipped"].items():
                    if any(manifest["cells"][n]["core"] == core for n in newly):
                        print(
                            f"{info['label']}: lengths > {info['failed_length']} skipped "
                            f"(failed L={info['failed_length']} on every seed)",
                            flush=True,
                        )
            jobs = [job(c) for c in wave if c.name not in skipped]
            if not jobs:
                continue
            if args.backend == "ray":
                run_ray(
                    jobs,
                    address=args.address,
                    threads_per_run=args.threads_per_run,
                    workers=args.workers,
                    on_done=on_done,
                )
            else:
                run_local(jobs, workers, on_done=on_done)
    except KeyboardInterrupt:
        print(f"sweep interrupted; rerun the same command to resume ({sweep_dir})", flush=True)
        return 130
    failed = [n for n, c in manifest["cells"].items() if c["status"].startswith("failed")]
    print(f"sweep {name}: {done_count - len(failed)} cells ran in {time.monotonic() - start:.0f} s")

    if not args.no_report:
        from recurrent_agents.study.frontier import load_results, report_and_log, skips_by_label

        results = load_results(sweep_dir / "runs") if (sweep_dir / "runs").is_dir() else []
        if results:
            report_and_log(
                results,
                sweep_dir / "report",
                threshold=args.threshold,
                wandb_project=args.wandb_project or WANDB_PROJECT,
                wandb_group=name,
                wandb_mode=args.wandb_mode,
                config={"sweep_dir": str(sweep_dir), **{k: manifest[k] for k in ("task", "cores")}},
                skips=skips_by_label(manifest),
            )
        else:
            print("no finished run: no frontier report", file=sys.stderr)
    if failed:
        print(f"{len(failed)} cells failed: {', '.join(sorted(failed))}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python train.py sweep``; returns the exit status."""
    own, extra = _split_extra(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(own)
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        # A scheduler's SIGTERM stops the runs (checkpointed) like Ctrl-C instead of orphaning
        # them. Installing a SIGINT handler also un-ignores SIGINT for the children (a shell
        # starts background jobs with SIGINT ignored, and an ignored signal survives exec).
        previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, _terminate_as_interrupt)
        previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return run_sweep(args, extra)
    except (ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _terminate_as_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    raise SystemExit(main())
