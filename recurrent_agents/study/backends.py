"""Where a sweep's cells run: a local pool of worker processes, or Ray tasks on a cluster.

A cell is one ``train.py`` subprocess (a ``Job``), so both backends only launch commands and wait:
the training itself never runs inside the pool or the Ray worker. That keeps every cell an
ordinary, reproducible run and makes the two backends interchangeable.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BACKENDS = ("local", "ray")
LOG_FILE = "train.log"


@dataclass(frozen=True)
class Job:
    """One command to run with extra environment variables; output goes to ``run_dir/train.log``."""

    name: str
    cmd: list[str]
    run_dir: str
    env: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """How a job ended: exit status (negative: killed by that signal) and wall time."""

    name: str
    returncode: int
    seconds: float


def available_cpus() -> int:
    """CPUs this process may use (affinity-aware where the OS supports it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS / Windows
        return os.cpu_count() or 1


def local_workers(threads_per_run: int, cpus: int | None = None) -> int:
    """Parallel runs that fit the machine: CPUs // threads per run, at least 1."""
    return max(1, (cpus or available_cpus()) // max(1, threads_per_run))


class _Children:
    """Live subprocesses, so that Ctrl-C stops the whole sweep rather than orphaning runs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._procs: set[subprocess.Popen] = set()
        self.stopping = False

    def add(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._procs.add(proc)
            late = self.stopping  # started while the sweep was being stopped
        if late:
            _signal_group(proc, signal.SIGINT)

    def discard(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._procs.discard(proc)

    def terminate_all(self) -> None:
        with self._lock:
            self.stopping = True
            procs = list(self._procs)
        for proc in procs:
            # SIGINT first: train.py saves a checkpoint on KeyboardInterrupt, so --resume resumes
            _signal_group(proc, signal.SIGINT)
        deadline = time.monotonic() + 20.0
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError, AttributeError):
        pass


def run_job(job: Job, children: _Children | None = None) -> Outcome:
    """Run one job to completion in its own process group; stdout+stderr to its log file."""
    start = time.monotonic()
    if children is not None and children.stopping:
        return Outcome(job.name, -int(signal.SIGINT), 0.0)
    run_dir = Path(job.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **job.env}
    with (run_dir / LOG_FILE).open("ab") as log:
        log.write(f"$ {' '.join(job.cmd)}\n".encode())
        log.flush()
        proc = subprocess.Popen(
            job.cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        if children is not None:
            children.add(proc)
        try:
            returncode = proc.wait()
        finally:
            if children is not None:
                children.discard(proc)
    return Outcome(job.name, returncode, time.monotonic() - start)


OnDone = Callable[[Outcome], None]


def run_local(jobs: Sequence[Job], workers: int, on_done: OnDone | None = None) -> list[Outcome]:
    """Run jobs ``workers`` at a time on this machine; Ctrl-C stops every running job."""
    children = _Children()
    outcomes: list[Outcome] = []
    # threads only wait on subprocesses: the work (and the GIL-free parallelism) is in the children
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="sweep")
    try:
        pending = {pool.submit(run_job, job, children) for job in jobs}
        while pending:
            # a timeout keeps the main thread waking up, so SIGINT/SIGTERM handlers get to run
            done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for fut in done:
                outcome = fut.result()
                outcomes.append(outcome)
                if on_done:
                    on_done(outcome)
    except KeyboardInterrupt:
        children.terminate_all()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return outcomes


def _require_ray():  # noqa: ANN202 - returns the ray module
    try:
        import ray
    except ImportError as exc:
        raise RuntimeError(
            'backend "ray" needs Ray: pip install -e ".[ray]" (or pip install "ray[tune]")'
        ) from exc
    return ray


def run_ray(
    jobs: Sequence[Job],
    *,
    address: str | None = None,
    threads_per_run: int = 1,
    workers: int | None = None,
    on_done: OnDone | None = None,
) -> list[Outcome]:
    """Run each job as a Ray task (``num_cpus=threads_per_run``).

    ``address``: an existing cluster (``"auto"``, ``"ray://head:10001"``, ``"head:6379"``); without
    it a local Ray instance is started with ``workers * threads_per_run`` CPUs. On a cluster the
    command's interpreter, ``train.py`` and the sweep directory must exist at the same paths on
    every node (same image + shared filesystem), because each task runs the command as is.
    """
    ray = _require_ray()
    started_here = _init_ray(ray, address, workers, threads_per_run)

    def run_cell_task(name: str, cmd: list[str], run_dir: str, env: dict[str, str]) -> tuple:
        # defined here so cloudpickle ships it by value: workers need no recurrent_agents install
        import os as _os
        import subprocess as _sp
        import time as _time
        from pathlib import Path as _Path

        start = _time.monotonic()
        _Path(run_dir).mkdir(parents=True, exist_ok=True)
        with (_Path(run_dir) / LOG_FILE).open("ab") as log:
            log.write(f"$ {' '.join(cmd)}\n".encode())
            log.flush()
            code = _sp.run(
                cmd, stdout=log, stderr=_sp.STDOUT, env={**_os.environ, **env}
            ).returncode
        return name, code, _time.monotonic() - start

    task = ray.remote(num_cpus=threads_per_run, max_retries=0)(run_cell_task)
    pending: list = []  # bound before the try: Ctrl-C during submission cancels what was sent
    try:
        for j in jobs:
            pending.append(task.remote(j.name, j.cmd, j.run_dir, j.env))
        return _collect(ray, pending, on_done)
    except KeyboardInterrupt:
        for ref in pending:
            ray.cancel(ref, force=True)
        raise
    finally:
        if started_here:
            ray.shutdown()


def _init_ray(ray: Any, address: str | None, workers: int | None, threads_per_run: int) -> bool:
    """Connect to ``address`` or start a local Ray sized for ``workers`` runs, unless Ray is
    already up; whether this call started it (and so must shut it down)."""
    if ray.is_initialized():
        return False
    if address:
        ray.init(address=address)
    else:
        cpus = (workers or local_workers(threads_per_run)) * threads_per_run
        ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False)
    return True


def _collect(ray: Any, pending: list, on_done: OnDone | None) -> list[Outcome]:
    """Wait for the Ray tasks ``pending`` (emptied as they end), reporting each as it ends."""
    outcomes: list[Outcome] = []
    while pending:
        done, pending[:] = ray.wait(pending, num_returns=1)
        name, code, seconds = ray.get(done[0])
        outcomes.append(Outcome(name, int(code), float(seconds)))
        if on_done:
            on_done(outcomes[-1])
    return outcomes


def python_executable() -> str:
    """The interpreter cells run with (the one running the sweep)."""
    return sys.executable


@contextmanager
def signals_interrupt() -> Iterator[None]:
    """While inside: SIGTERM raises KeyboardInterrupt like Ctrl-C, so that a scheduler stopping a
    sweep or a search stops its runs (checkpointed) instead of orphaning them. Installing a SIGINT
    handler also un-ignores SIGINT for the children (a shell starts background jobs with SIGINT
    ignored, and an ignored signal survives exec). Outside the main thread it changes nothing."""
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, _raise_interrupt)
        previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")
