"""Per-core hyperparameter search with Optuna: every core gets the same trials, seeds and env steps.

    python train.py tune --task TMaze --memory-length 20 --cores lstm,gru,rnn --trials 24 \\
        --seeds 0,1 --tune-dir tuning/tmaze-L20 [--workers 2] [--space space.yaml] \\
        [-- --total_timesteps=150000 ...]

One Optuna study per core (TPE sampler), stored in ``TUNE_DIR/optuna.db`` (SQLite). A trial trains
one ordinary ``train.py`` run per seed with the sampled options plus the overrides after ``--``
(the same for every core) and scores the mean over seeds of the greedy success rate (the mean
return for a task without success). The first trial of each study is the defaults (the options of
the space that ``train.py`` would use unset, where the space holds them), so a search never
reports settings worse than the defaults it measured.

Rerunning the same command resumes: finished trials are kept, a trial an interrupted invocation
left running is marked failed and its options are tried again first (its runs continue from their
checkpoints: a run's directory is named by its options and seed). Another invocation on the same
``TUNE_DIR`` is refused while one runs (a file lock).

Outputs in ``TUNE_DIR``, rewritten after every batch of trials:

- ``trials.csv``: every trial: core, number, state, score, the per-seed scores, its options.
- ``<core>.yaml``: the best trial's options as a ``train.py`` config (task, memory length, core,
  the overrides after ``--``, the tuned options): ``python train.py --config TUNE_DIR/lstm.yaml``.
- ``tuning.md``: what was tuned (the space, the budget per core) and each core's best options.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from recurrent_agents.run.config import CommandParser, core_path_name
from recurrent_agents.run.records import RunResult
from recurrent_agents.run.tracking import WANDB_MODES
from recurrent_agents.study.backends import Job, local_workers, run_local, signals_interrupt
from recurrent_agents.study.sweep import (
    TRAIN_SCRIPT,
    GridPoint,
    parse_int_list,
    parse_names,
    split_extra,
    thread_env,
    train_command,
)

#: The search space when ``--space`` is not given: the PPO options that most change what a
#: recurrent policy learns, each over a range that contains the defaults.
DEFAULT_SPACE: dict[str, dict[str, list]] = {
    "learning_rate": {"log": [1e-4, 3e-3]},
    "ent_coef": {"log": [1e-4, 0.1]},
    "n_steps": {"choices": [64, 128, 256, 512]},
    "n_epochs": {"choices": [4, 8, 16]},
    "gamma": {"choices": [0.95, 0.99, 0.995, 0.999]},
    "gae_lambda": {"choices": [0.9, 0.95, 0.98]},
    "clip_range": {"choices": [0.1, 0.2, 0.3]},
    "hidden_size": {"choices": [32, 64, 128, 256]},
}
SPACE_KINDS = ("log", "uniform", "int", "choices")
#: Options a trial may not tune: they say which cell a run is or where it writes.
FIXED_PER_RUN = ("task", "memory_length", "core", "seed", "run_dir", "config", "resume")
STORAGE_FILE = "optuna.db"
LOCK_FILE = "tune.lock"
TRIALS_FILE = "trials.csv"
REPORT_FILE = "tuning.md"
#: User attribute of a trial whose runs failed (it counts against the budget; an interrupted
#: trial, failed on resume, does not and is tried again).
FAILED_RUN = "failed_run"


# ----------------------------------------------------------------------------- space


def parse_space(spec: dict[str, Any]) -> dict[str, Any]:
    """Optuna distributions from ``{option: {kind: values}}`` (``log``/``uniform``: ``[low,
    high]`` floats, ``int``: ``[low, high]``, ``choices``: a list); ValueError naming the entry."""
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    from recurrent_agents.run.config import FIELDS

    if not isinstance(spec, dict) or not spec:
        raise ValueError(f"space must be a non-empty mapping of option -> range, got {spec!r}")
    space = {}
    for name, entry in spec.items():
        if name not in FIELDS or name in FIXED_PER_RUN:
            raise ValueError(
                f"space option {name!r} must be a train.py option other than "
                f"{', '.join(FIXED_PER_RUN)}"
            )
        if not isinstance(entry, dict) or len(entry) != 1 or next(iter(entry)) not in SPACE_KINDS:
            raise ValueError(
                f"space option {name} must be one of {{log|uniform|int: [low, high]}} or "
                f"{{choices: [...]}}, got {entry!r}"
            )
        kind, values = next(iter(entry.items()))
        if kind == "choices":
            if not isinstance(values, list) or not values:
                raise ValueError(f"space option {name}: choices must be a non-empty list")
            space[name] = CategoricalDistribution(values)
            continue
        if (
            not isinstance(values, list)
            or len(values) != 2
            or not all(isinstance(v, int | float) and math.isfinite(v) for v in values)
            or not values[0] < values[1]
            or (kind == "log" and values[0] <= 0)
        ):
            raise ValueError(
                f"space option {name}: {kind} needs [low, high] with low < high"
                f"{' and low > 0' if kind == 'log' else ''}, got {values!r}"
            )
        low, high = values
        if kind == "int":
            space[name] = IntDistribution(int(low), int(high))
        else:
            space[name] = FloatDistribution(float(low), float(high), log=kind == "log")
    return space


def load_space(path: str | None) -> dict[str, Any]:
    """The search space of ``--space`` (a YAML file), else ``DEFAULT_SPACE``."""
    if path is None:
        return parse_space(DEFAULT_SPACE)
    try:
        spec = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"space must be a readable YAML file, got {path!r}: {exc}") from None
    return parse_space(spec)


def default_params(space: dict[str, Any], extra: Sequence[str], core: str) -> dict[str, Any]:
    """The options of ``space`` as ``train.py`` resolves them for ``core`` without them
    (defaults, the core's own and the overrides after ``--``), where the space can hold that
    value."""
    from recurrent_agents.ppo import resolve_core_defaults
    from recurrent_agents.run.config import build_config

    cfg = build_config([*extra, f"--core={core}"])
    # What the config leaves to the core (None), as RecurrentPPO resolves it.
    actor_value_coef, learning_rate = resolve_core_defaults(
        cfg.policy_kwargs(), cfg.actor_value_coef, cfg.learning_rate
    )
    resolved = {"actor_value_coef": actor_value_coef, "learning_rate": learning_rate}
    params = {}
    for name, dist in space.items():
        value = resolved.get(name, getattr(cfg, name))
        choices = getattr(dist, "choices", None)
        if choices is not None:
            inside = value in choices
        else:
            inside = isinstance(value, int | float) and dist.low <= value <= dist.high
        if inside:
            params[name] = value
    return params


# ----------------------------------------------------------------------------- runs


def params_digest(params: dict[str, Any]) -> str:
    """A short stable name for a set of options (a retried trial finds its runs again)."""
    text = json.dumps(params, sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:10]


def trial_overrides(params: dict[str, Any]) -> list[str]:
    """``--option=value`` arguments of a trial's options (lists as ``a,b``)."""

    def text(value: Any) -> str:
        return ",".join(map(str, value)) if isinstance(value, list) else str(value)

    return [f"--{name}={text(value)}" for name, value in sorted(params.items())]


def run_score(result: RunResult | None) -> float | None:
    """A finished run's score: greedy success rate, else mean return; None when it has neither."""
    if result is None or not result.finished:
        return None
    value = result.eval_success_rate
    return result.eval_mean_return if value is None else value


class Tuning:
    """One invocation of ``train.py tune``: its options, the studies and the runs of trials."""

    def __init__(self, args: argparse.Namespace, extra: list[str]) -> None:
        self.args = args
        self.extra = extra
        self.dir = Path(args.tune_dir).resolve()
        self.cores = parse_names("cores", args.cores)
        self.seeds = parse_int_list("seeds", args.seeds, 0)
        self.space = load_space(args.space)
        self.workers = args.workers or local_workers(args.threads_per_run)
        self.name = self.dir.name

    def run_dir(self, core: str, params: dict[str, Any], seed: int) -> Path:
        """Where the run of a trial's options and one seed writes."""
        core_dir = core_path_name(core)
        return self.dir / "runs" / core_dir / f"p-{params_digest(params)}" / f"s{seed}"

    def job(self, core: str, params: dict[str, Any], seed: int) -> Job:
        """The ``train.py`` job of one seed of a trial (resuming its run when it exists)."""
        run_dir = self.run_dir(core, params, seed)
        point = GridPoint(self.args.task, self.args.memory_length, core, seed)
        cmd = train_command(
            point,
            run_dir,
            group=f"{self.name}-{core}",
            extra=[*self.extra, *trial_overrides(params)],
            threads_per_run=self.args.threads_per_run,
            wandb_mode=self.args.wandb_mode,
            resume=run_dir.exists(),
            train_script=self.args.train_script,
        )
        name = f"{core_path_name(core)}/p-{params_digest(params)}/s{seed}"
        return Job(name, cmd, str(run_dir), thread_env(self.args.threads_per_run))

    def check_commands(self) -> None:
        """The runs' command line is valid at the space's corners (before anything is written):
        a bad override after ``--`` or an option the space cannot set fails here, in one line."""
        from recurrent_agents.run.config import ConfigError, build_config

        for name, dist in self.space.items():
            values = getattr(dist, "choices", None) or (dist.low, dist.high)
            for value in values:
                job = self.job(self.cores[0], {name: value}, self.seeds[0])
                try:
                    cfg = build_config(job.cmd[2:])
                except ConfigError as exc:
                    raise ValueError(f"a trial's train.py options are bad: {exc}") from None
                if cfg.core != self.cores[0] or cfg.run_dir != job.run_dir:
                    raise ValueError(
                        "overrides after -- must not set core or run_dir: tune sets them per run"
                    )


# ----------------------------------------------------------------------------- studies


def _study(tuning: Tuning, core: str) -> Any:
    """The core's study in the tune dir's storage (created, with the defaults enqueued first)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = f"sqlite:///{tuning.dir / STORAGE_FILE}"
    startup = min(10, max(2, tuning.args.trials // 3))
    sampler = optuna.samplers.TPESampler(
        seed=tuning.args.sampler_seed + zlib.crc32(core.encode()) % 10_000,
        n_startup_trials=startup,
    )
    study = optuna.create_study(
        study_name=core,
        storage=storage,
        sampler=sampler,
        direction="maximize",
        load_if_exists=True,
    )
    if not study.trials:
        study.enqueue_trial(default_params(tuning.space, tuning.extra, core))
    _retry_interrupted(study)
    return study


def _retry_interrupted(study: Any) -> None:
    """Fail the trials an interrupted invocation left running, and try their options again."""
    from optuna.trial import TrialState

    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        study.tell(trial.number, state=TrialState.FAIL)
        study.enqueue_trial(trial.params)


def budget_used(study: Any) -> int:
    """Trials that count against the budget: completed ones and those whose runs failed."""
    from optuna.trial import TrialState

    return sum(
        t.state == TrialState.COMPLETE
        or (t.state == TrialState.FAIL and FAILED_RUN in t.user_attrs)
        for t in study.trials
    )


def run_batch(tuning: Tuning, core: str, study: Any, size: int) -> None:
    """Ask ``size`` trials, run every seed of each (``workers`` runs at a time), tell the scores."""
    from optuna.trial import TrialState

    trials = [study.ask(tuning.space) for _ in range(size)]
    # a run finished before (a retried trial's, or the same options sampled again) is reused
    runs = {
        (t.number, seed): tuning.run_dir(core, t.params, seed)
        for t in trials
        for seed in tuning.seeds
    }
    jobs = [
        tuning.job(core, t.params, seed)
        for t in trials
        for seed in tuning.seeds
        if not RunResult.is_finished(runs[t.number, seed])
    ]
    run_local(jobs, tuning.workers)
    for trial in trials:
        results = {seed: RunResult.read(runs[trial.number, seed]) for seed in tuning.seeds}
        scores = {seed: run_score(result) for seed, result in results.items()}
        trial.set_user_attr("scores", {str(s): v for s, v in scores.items()})
        missing = [s for s, v in scores.items() if v is None]
        if missing:
            where = runs[trial.number, missing[0]]
            trial.set_user_attr(FAILED_RUN, f"seeds {missing}; see {where}")
            study.tell(trial, state=TrialState.FAIL)
            print(f"{core} trial {trial.number}: failed ({trial.user_attrs[FAILED_RUN]})")
            continue
        steps = [result.env_steps for result in results.values()]
        if all(isinstance(n, int) for n in steps):
            trial.set_user_attr("env_steps", sum(steps) / len(steps))
        value = sum(scores.values()) / len(scores)
        study.tell(trial, value)
        print(f"{core} trial {trial.number}: {value:.3f} {trial.params}", flush=True)


# ----------------------------------------------------------------------------- outputs


def trial_rows(studies: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per trial of every core's study (``trials.csv``)."""
    rows = []
    for core, study in studies.items():
        for t in study.trials:
            rows.append(
                {
                    "core": core,
                    "trial": t.number,
                    "state": t.state.name.lower(),
                    "score": t.value,
                    "scores": json.dumps(t.user_attrs.get("scores", {}), sort_keys=True),
                    **{f"param_{k}": v for k, v in sorted(t.params.items())},
                }
            )
    return rows


def _write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def best_trial(study: Any) -> Any | None:
    """The completed trial of the highest score, and of those the fewest mean env steps (runs
    stopped early by ``--stop_at_success``); None before any trial completed."""
    from optuna.trial import TrialState

    done = [t for t in study.trials if t.state == TrialState.COMPLETE]
    if not done:
        return None
    return max(done, key=lambda t: (t.value, -t.user_attrs.get("env_steps", 0), -t.number))


def best_config(tuning: Tuning, core: str, study: Any) -> dict[str, Any] | None:
    """The best trial as a ``train.py`` config: the cell, the overrides after ``--`` and the tuned
    options, typed as the run resolved them; None before any trial completed."""
    best = best_trial(study)
    if best is None:
        return None
    result = RunResult.read(tuning.run_dir(core, best.params, tuning.seeds[0]))
    resolved = result.config if result is not None else {}
    overridden = {a[2:].split("=", 1)[0] for a in tuning.extra if a.startswith("--")}
    keep = ["task", "memory_length", "core", *sorted(overridden), *sorted(best.params)]
    keep = [k for k in dict.fromkeys(keep) if k in resolved and k not in ("run_dir", "resume")]
    return {key: resolved[key] for key in keep}


def report(tuning: Tuning, studies: dict[str, Any], command: str) -> str:
    """``tuning.md``: the budget, the space, and each core's best score and options."""
    length = tuning.args.memory_length
    seeds = ", ".join(map(str, tuning.seeds))
    lines = [
        f"# Hyperparameter search per core: {tuning.args.task}"
        + ("" if length is None else f", memory length {length}"),
        "",
        f"Command: `{command}`",
        "",
        f"Same budget for every core: {tuning.args.trials} trials (Optuna TPE, the first one the "
        f"defaults), each trial {len(tuning.seeds)} seed(s) ({seeds}) of train.py with "
        f"`{' '.join(tuning.extra) or 'the defaults'}`. Score: the mean over seeds of the greedy "
        "success rate after the last update (mean return for a task without one); among equal "
        "scores the best trial is the one with the fewest env steps (runs stopped early by "
        "`--stop_at_success`). Chosen on these seeds: measure the chosen options on others.",
        "",
        "| option | searched over |",
        "|---|---|",
    ]
    for name, dist in tuning.space.items():
        choices = getattr(dist, "choices", None)
        if choices is not None:
            lines.append(f"| {name} | {', '.join(map(str, choices))} |")
        else:
            scale = "log-uniform" if getattr(dist, "log", False) else "uniform"
            lines.append(f"| {name} | {scale} [{dist.low}, {dist.high}] |")
    lines += [
        "",
        "Score (mean env steps per run) of each core's best trial and of its first, the defaults:",
        "",
        "| core | trials done | best | best trial | defaults | best options |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for core, study in studies.items():
        best = best_trial(study)
        first = study.trials[0] if study.trials else None
        options = (
            "-"
            if best is None
            else ", ".join(f"{k}={_short(v)}" for k, v in sorted(best.params.items()))
        )
        lines.append(
            f"| {core} | {budget_used(study)} | {_trial_score(best)} | "
            f"{'-' if best is None else best.number} | {_trial_score(first)} | {options} |"
        )
    return "\n".join(lines) + "\n"


def _trial_score(trial: Any | None) -> str:
    """A trial's score and mean env steps, e.g. ``1.000 (42.5k)``; ``-`` before it completed."""
    if trial is None or trial.value is None:
        return "-"
    steps = trial.user_attrs.get("env_steps")
    return f"{trial.value:.3f}" + ("" if steps is None else f" ({steps / 1e3:.1f}k)")


def _short(value: Any) -> str:
    """An option's value for the table: floats to 3 significant digits."""
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def write_outputs(tuning: Tuning, studies: dict[str, Any], command: str) -> None:
    """``trials.csv``, each core's ``<core>.yaml`` (once a trial completed) and ``tuning.md``."""
    rows = trial_rows(studies)
    if rows:
        _write_csv(rows, tuning.dir / TRIALS_FILE)
    for core, study in studies.items():
        config = best_config(tuning, core, study)
        if config is not None:
            text = f"# best of {budget_used(study)} trials of `train.py tune` ({REPORT_FILE})\n"
            config_file = tuning.dir / f"{core_path_name(core)}.yaml"
            config_file.write_text(text + yaml.safe_dump(config, sort_keys=False))
    (tuning.dir / REPORT_FILE).write_text(report(tuning, studies, command))


# ----------------------------------------------------------------------------- CLI


def build_parser() -> argparse.ArgumentParser:
    """Argument parser of ``python train.py tune`` (overrides for train.py go after ``--``)."""
    p = CommandParser(
        prog="train.py tune",
        description="Search train.py options per core with Optuna, the same trials, seeds and "
        "env steps for every core. Arguments after `--` are passed to every train.py run.",
    )
    p.add_argument("--task", default="TMaze", help="short task name or env id")
    p.add_argument("--memory-length", type=int, help="the task's memory length (if it takes one)")
    p.add_argument("--cores", default="lstm,gru,rnn", help="comma-separated core names")
    p.add_argument("--trials", type=int, default=20, help="trials per core (the budget)")
    p.add_argument("--seeds", default="0", help="comma-separated seeds; a trial scores their mean")
    p.add_argument("--tune-dir", required=True, help="output dir; rerun the same to resume")
    p.add_argument(
        "--space", help=f"YAML search space {{option: {{{'|'.join(SPACE_KINDS)}: ...}}}}"
    )
    p.add_argument("--workers", type=int, help="parallel runs (default: CPUs // threads-per-run)")
    p.add_argument("--threads-per-run", type=int, default=1, help="torch threads per run")
    p.add_argument("--sampler-seed", type=int, default=0, help="seed of the TPE sampler")
    p.add_argument("--wandb-mode", default="disabled", choices=WANDB_MODES)
    p.add_argument("--train-script", default=str(TRAIN_SCRIPT), help=argparse.SUPPRESS)
    return p


def _validate(args: argparse.Namespace) -> None:
    """Options whose values argparse cannot check; ValueError naming the bad one."""
    import envs
    from recurrent_agents.cores import check_cores

    for name in ("trials", "workers", "threads_per_run"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise ValueError(f"{name.replace('_', '-')} must be a positive int, got {value}")
    takes_length = "memory_length" in envs.accepted_kwargs(args.task)
    if takes_length and (args.memory_length is None or args.memory_length < 1):
        raise ValueError(
            f"memory-length must be a positive int for task {args.task}, got {args.memory_length}"
        )
    if not takes_length and args.memory_length is not None:
        raise ValueError(f"task {args.task} takes no memory_length, got {args.memory_length}")
    check_cores(parse_names("cores", args.cores))


def run_tuning(args: argparse.Namespace, extra: list[str], command: str) -> int:
    """Tune every core to its budget; return the exit status (0: every study has its trials)."""
    from filelock import FileLock, Timeout

    _validate(args)
    tuning = Tuning(args, extra)
    tuning.check_commands()
    tuning.dir.mkdir(parents=True, exist_ok=True)
    try:
        lock = FileLock(tuning.dir / LOCK_FILE, timeout=0)
        lock.acquire()
    except Timeout:
        raise ValueError(f"another train.py tune is running in {tuning.dir}") from None
    try:
        studies = {core: _study(tuning, core) for core in tuning.cores}
        for core, study in studies.items():
            while (left := args.trials - budget_used(study)) > 0:
                run_batch(
                    tuning, core, study, min(left, max(1, tuning.workers // len(tuning.seeds)))
                )
                write_outputs(tuning, studies, command)
        write_outputs(tuning, studies, command)
    except KeyboardInterrupt:
        print(f"tune interrupted; rerun the same command to resume ({tuning.dir})", flush=True)
        return 130
    finally:
        lock.release()
    print((tuning.dir / REPORT_FILE).read_text())
    unscored = [core for core, study in studies.items() if best_trial(study) is None]
    if unscored:
        print(f"no trial of {', '.join(unscored)} completed: see trials.csv", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python train.py tune``; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    own, extra = split_extra(argv)
    args = build_parser().parse_args(own)
    command = "python train.py tune " + " ".join(argv)
    try:
        with signals_interrupt():
            return run_tuning(args, extra, command)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
