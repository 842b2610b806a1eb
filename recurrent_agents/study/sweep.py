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

A task whose env takes no memory length (e.g. ``--task popgym:popgym-RepeatPreviousEasy-v0``)
sweeps cores x seeds only: its cells pass no ``--memory_length`` and are named without ``-L``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from recurrent_agents.run.config import CommandParser, core_path_name
from recurrent_agents.run.records import (
    FINISHED,
    FINISHED_BEFORE,
    PENDING,
    RunResult,
    SweepManifest,
    failed_status,
)
from recurrent_agents.run.tracking import WANDB_MODES, WANDB_PROJECT
from recurrent_agents.study.backends import (
    BACKENDS,
    LOG_FILE,
    Job,
    Outcome,
    available_cpus,
    local_workers,
    python_executable,
    run_local,
    run_ray,
    signals_interrupt,
)

TRAIN_SCRIPT = Path(__file__).resolve().parents[2] / "train.py"
DEFAULT_MEMORY_LENGTHS = "5,10,20"


@dataclass(frozen=True)
class GridPoint:
    """One point of the sweep's grid (a cell): a task at one memory length, one core, one seed."""

    task: str
    #: None for a task whose env takes no memory length.
    memory_length: int | None
    core: str
    seed: int

    @property
    def name(self) -> str:
        """Directory / W&B run name, e.g. ``TMaze-lstm-L20-s0`` (no ``-L20`` without a length)."""
        task = self.task.replace("/", "_").replace(":", "_")
        length = "" if self.memory_length is None else f"-L{self.memory_length}"
        return f"{task}-{core_path_name(self.core)}{length}-s{self.seed}"


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


def grid(
    task: str, memory_lengths: Sequence[int | None], cores: Sequence[str], seeds: Sequence[int]
) -> list[GridPoint]:
    """All grid points, longest memory first (the slowest runs start first: better packing).
    ``memory_lengths`` is ``[None]`` for a task without one."""
    points = [GridPoint(task, m, c, s) for m in memory_lengths for c in cores for s in seeds]
    return sorted(points, key=lambda p: (-(p.memory_length or 0), p.core, p.seed))


def failed_lengths(
    points: Sequence[GridPoint], results: dict[str, RunResult], threshold: float
) -> dict[str, int]:
    """Per core: the shortest length at which every seed finished and none reached ``threshold``.

    ``results`` maps grid point names to finished results. A seed succeeds when its greedy
    success is >= ``threshold``, as in the frontier report (a core *solves* a length when every
    seed does). Cores with no such length are left out.
    """
    by_key: dict[tuple[str, int], list[GridPoint]] = {}
    for point in points:
        by_key.setdefault((point.core, point.memory_length), []).append(point)
    failed: dict[str, int] = {}
    for (core, length), mine in sorted(by_key.items(), key=lambda kv: kv[0][1]):
        if core in failed or not all(p.name in results for p in mine):
            continue
        successes = [results[p.name].eval_success_rate for p in mine]
        if all(isinstance(v, int | float) and v < threshold for v in successes):
            failed[core] = length
    return failed


def _has_override(extra: Sequence[str], key: str) -> bool:
    return any(a == f"--{key}" or a.startswith(f"--{key}=") for a in extra)


def train_command(
    point: GridPoint,
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
    """The ``train.py`` command line of one grid point (W&B sweep syntax, ``--key=value``)."""
    cmd = [
        python or python_executable(),
        str(train_script),
        f"--task={point.task}",
        *([] if point.memory_length is None else [f"--memory_length={point.memory_length}"]),
        f"--core={point.core}",
        f"--seed={point.seed}",
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


def thread_env(threads: int) -> dict[str, str]:
    """BLAS/OpenMP thread counts for a run of ``threads`` torch threads."""
    # BLAS/OpenMP pools default to all cores: N parallel runs would oversubscribe the machine
    value = str(threads)
    return {k: value for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")}


def build_parser() -> argparse.ArgumentParser:
    """Argument parser of ``python train.py sweep`` (overrides for train.py go after ``--``)."""
    p = CommandParser(
        prog="train.py sweep",
        description="Run a memory_length x core x seed grid of train.py runs, then the frontier "
        "report. Arguments after `--` are passed to every train.py run.",
    )
    p.add_argument("--task", default="TMaze", help="short task name or env id")
    p.add_argument(
        "--memory-lengths",
        help=f"comma-separated (default: {DEFAULT_MEMORY_LENGTHS}; none for a task without one)",
    )
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


def split_extra(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """``(own arguments, train.py overrides)``: the arguments before and after ``--``."""
    argv = list(argv)
    if "--" in argv:
        i = argv.index("--")
        return argv[:i], argv[i + 1 :]
    return argv, []


def _memory_lengths(args: argparse.Namespace) -> list[int | None]:
    """The sweep's memory lengths: ``[None]`` when the task's env takes none (then giving
    ``--memory-lengths`` or ``--skip-after-fail`` is an error)."""
    import envs

    if "memory_length" in envs.accepted_kwargs(args.task):
        return parse_int_list("memory_lengths", args.memory_lengths or DEFAULT_MEMORY_LENGTHS, 1)
    if args.memory_lengths or args.skip_after_fail:
        raise ValueError(
            f"task {args.task} takes no memory_length: sweep its cores and seeds without "
            f"--memory-lengths and --skip-after-fail"
        )
    return [None]


def _validated_grid(args: argparse.Namespace) -> tuple[list[int | None], list[str], list[int]]:
    """The memory lengths, cores and seeds of parsed ``args``; ValueError on any bad option."""
    lengths = _memory_lengths(args)
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
    from recurrent_agents.cores import check_cores

    check_cores(cores)
    return lengths, cores, seeds


class Sweep:
    """One invocation of a sweep: its grid, the cells still to run and the manifest.

    Cells finished by an earlier invocation are marked so and not run again; the manifest is
    written after every change of a cell's status.
    """

    def __init__(
        self,
        args: argparse.Namespace,
        extra: list[str],
        lengths: list[int],
        cores: list[str],
        seeds: list[int],
    ) -> None:
        self.args = args
        self.extra = extra
        self.dir = Path(args.sweep_dir).resolve()
        self.name = args.name or self.dir.name
        self.points = grid(args.task, lengths, cores, seeds)
        self.manifest = SweepManifest(
            name=self.name,
            task=args.task,
            memory_lengths=lengths,
            cores=cores,
            seeds=seeds,
            extra=extra,
            backend=args.backend,
            skip_after_fail=bool(args.skip_after_fail),
            cells={p.name: {**asdict(p), "status": PENDING} for p in self.points},
        )
        self.todo: list[GridPoint] = []
        for point in self.points:
            if RunResult.is_finished(self.run_dir(point)):
                self.manifest.set_status(point.name, FINISHED_BEFORE)
            else:
                self.todo.append(point)
        self.skipped: set[str] = set()
        self.ran = 0

    @property
    def to_run(self) -> int:
        """Cells of this invocation that are neither finished before nor skipped."""
        return sum(p.name not in self.skipped for p in self.todo)

    def run_dir(self, point: GridPoint) -> Path:
        """Where a grid point's train.py run writes."""
        return self.dir / "runs" / point.name

    def job(self, point: GridPoint) -> Job:
        """The job of a grid point (resuming its run when its run dir exists)."""
        run_dir = self.run_dir(point)
        cmd = train_command(
            point,
            run_dir,
            group=self.name,
            extra=self.extra,
            threads_per_run=self.args.threads_per_run,
            wandb_mode=self.args.wandb_mode,
            wandb_project=self.args.wandb_project,
            resume=run_dir.exists(),
            train_script=self.args.train_script,
        )
        return Job(point.name, cmd, str(run_dir), thread_env(self.args.threads_per_run))

    def waves(self) -> list[list[GridPoint]]:
        """The cells to run in waves: with ``--skip-after-fail`` one per length, shortest first
        (skips depend on shorter lengths' results); otherwise one, in grid order."""
        if self.args.skip_after_fail:
            return [
                [p for p in self.todo if p.memory_length == m] for m in self.manifest.memory_lengths
            ]
        return [self.todo]

    def save(self) -> None:
        """Write the manifest."""
        self.manifest.write(self.dir)

    def finished_results(self) -> dict[str, RunResult]:
        """The results of the finished cells, by cell name."""
        results = {p.name: RunResult.read(self.run_dir(p)) for p in self.points}
        return {name: r for name, r in results.items() if r is not None and r.finished}

    def skip_failed_cores(self) -> set[str]:
        """With ``--skip-after-fail``: mark the unfinished cells longer than a length their core
        failed on every seed as skipped in the manifest; return the cells newly skipped."""
        if not self.args.skip_after_fail:
            return set()
        from recurrent_agents.study.frontier import core_label

        results = self.finished_results()
        skipped: set[str] = set()
        for core, length in failed_lengths(self.points, results, self.args.threshold).items():
            failed = next(p for p in self.points if p.core == core and p.memory_length == length)
            label = core_label(core, results[failed.name].config)
            later = sorted(
                (p for p in self.points if p.core == core and p.memory_length > length),
                key=lambda p: (p.memory_length, p.seed),
            )
            names = [p.name for p in later if p.name not in results]
            self.manifest.skip(core, label, length, names)
            skipped.update(names)
        newly = skipped - self.skipped
        self.skipped |= newly
        return newly

    def run_wave(self, wave: list[GridPoint], workers: int) -> None:
        """Update the skips from the finished runs, then run the wave's cells not skipped."""
        newly = self.skip_failed_cores()
        if newly:
            self.save()
            for core, info in self.manifest.skipped.items():
                if any(self.manifest.cells[n]["core"] == core for n in newly):
                    print(
                        f"{info['label']}: lengths > {info['failed_length']} skipped "
                        f"(failed L={info['failed_length']} on every seed)",
                        flush=True,
                    )
        jobs = [self.job(p) for p in wave if p.name not in self.skipped]
        if not jobs:
            return
        if self.args.backend == "ray":
            run_ray(
                jobs,
                address=self.args.address,
                threads_per_run=self.args.threads_per_run,
                workers=self.args.workers,
                on_done=self.record,
            )
        else:
            run_local(jobs, workers, on_done=self.record)

    def record(self, outcome: Outcome) -> None:
        """Record a cell's outcome in the manifest and print it (the backends' ``on_done``)."""
        self.ran += 1
        run_dir = self.dir / "runs" / outcome.name
        result = RunResult.read(run_dir)
        ok = outcome.returncode == 0 and result is not None and result.finished
        status = FINISHED if ok else failed_status(outcome.returncode)
        self.manifest.set_status(outcome.name, status, seconds=outcome.seconds)
        self.save()
        detail = status
        if ok and result.eval_success_rate is not None:
            detail = f"success {result.eval_success_rate:.2f}"
        elif ok and result.eval_mean_return is not None:
            detail = f"mean return {result.eval_mean_return:.3g}"
        print(
            f"[{self.ran}/{self.to_run}] {outcome.name}: {detail} ({outcome.seconds:.0f} s)"
            + ("" if ok else f"; see {run_dir / LOG_FILE}"),
            flush=True,
        )


def _plan(sweep: Sweep, workers: int) -> str:
    """The line announcing what this invocation of the sweep runs, and where."""
    args, manifest = sweep.args, sweep.manifest
    return (
        f"sweep {sweep.name}: {len(sweep.points)} cells ({len(manifest.memory_lengths)} lengths "
        f"x {len(manifest.cores)} cores x {len(manifest.seeds)} seeds), "
        f"{len(sweep.points) - len(sweep.todo)} already finished, "
        + (f"{len(sweep.skipped)} skipped after a failed length, " if args.skip_after_fail else "")
        + f"{sweep.to_run} to run; backend {args.backend}"
        + (f" at {args.address}" if args.address else f", {workers} workers")
        + f" ({available_cpus()} CPUs here)"
    )


def _write_report(sweep: Sweep) -> None:
    """The frontier report of the sweep's finished runs, in ``SWEEP_DIR/report``."""
    from recurrent_agents.study.frontier import load_results, report_and_log, skips_by_label

    runs = sweep.dir / "runs"
    results = load_results(runs) if runs.is_dir() else []
    if not results:
        print("no finished run: no frontier report", file=sys.stderr)
        return
    report_and_log(
        results,
        sweep.dir / "report",
        threshold=sweep.args.threshold,
        wandb_project=sweep.args.wandb_project or WANDB_PROJECT,
        wandb_group=sweep.name,
        wandb_mode=sweep.args.wandb_mode,
        config={
            "sweep_dir": str(sweep.dir),
            "task": sweep.manifest.task,
            "cores": sweep.manifest.cores,
        },
        skips=skips_by_label(sweep.manifest),
    )


def _check_cell_commands(sweep: Sweep) -> None:
    """Every cell's train.py command line is valid and keeps the cell's task, length, core, seed
    and run dir: a bad override after ``--`` fails here, in one line, not in every cell."""
    from recurrent_agents.run.config import ConfigError, build_config

    checked: set[tuple[int | None, str]] = set()
    for point in sweep.points:  # the seeds of a length and core share their command line
        if (point.memory_length, point.core) in checked:
            continue
        checked.add((point.memory_length, point.core))
        try:
            cfg = build_config(sweep.job(point).cmd[2:])
        except ConfigError as exc:
            raise ValueError(f"a train.py override after -- is bad: {exc}") from None
        cell = {**asdict(point), "run_dir": str(sweep.run_dir(point))}
        replaced = [key for key, value in cell.items() if getattr(cfg, key) != value]
        if replaced:
            raise ValueError(
                f"overrides after -- must not set {', '.join(replaced)}: the sweep sets "
                f"{', '.join(cell)} per cell"
            )


def run_sweep(args: argparse.Namespace, extra: list[str]) -> int:
    """Run the grid described by parsed ``args``; return the exit status (0: every cell done)."""
    sweep = Sweep(args, extra, *_validated_grid(args))
    _check_cell_commands(sweep)
    sweep.skip_failed_cores()
    workers = args.workers or local_workers(args.threads_per_run)
    print(_plan(sweep, workers), flush=True)
    if args.dry_run:
        if args.skip_after_fail:
            print("(skip-after-fail: longer lengths may be skipped once shorter ones fail)")
        for point in sweep.todo:
            if point.name not in sweep.skipped:
                print(" ".join(sweep.job(point).cmd))
        return 0

    sweep.dir.mkdir(parents=True, exist_ok=True)
    sweep.save()
    start = time.monotonic()
    try:
        for wave in sweep.waves():
            sweep.run_wave(wave, workers)
    except KeyboardInterrupt:
        print(f"sweep interrupted; rerun the same command to resume ({sweep.dir})", flush=True)
        return 130
    failed = sweep.manifest.failed_cells()
    seconds = time.monotonic() - start
    print(f"sweep {sweep.name}: {sweep.ran - len(failed)} cells ran in {seconds:.0f} s")
    if not args.no_report:
        _write_report(sweep)
    if failed:
        print(f"{len(failed)} cells failed: {', '.join(sorted(failed))}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python train.py sweep``; returns the exit status."""
    own, extra = split_extra(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(own)
    try:
        with signals_interrupt():
            return run_sweep(args, extra)
    except (ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
