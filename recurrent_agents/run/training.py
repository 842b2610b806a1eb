"""One training run: build env and agent, train with checkpoints, evaluate greedily, log to W&B.

`run_training(config)` is what `python train.py` calls. Output in `config.run_dir`:
`config.yaml`, `checkpoints/`, `model.zip` (final), `result.json` (the run's `RunResult`, written
last: the marker of a finished run that sweeps read) and the `wandb/` directory of the run.

The steps read top to bottom in `run_training`: check the run directory and build the env, model
and curriculum (new, or from the newest checkpoint that loads) before writing anything; lock the
run directory and store the config; start W&B, train with checkpoints, save the model, evaluate,
log the end of the run and write its result. Training that diverges (a non-finite loss or
parameters) stops with a checkpoint of its last finite parameters and a FloatingPointError.

Any Gymnasium task trains: observations SB3 cannot take are adapted (`envs.adapt`); the policy is
the `MlpPolicy` for a vector (or a lone image) and `DICT_POLICY` for a Dict of images and a
vector, which `_keeps_images` asks for only once the agent library has that policy (until then
every observation is one vector). A task without `info["is_success"]` is judged by its greedy
mean return.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from recurrent_agents.defaults import BOOTSTRAP_IN_RANGE
from recurrent_agents.run import checkpoint, rundir
from recurrent_agents.run.config import (
    RESUME_SAFE,
    RESUME_SAFE_VALUES,
    STOP_AT_ENV_THRESHOLD,
    ConfigError,
    TrainConfig,
    config_differences,
    core_label,
    task_label,
)
from recurrent_agents.run.records import (
    FINISHED,
    RESULT_FILE,
    RunResult,
    stage_summary_prefix,
)
from recurrent_agents.run.rundir import CKPT_DIR, MODEL_FILE, STAGES_DIR
from recurrent_agents.run.tracking import init_wandb, run_directory

if TYPE_CHECKING:
    from collections.abc import Callable

    from recurrent_agents.ppo import RecurrentPPO
    from recurrent_agents.run.curriculum import MemoryCurriculum

#: The policy for Dict observations (images for a CNN beside a vector).
DICT_POLICY = "MultiInputLstmPolicy"


def _note(message: str) -> None:
    """A one-line status message on stderr (stdout stays free for the caller)."""
    print(f"[train] {message}", file=sys.stderr, flush=True)


def _keeps_images() -> bool:
    """Whether images big enough for a CNN stay images (in a Dict observation): only once the
    agent library has `DICT_POLICY`; until then they are flattened into the vector."""
    from recurrent_agents import RecurrentPPO

    return DICT_POLICY in RecurrentPPO.policy_aliases


def make_env(cfg: TrainConfig, seed: int, memory_length: int | None = None) -> Any:
    """The batched training env inside VecMonitor; bad env kwargs become a ConfigError.

    ``memory_length`` overrides the config's (a curriculum stage's length).
    """
    from envs.sb3 import make_sb3_vec_env

    env_kwargs = cfg.env_kwargs()
    if memory_length is not None:
        env_kwargs["memory_length"] = memory_length
    try:
        return make_sb3_vec_env(
            cfg.task,
            n_envs=cfg.n_envs,
            seed=seed,
            prev_action_reward=cfg.prev_action_reward,
            keep_images=_keeps_images(),
            **env_kwargs,
        )
    except (ValueError, TypeError) as exc:
        raise ConfigError(" ".join(str(exc).split())) from None


def _episode_horizon(cfg: TrainConfig, memory_length: int) -> int:
    """The longest episode of the task at ``memory_length``, as its env declares it
    (:func:`recurrent_agents.horizon.episode_horizon`; ConfigError for an env without one)."""
    import gymnasium as gym

    from envs import env_id
    from recurrent_agents.horizon import episode_horizon

    env_kwargs = cfg.env_kwargs() | {"memory_length": memory_length}
    env = gym.make(env_id(cfg.task), **env_kwargs)
    horizon = episode_horizon(env)
    env.close()
    if horizon is None:
        raise ConfigError(
            f"curriculum needs a task whose env has an episode_horizon (its longest episode, "
            f"to size the rollouts); task {cfg.task} has none"
        )
    return horizon


def new_model(cfg: TrainConfig, env: Any) -> Any:
    """A new RecurrentPPO from the config; a value the agent rejects becomes a ConfigError."""
    from gymnasium import spaces

    from recurrent_agents import RecurrentPPO

    policy = DICT_POLICY if isinstance(env.observation_space, spaces.Dict) else "MlpPolicy"
    try:
        return RecurrentPPO(
            policy,
            env,
            policy_kwargs=cfg.policy_kwargs(),
            seed=cfg.seed,
            verbose=cfg.verbose,
            device=cfg.device,
            **cfg.ppo_kwargs(),
        )
    except (ValueError, TypeError) as exc:
        raise ConfigError(" ".join(str(exc).split())) from None


def _load_newest_checkpoint(
    cfg: TrainConfig, ckpt_dir: Path, stages: list[int]
) -> tuple[Any, dict[str, Any]]:
    """The model of the newest checkpoint that loads (RNG states restored) and its state.

    A damaged checkpoint (torn or empty zip, bad state) is skipped, never deleted.
    """
    from recurrent_agents import RecurrentPPO

    failures = []
    for state in checkpoint.checkpoint_states(ckpt_dir):
        env = None
        try:
            steps = int(state["num_timesteps"])
            stage = min(int(state.get("curriculum_stage", 0)), len(stages) - 1)
            env = make_env(cfg, seed=cfg.seed + steps, memory_length=stages[stage])
            model = RecurrentPPO.load(state["model_path"], env=env, device=cfg.device)
            checkpoint.restore_rng_states(state["rng"])
        except Exception as exc:  # noqa: BLE001 - any damage: fall back to an older checkpoint
            if env is not None:
                env.close()
            failures.append(f"{Path(state['model_path']).name}: {type(exc).__name__}")
            continue
        # load() reseeds the env with the original seed; new episodes avoid a replay.
        env.seed(cfg.seed + steps)
        skipped = f" (newer ones do not load: {'; '.join(failures)})" if failures else ""
        _note(f"resuming from {state['model_path']} at {steps} env steps{skipped}")
        return model, state
    found = "; ".join(failures) or "latest.json and every model_*.json are torn or name no model"
    raise ConfigError(
        f"--resume: no checkpoint in {ckpt_dir} loads ({found}); pass --overwrite to start over"
    )


def _check_earlier_run(cfg: TrainConfig, run_dir: Path) -> list[str]:
    """The earlier run's files in run_dir, after checking that this run may start there:
    a new run only with --overwrite, a resumed one only with the same config (but for
    `RESUME_SAFE` options). Reads only."""
    files = rundir.earlier_run_files(run_dir)
    if not files or cfg.overwrite:
        return files
    if not cfg.resume:
        raise ConfigError(
            f"run_dir {run_dir} holds an earlier run ({', '.join(files)}): pass --resume to "
            "continue it or --overwrite to replace it"
        )
    if not checkpoint.has_checkpoints(run_dir / CKPT_DIR):
        if RESULT_FILE in files or MODEL_FILE in files:
            raise ConfigError(
                f"--resume: the run in {run_dir} has no checkpoints (checkpoint_every=0?), so "
                "there is nothing to resume; pass --overwrite to replace it"
            )
        return files
    stored = rundir.read_config(run_dir)
    differing = config_differences(stored, cfg.to_dict()) if stored is not None else []
    if differing:
        changes = ", ".join(f"{k} ({stored[k]!r} -> {getattr(cfg, k)!r})" for k in differing)
        raise ConfigError(
            f"--resume: the config differs from the run in {run_dir} in {changes}; only "
            f"{', '.join(RESUME_SAFE)} may change, {_switchable_values()} (--overwrite "
            "starts a new run)"
        )
    return files


def _switchable_values() -> str:
    """`RESUME_SAFE_VALUES` in words: "success_measure between training and either"."""
    return ", ".join(
        f"{name} between {' and '.join(values)}" for name, values in RESUME_SAFE_VALUES.items()
    )


def _build_curriculum(
    cfg: TrainConfig,
    model: Any,
    stages: list[int],
    stage: int,
    state: dict[str, Any] | None,
    seconds_before: float,
) -> MemoryCurriculum | None:
    """The memory-length curriculum from `stage` on, or None for a single-stage run; with
    ``stage_results`` it writes each passed stage's result into the run directory."""
    from recurrent_agents.run.curriculum import MemoryCurriculum

    if len(stages) == 1:
        return None
    _episode_horizon(cfg, stages[-1])  # a task without one fails now, not at the first switch
    return MemoryCurriculum(
        stages,
        # New seeds per stage: no stage replays another's episodes.
        make_env=lambda length: make_env(cfg, cfg.seed + model.num_timesteps, length),
        threshold=cfg.curriculum_threshold,
        # At least one horizon, and never less than L + 2, the size every task got before the
        # horizon came from the env (seeded runs reproduce). L + 2 holds a whole T-maze episode
        # (L + 1 steps) in only ~2 of every L + 1 rollouts as episodes drift across them;
        # align_rollouts rounds every rollout length to whole episodes (RecurrentPPO).
        min_rollout=lambda length: max(_episode_horizon(cfg, length), length + 2),
        start_stage=stage,
        history=state.get("curriculum_history") if state else None,
        seconds_before=seconds_before,
        ent_coef=cfg.ent_coef if cfg.curriculum_scale_ent_coef else None,
        greedy_success=_greedy_success_probe(cfg, model),
        judge_at_entry=cfg.judge_at_entry == "all",
        on_stage_passed=(
            (lambda *stage: _write_stage_result(cfg, model, *stage, passed=True))
            if cfg.stage_results
            else None
        ),
        verbose=cfg.verbose,
    )


def _stage_dir(run_dir: Path, length: int) -> Path:
    """Where ``stage_results`` writes the stage of memory length ``length``."""
    return run_dir / STAGES_DIR / f"L{length}"


def _write_stage_result(
    cfg: TrainConfig, model: Any, length: int, env_steps: int, train_seconds: float, passed: bool
) -> RunResult:
    """Write ``stages/L<length>/`` of the run: the model as it is now and its result, as a run
    of ``cfg`` with ``length`` as its target would have written them had it stopped here (same
    config but for the length; same greedy evaluation, also at ``eval_length_factor`` times
    ``length``), having learned from ``env_steps``. ``passed``: whether the stage was passed
    (else the run ended in or before it)."""
    stage_dir = _stage_dir(Path(cfg.run_dir), length)
    stage_cfg = dataclasses.replace(
        cfg, memory_length=length, run_dir=str(stage_dir), stage_results=False
    )
    model_path = stage_dir / MODEL_FILE
    checkpoint.save_model_atomic(model, model_path)
    result = RunResult(
        task=cfg.task,
        memory_length=length,
        core=cfg.core,
        seed=cfg.seed,
        env_steps=int(env_steps),
        train_seconds=round(train_seconds, 2),
        train_seconds_total=round(train_seconds, 2),
        stopped_at_success=passed,
        model_path=str(model_path),
        status=FINISHED,
        config=stage_cfg.to_dict(),
        **evaluate_run(stage_cfg, model),
    )
    result.write(stage_dir)
    model.logger.record(f"eval/success_rate/L={length}", result.eval_success_rate)
    return result


def _write_unpassed_stage_results(
    cfg: TrainConfig, model: Any, run_dir: Path, train_seconds: float
) -> None:
    """With ``stage_results``: the results of the stages below the target that the run did not
    pass (it ended in or before them), from the final model, as a run stopped by its budget
    would report them."""
    from recurrent_agents.run.curriculum import curriculum_stages

    if not cfg.stage_results:
        return
    steps = int(model.num_timesteps)
    for length in curriculum_stages(cfg.curriculum, cfg.memory_length)[:-1]:
        if not RunResult.is_finished(_stage_dir(run_dir, length)):
            _write_stage_result(cfg, model, length, steps, train_seconds, passed=False)


#: Episodes of each greedy success measurement (``success_measure="greedy"``), all stepped at
#: once: as many as the training measure's window.
GREEDY_SUCCESS_EPISODES = 100


def _greedy_success_probe(cfg: TrainConfig, model: Any) -> Callable[[int | None], float] | None:
    """With ``success_measure="greedy"``: :func:`_greedy_success` of the model (else None)."""
    return _greedy_success(cfg, model) if cfg.success_measure == "greedy" else None


def _stop_confirmation(cfg: TrainConfig, model: Any) -> Callable[[], float] | None:
    """With ``confirm_stop`` and the training measure (``training`` or ``either``):
    :func:`_greedy_success` of the model at the task's own length, which a training-success
    stop must reach too (else None)."""
    confirms = cfg.confirm_stop and cfg.success_measure in ("training", "either")
    return _greedy_success(cfg, model) if confirms and cfg.stop_at_success else None


def _spaced_greedy_success(
    cfg: TrainConfig, model: Any
) -> Callable[[], tuple[float | None, int]] | None:
    """With ``success_measure="either"``: the greedy success rate of ``model`` as it is now on
    fresh episodes at the task's own length (None: the task reports no success, which ends
    the judgements), and the env steps they took (else None)."""
    if cfg.success_measure != "either" or cfg.stop_at_success is None:
        return None
    return _greedy_measure(cfg, model, "success_rate")


def return_threshold(cfg: TrainConfig) -> float | None:
    """The mean return at which the run stops (``stop_at_return``), with ``"env"`` read from
    the task's Gymnasium registration (its ``reward_threshold``; None when it declares none)."""
    if cfg.stop_at_return != STOP_AT_ENV_THRESHOLD:
        return cfg.stop_at_return
    import gymnasium as gym

    from envs import env_id

    return gym.spec(env_id(cfg.task)).reward_threshold


def _greedy_return(cfg: TrainConfig, model: Any) -> Callable[[], tuple[float, int]]:
    """The greedy mean return of ``model`` as it is now, on fresh episodes (new seeds at every
    call) at the task's own length, what ``stop_at_return`` is compared with, and the env steps
    those episodes took."""
    return _greedy_measure(cfg, model, "mean_return")


def _greedy_measure(cfg: TrainConfig, model: Any, metric: str) -> Callable[[], tuple[Any, int]]:
    """``metric`` of :func:`_fresh_greedy_episodes` of ``model`` as it is now, and the env steps
    those episodes took: what a spaced judgement measures."""

    def measure() -> tuple[Any, int]:
        result = _fresh_greedy_episodes(cfg, model)
        return result[metric], round(result["mean_length"] * result["episodes"])

    return measure


def _fresh_greedy_episodes(
    cfg: TrainConfig, model: Any, memory_length: int | None = None
) -> dict[str, Any]:
    """`evaluate_as_trained` of ``GREEDY_SUCCESS_EPISODES`` episodes stepped at once, seeded by
    the env step (fresh episodes at every call)."""
    return evaluate_as_trained(
        cfg,
        model,
        n_episodes=GREEDY_SUCCESS_EPISODES,
        seed=cfg.seed + model.num_timesteps,
        memory_length=memory_length,
        n_envs=GREEDY_SUCCESS_EPISODES,
    )


def _greedy_success(cfg: TrainConfig, model: Any) -> Callable[[int | None], float]:
    """The greedy success rate of ``model`` as it is now, on fresh episodes (new seeds at
    every call) at a memory length (None: the task's own)."""

    def greedy_success(memory_length: int | None = None) -> float:
        result = _fresh_greedy_episodes(cfg, model, memory_length)
        return result["success_rate"] or 0.0  # None: the task reports no success

    return greedy_success


def _build_agent(
    cfg: TrainConfig, ckpt_dir: Path
) -> tuple[Any, MemoryCurriculum | None, dict[str, Any] | None]:
    """The model on its first env, the curriculum, and the checkpoint state resumed from
    (None for a new run: without --resume, or with nothing to resume)."""
    from recurrent_agents.run.curriculum import curriculum_stages

    stages = curriculum_stages(cfg.curriculum, cfg.memory_length)
    if cfg.resume and checkpoint.has_checkpoints(ckpt_dir):
        model, state = _load_newest_checkpoint(cfg, ckpt_dir, stages)
        stage = min(int(state.get("curriculum_stage", 0)), len(stages) - 1)
    else:
        if cfg.resume:
            _note(f"--resume: no checkpoint in {ckpt_dir}; starting a new run")
        state, stage = None, 0
        model = new_model(cfg, make_env(cfg, seed=cfg.seed, memory_length=stages[0]))
        _note_short_run(cfg, model)
    seconds_before = float(state.get("train_seconds_total", 0.0)) if state else 0.0
    curriculum = _build_curriculum(cfg, model, stages, stage, state, seconds_before)
    return model, curriculum, state


def _note_short_run(cfg: TrainConfig, model: Any) -> None:
    """Say so when the run's budget shortens the rollouts (``min_updates``)."""
    n_steps = model.rollout_length_for(cfg.total_timesteps)
    if n_steps < cfg.n_steps:
        updates = [cfg.total_timesteps // (n * cfg.n_envs) for n in (n_steps, cfg.n_steps)]
        _note(
            f"rollouts of {n_steps} steps per env instead of n_steps={cfg.n_steps}: "
            f"{cfg.total_timesteps:,} env steps make about {updates[0]} updates instead of "
            f"{updates[1]} (min_updates={cfg.min_updates})"
        )


def _note_time_limit(model: Any) -> None:
    """Say so when a time limit ended episodes and the return ended with them: right where the
    limit is the task's deadline, a slower task where it only cuts an endless one short."""
    if model.time_limit is None:
        return
    if model.bootstrap_truncated is False:
        # "auto" alone slowed CartPole's short run: the advantage floor in summed returns.
        floor = "" if model.advantage_floor_discounted else " --advantage_floor_discounted=auto"
        _note(
            f"episodes ended by a time-limit truncation (at up to {model.time_limit} steps) and "
            "the return ended there as at a terminal (bootstrap_truncated=false): right if the "
            "limit is the task's deadline; if it only cuts an endless task short (a pendulum, "
            f"a balancing task), --bootstrap_truncated=auto{floor} (the default) learns it faster "
            "(README: 'The time limit of a continuing task', 'The advantage floor in the "
            "advantages' units')"
        )
    elif model.bootstrap_truncated == BOOTSTRAP_IN_RANGE and model.time_limit_is_deadline:
        _note(
            f"the time limit (at up to {model.time_limit} steps) paid rewards that the steps "
            f"going on did not (outside the run's range on {model.deadline_payoffs} "
            f"truncations, outside their own episode's on {model.episode_payoffs} of "
            f"{model.judged_truncations}), so it was taken for the task's deadline and ended "
            "the return there (bootstrap_truncated=auto); "
            "--bootstrap_truncated=true bootstraps it as SB3 does (README: 'A time limit that "
            "pays is a deadline')"
        )


def _claim_run_dir(
    cfg: TrainConfig, run_dir: Path, lock: rundir.RunDirLock
) -> tuple[Any, MemoryCurriculum | None, dict[str, Any] | None]:
    """Check run_dir and build the agent before writing anything; then lock run_dir, remove
    the earlier run (--overwrite) and store the config. Returns `_build_agent`'s values."""
    rundir.check_writable(run_dir)
    lock.acquire(create=False)  # a run holding run_dir stops this one before anything else
    seen = _check_earlier_run(cfg, run_dir)
    model, curriculum, state = _build_agent(cfg, run_dir / CKPT_DIR)
    lock.acquire()
    if rundir.earlier_run_files(run_dir) != seen:
        raise ConfigError(f"run_dir {run_dir} changed while this run started; start it again")
    if cfg.overwrite and seen:
        rundir.remove_earlier_run(run_dir)
        _note(f"--overwrite: removed the earlier run's {', '.join(seen)} from {run_dir}")
    for directory in (run_dir, run_dir / CKPT_DIR):
        checkpoint.remove_partial_writes(directory)  # left by a run killed mid-write
    rundir.write_config(run_dir, cfg)
    return model, curriculum, state


def _default_tags(cfg: TrainConfig) -> list[str]:
    """The run's W&B tags: task, core and memory length (for a task that has one)."""
    length = [] if cfg.memory_length is None else [f"L{cfg.memory_length}"]
    return [task_label(cfg.task), core_label(cfg.core), *length]


def _start_tracking(
    cfg: TrainConfig, run_dir: Path, state: dict[str, Any] | None, model: RecurrentPPO
) -> tuple[Any, list[str]]:
    """The W&B run (the checkpoint's run when resuming) and every W&B directory of the run."""
    from recurrent_agents.run.wandb_logger import define_step_metric

    # The values the model trains with, where the config leaves them to the core (None).
    resolved = {"actor_value_coef": model.actor_value_coef, "learning_rate": model.learning_rate}
    run = init_wandb(
        project=cfg.wandb_project,
        group=cfg.wandb_group,
        job_type=cfg.wandb_job_type,
        config=cfg.to_dict() | {"env_kwargs": cfg.env_kwargs()} | resolved,
        mode=cfg.wandb_mode,
        dir=run_dir,
        tags=cfg.tags or _default_tags(cfg),
        name=cfg.wandb_name or run_dir.name,
        run_id=state.get("wandb_run_id") if state else None,
    )
    define_step_metric(run)
    wandb_dirs = list(state.get("wandb_run_dirs", [])) if state else []
    # Sessions killed before their first checkpoint are in no checkpoint's list: find them too.
    run_id = getattr(run, "id", None) if state else None
    for session in sorted(run_dir.glob(f"wandb/*run-*-{run_id}")) if run_id else []:
        if str(session) not in wandb_dirs:
            wandb_dirs.append(str(session))
    wandb_dir = run_directory(run)
    if wandb_dir and wandb_dir not in wandb_dirs:
        wandb_dirs.append(wandb_dir)
    return run, wandb_dirs


def _logged_until(wandb_dirs: list[str], current: str | None) -> int:
    """The last env step that earlier sessions of the run logged (-1: none or unreadable)."""
    from recurrent_agents.run.plot import read_records
    from recurrent_agents.run.wandb_logger import STEP_METRIC

    steps = [-1]
    for session in wandb_dirs:
        if session == current or not Path(session).is_dir():
            continue
        try:
            records = read_records(session)
        except (OSError, subprocess.CalledProcessError, ValueError):
            continue  # a session killed before wandb wrote anything readable
        history = (r["history"]["item"] for r in records if r.get("type") == "history")
        steps += [int(row[STEP_METRIC]) for row in history if STEP_METRIC in row]
    return max(steps)


class _CheckpointSaver:
    """Saves a checkpoint with what resuming needs besides the model: the W&B run, the training
    time so far (counted from this saver's creation, right before training) and the curriculum's
    stage."""

    def __init__(
        self,
        ckpt_dir: Path,
        run: Any,
        wandb_dirs: list[str],
        seconds_before: float,
        curriculum: Any,
        keep_last: int = checkpoint.KEEP_LAST,
    ) -> None:
        self.ckpt_dir = ckpt_dir
        self.keep_last = keep_last
        self.run = run
        self.wandb_dirs = wandb_dirs
        self.seconds_before = seconds_before
        self.curriculum = curriculum
        self.started = time.perf_counter()

    def __call__(self, model: Any) -> Path:
        """Save `model` at its current step; the checkpoint's model path."""
        extra = {
            "wandb_run_id": getattr(self.run, "id", None),
            "wandb_run_dirs": self.wandb_dirs,
            "train_seconds_total": round(
                self.seconds_before + time.perf_counter() - self.started, 2
            ),
        }
        if self.curriculum is not None:
            extra.update(
                curriculum_stage=self.curriculum.stage,
                curriculum_history=self.curriculum.history,
            )
        return checkpoint.save_checkpoint(model, self.ckpt_dir, extra, self.keep_last)


def _learn(
    cfg: TrainConfig,
    model: Any,
    curriculum: Any,
    save_checkpoint: _CheckpointSaver,
    run: Any,
    start_steps: int,
    resumed: bool,
    stop_at_return: float | None,
) -> tuple[float, str | None, list[dict[str, Any]]]:
    """Train up to `cfg.total_timesteps` env steps, then close the env.

    Returns the training seconds, what stopped training early (``"success"``:
    `cfg.stop_at_success`, ``"return"``: ``stop_at_return``, `cfg.stop_at_return` resolved;
    None: the budget), and the stops a greedy confirmation refused (`confirm_stop`).
    On Ctrl-C (or SIGTERM) it saves a checkpoint, finishes the W&B run and re-raises.
    """
    from stable_baselines3.common.callbacks import CallbackList

    from recurrent_agents.run.callbacks import TrainingCallback

    callback = TrainingCallback(
        total_timesteps=cfg.total_timesteps,
        checkpoint_every=cfg.checkpoint_every,
        save_checkpoint=save_checkpoint,
        progress=cfg.progress and sys.stderr.isatty(),
        stop_at_success=cfg.stop_at_success,
        # The early stop is for the target length, not for a curriculum stage.
        stop_allowed=(lambda: curriculum.final) if curriculum is not None else None,
        greedy_success=_greedy_success_probe(cfg, model),
        judge_at_entry=cfg.judge_at_entry in ("target", "all"),
        confirm_success=_stop_confirmation(cfg, model),
        stop_at_return=stop_at_return,
        greedy_return=_greedy_return(cfg, model) if stop_at_return is not None else None,
        spaced_greedy_success=_spaced_greedy_success(cfg, model),
    )
    callbacks = CallbackList([curriculum, callback]) if curriculum is not None else callback
    started = time.perf_counter()
    remaining = cfg.total_timesteps - start_steps
    try:
        # Diverging values stop training with one FloatingPointError (PPO's loss check and the
        # callback's parameter check); numpy's overflow warnings on the way would only add noise.
        with np.errstate(over="ignore", invalid="ignore"):
            if remaining > 0:
                model.learn(
                    total_timesteps=remaining,
                    callback=callbacks,
                    reset_num_timesteps=not resumed,
                    log_interval=1,
                )
    except KeyboardInterrupt:
        save_checkpoint(model)
        _note(f"interrupted at {model.num_timesteps} env steps; checkpoint saved, use --resume")
        run.finish(exit_code=130)
        model.get_env().close()
        raise
    except FloatingPointError as exc:
        where = _last_finite_checkpoint(model, save_checkpoint)
        run.finish(exit_code=1)
        model.get_env().close()
        steps = f"{model.num_timesteps:,}"
        raise FloatingPointError(
            f"training diverged at {steps} env steps ({exc}); {where}"
        ) from None
    train_seconds = time.perf_counter() - started
    model.get_env().close()  # a curriculum may have replaced (and closed) the first env
    return train_seconds, callback.stopped_by, _refused_stops(cfg, callback)


def _refused_stops(cfg: TrainConfig, callback: Any) -> list[dict[str, Any]]:
    """The stops the greedy confirmation refused, as ``result.json`` lists them; noted once."""
    refused = [
        {"env_steps": steps, "train_success": train, "greedy_success": greedy}
        for steps, train, greedy in callback.refused_stops
    ]
    if refused:
        first = refused[0]
        _note(
            f"{len(refused)} stop(s) at training success >= {cfg.stop_at_success} not taken: "
            f"the greedy policy fell short (first at {first['env_steps']:,} env steps, greedy "
            f"{first['greedy_success']:.2f}; W&B train/greedy_success)"
        )
    return refused


def _last_finite_checkpoint(model: Any, save_checkpoint: _CheckpointSaver) -> str:
    """Checkpoint the model if its parameters are finite; where its last finite state is."""
    from recurrent_agents.run.callbacks import nonfinite_parameters

    if not nonfinite_parameters(model.policy):
        return f"its last finite parameters are checkpoint {save_checkpoint(model)}"
    states = checkpoint.checkpoint_states(save_checkpoint.ckpt_dir)
    if states:
        return f"the last checkpoint with finite parameters is {states[0]['model_path']}"
    return "no checkpoint with finite parameters was saved"


def evaluate_run(cfg: TrainConfig, model: Any) -> dict[str, Any]:
    """The result's greedy-evaluation fields; none when `cfg.eval_episodes` is 0. With
    `cfg.eval_length_factor`, also the ``long_eval_*`` fields: the same evaluation at that
    multiple of the memory length (the model as trained, nothing relearned); with
    `cfg.eval_sampled`, the ``sampled_eval_*`` fields: the same episodes' count played with
    actions sampled from the policy."""
    if cfg.eval_episodes <= 0:
        return {}
    ev = evaluate_as_trained(cfg, model)
    fields = {
        "eval_success_rate": ev["success_rate"],
        "eval_mean_return": ev["mean_return"],
        "eval_mean_length": ev["mean_length"],
        "eval_episodes": ev["episodes"],
    }
    if cfg.eval_length_factor and cfg.memory_length is not None:
        long_length = cfg.eval_length_factor * cfg.memory_length
        long_ev = evaluate_as_trained(cfg, model, memory_length=long_length)
        fields |= {
            "long_eval_memory_length": long_length,
            "long_eval_success_rate": long_ev["success_rate"],
            "long_eval_mean_return": long_ev["mean_return"],
        }
    if cfg.eval_sampled:
        sampled_ev = evaluate_as_trained(cfg, model, deterministic=False)
        fields |= {
            "sampled_eval_success_rate": sampled_ev["success_rate"],
            "sampled_eval_mean_return": sampled_ev["mean_return"],
        }
    return fields


def evaluate_as_trained(
    cfg: TrainConfig,
    model: Any,
    n_episodes: int | None = None,
    seed: int | None = None,
    memory_length: int | None = None,
    n_envs: int | None = None,
    deterministic: bool = True,
) -> dict[str, Any]:
    """`evaluation.evaluate` of the model on the run's task, as it was trained (task options,
    observed previous action/reward, images kept or not), greedy unless ``deterministic`` is
    False; each argument left None is the run's (``eval_episodes``, ``seed``,
    ``memory_length``, ``n_envs``)."""
    from recurrent_agents.run.evaluation import evaluate

    env_kwargs = cfg.env_kwargs()
    if memory_length is not None:
        env_kwargs["memory_length"] = memory_length
    return evaluate(
        model,
        cfg.task,
        env_kwargs,
        n_episodes=cfg.eval_episodes if n_episodes is None else n_episodes,
        seed=cfg.seed if seed is None else seed,
        n_envs=cfg.n_envs if n_envs is None else n_envs,
        prev_action_reward=cfg.prev_action_reward,
        keep_images=_keeps_images(),
        deterministic=deterministic,
    )


def _summary(result: RunResult) -> dict[str, Any]:
    """The W&B summary of a result: its greedy evaluation (also per memory length, and at a
    multiple of it), its env steps and memory length."""
    L = result.memory_length
    summary = {
        "eval/success_rate": result.eval_success_rate,
        "eval/mean_return": result.eval_mean_return,
        "eval/mean_length": result.eval_mean_length,
        "eval/episodes": result.eval_episodes,
        "env_steps": result.env_steps,
        "memory_length": L,
    }
    if L is not None:  # a task without a memory length has no per-length success
        summary[f"eval/success_rate/L={L}"] = result.eval_success_rate
    if result.long_eval_memory_length is not None:
        summary["eval_long/memory_length"] = result.long_eval_memory_length
        summary["eval_long/success_rate"] = result.long_eval_success_rate
        summary["eval_long/mean_return"] = result.long_eval_mean_return
    if result.sampled_eval_mean_return is not None:
        summary["eval_sampled/success_rate"] = result.sampled_eval_success_rate
        summary["eval_sampled/mean_return"] = result.sampled_eval_mean_return
    return summary


def _stage_results(run_dir: Path) -> list[RunResult]:
    """The stage results the run wrote (``stage_results``), shortest stage first."""
    results = (RunResult.read(path) for path in (run_dir / STAGES_DIR).glob("L*"))
    return sorted((r for r in results if r is not None), key=lambda r: r.memory_length or 0)


def _log_final(run: Any, cfg: TrainConfig, model: Any, model_path: Path, result: RunResult) -> None:
    """Summary (eval success per memory length), model artifact and evaluation video."""
    import wandb

    if getattr(run, "disabled", False):
        return
    L = cfg.memory_length
    summary = _summary(result)
    for stage in _stage_results(Path(cfg.run_dir)):
        prefix = stage_summary_prefix(stage.memory_length)
        summary |= {prefix + key: value for key, value in _summary(stage).items()}
    for key, value in summary.items():
        if value is not None:
            run.summary[key] = value
    try:
        artifact = wandb.Artifact(
            f"model-{run.id}",
            type="model",
            description=f"RecurrentPPO ({cfg.core}) on {cfg.task}, memory_length={L}",
            metadata={
                k: getattr(result, k)
                for k in (
                    "task",
                    "memory_length",
                    "core",
                    "seed",
                    "env_steps",
                    "eval_success_rate",
                    "eval_mean_return",
                )
            },
        )
        artifact.add_file(str(model_path), name=MODEL_FILE)
        run.log_artifact(artifact, aliases=["latest"] + ([] if L is None else [f"L{L}"]))
    except Exception as exc:  # noqa: BLE001 - tracking must never fail the run
        _note(f"could not log the model artifact: {exc}")
    if cfg.video and cfg.video_episodes > 0:
        try:
            from recurrent_agents.run.evaluation import record_frames

            frames = record_frames(
                model,
                cfg.task,
                cfg.env_kwargs(),
                cfg.video_episodes,
                cfg.seed,
                prev_action_reward=cfg.prev_action_reward,
                keep_images=_keeps_images(),
            )
            video = wandb.Video(frames.transpose(0, 3, 1, 2), fps=4, format="mp4")
            run.log({"eval/video": video, "global_step": result.env_steps})
        except Exception as exc:  # noqa: BLE001
            _note(f"could not log the evaluation video: {exc}")


def _finish_tracking(
    run: Any, cfg: TrainConfig, model: Any, run_dir: Path, result: RunResult
) -> None:
    """Log the end of the run and finish it; W&B trouble is reported, never raised."""
    try:
        _log_final(run, cfg, model, run_dir / MODEL_FILE, result)
        run.finish()
    except Exception as exc:  # noqa: BLE001 - W&B trouble must not lose the finished run
        where = RunResult.path(run_dir)
        _note(f"W&B logging at the end failed ({type(exc).__name__}: {exc}); see {where}")


def run_training(config: TrainConfig) -> RunResult:
    """Train, evaluate greedily after the last update, save, log; return the run's result.

    Nothing in `config.run_dir` is written before the config, the run directory and the agent
    passed every check, and the run directory stays locked until the run ends.

    Raises:
        ConfigError: a bad config value, or a run directory this run may not use (it holds an
            earlier run, another run holds it, nothing in it can be resumed).
        FloatingPointError: training diverged (its last finite parameters are checkpointed).
    """
    import torch

    cfg = config
    if cfg.torch_threads > 0:
        torch.set_num_threads(cfg.torch_threads)
    run_dir = Path(cfg.run_dir)
    lock = rundir.RunDirLock(run_dir)
    try:
        model, curriculum, state = _claim_run_dir(cfg, run_dir, lock)
        return _train(cfg, run_dir, model, curriculum, state)
    finally:
        lock.release()


def _train(
    cfg: TrainConfig,
    run_dir: Path,
    model: Any,
    curriculum: MemoryCurriculum | None,
    state: dict[str, Any] | None,
) -> RunResult:
    """`run_training` once run_dir is claimed: train, save, evaluate, log, write the result."""
    from recurrent_agents.run.callbacks import recent_success_rate
    from recurrent_agents.run.wandb_logger import sb3_logger

    start_steps = int(state["num_timesteps"]) if state else 0
    seconds_before = float(state.get("train_seconds_total", 0.0)) if state else 0.0
    run, wandb_dirs = _start_tracking(cfg, run_dir, state, model)
    logged_until = _logged_until(wandb_dirs, run_directory(run)) if state else -1
    model.set_logger(sb3_logger(run, cfg.verbose, logged_until))
    save_checkpoint = _CheckpointSaver(
        run_dir / CKPT_DIR, run, wandb_dirs, seconds_before, curriculum, cfg.keep_checkpoints
    )
    threshold = return_threshold(cfg)
    train_seconds, stopped_by, refused = _learn(
        cfg,
        model,
        curriculum,
        save_checkpoint,
        run,
        start_steps,
        resumed=state is not None,
        stop_at_return=threshold,
    )

    _note_time_limit(model)
    model_path = run_dir / MODEL_FILE
    checkpoint.save_model_atomic(model, model_path)
    if cfg.checkpoint_every > 0:
        save_checkpoint(model)
    steps = int(model.num_timesteps)
    _write_unpassed_stage_results(cfg, model, run_dir, seconds_before + train_seconds)
    result = RunResult(
        task=cfg.task,
        memory_length=cfg.memory_length,
        core=cfg.core,
        seed=cfg.seed,
        env_steps=steps,
        train_success_rate=recent_success_rate(model),
        train_seconds=round(train_seconds, 2),
        train_seconds_total=round(seconds_before + train_seconds, 2),
        env_steps_per_sec=round((steps - start_steps) / max(train_seconds, 1e-9), 1),
        resumed_from_step=start_steps if state else None,
        stopped_at_success=stopped_by == "success",
        stopped_at_return=None if threshold is None else stopped_by == "return",
        return_threshold=threshold,
        curriculum=curriculum.history if curriculum is not None else None,
        curriculum_completed=curriculum.final if curriculum is not None else None,
        model_path=str(model_path),
        status=FINISHED,
        wandb_run_id=None if getattr(run, "disabled", False) else run.id,
        wandb_run_dir=run_directory(run),
        wandb_run_dirs=wandb_dirs,
        config=cfg.to_dict(),
        refused_stops=refused or None,
        **evaluate_run(cfg, model),
    )
    _finish_tracking(run, cfg, model, run_dir, result)
    result.write(run_dir)
    return result


def format_result(result: RunResult) -> str:
    """One line for the terminal at the end of a run: the greedy success rate, or the greedy
    mean return for a task without a notion of success (and the same with sampled actions,
    when evaluated so)."""
    sr, mean_return = result.eval_success_rate, result.eval_mean_return
    if sr is not None:
        score = f"greedy success {sr:.1%}"
    elif mean_return is not None:
        score = f"greedy mean return {mean_return:.3g}"
    else:
        score = "greedy success n/a"
    if result.sampled_eval_mean_return is not None:
        sampled = result.sampled_eval_success_rate
        sampled_score = (
            f"{sampled:.1%}" if sampled is not None else f"{result.sampled_eval_mean_return:.3g}"
        )
        score += f" (sampled actions: {sampled_score})"
    length = "" if result.memory_length is None else f" L={result.memory_length}"
    return (
        f"{result.core} on {result.task}{length}: "
        f"{score} after {result.env_steps:,} env steps "
        f"({result.env_steps_per_sec:,.0f} steps/s, {result.train_seconds:.0f} s)"
    )
