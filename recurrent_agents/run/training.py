"""One training run: build env and agent, train with checkpoints, evaluate greedily, log to W&B.

`run_training(config)` is what `python train.py` calls. Output in `config.run_dir`:
`config.yaml`, `checkpoints/`, `model.zip` (final), `result.json` (written last, the marker of a
finished run that sweeps read) and the `wandb/` directory of the run.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from recurrent_agents.run import checkpoint
from recurrent_agents.run.config import ConfigError, TrainConfig
from recurrent_agents.run.tracking import init_wandb, run_directory

RESULT_FILE = "result.json"
MODEL_FILE = "model.zip"
CKPT_DIR = "checkpoints"


def _note(message: str) -> None:
    """A one-line status message on stderr (stdout stays free for the caller)."""
    print(f"[train] {message}", file=sys.stderr, flush=True)


def _make_env(cfg: TrainConfig, seed: int, memory_length: int | None = None) -> Any:
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
            **env_kwargs,
        )
    except (ValueError, TypeError) as exc:
        raise ConfigError(" ".join(str(exc).split())) from None


def _episode_horizon(cfg: TrainConfig, memory_length: int) -> int:
    """The longest episode of the task at ``memory_length``: its env's ``episode_horizon``."""
    import gymnasium as gym

    from envs import TASKS

    env_kwargs = cfg.env_kwargs() | {"memory_length": memory_length}
    env = gym.make(TASKS.get(cfg.task, cfg.task), **env_kwargs)
    try:
        return int(env.get_wrapper_attr("episode_horizon"))
    finally:
        env.close()


def _build_model(cfg: TrainConfig, env: Any, state: dict[str, Any] | None) -> Any:
    """A new RecurrentPPO from the config, or the one saved in checkpoint `state`."""
    from recurrent_agents import RecurrentPPO

    if state is not None:
        model = RecurrentPPO.load(state["model_path"], env=env, device=cfg.device)
        checkpoint.restore_rng_states(state["rng"])
        # load() reseeds the env with the original seed; new episodes avoid a replay.
        env.seed(cfg.seed + int(state["num_timesteps"]))
        return model
    try:
        return RecurrentPPO(
            "MlpPolicy",
            env,
            policy_kwargs=cfg.policy_kwargs(),
            seed=cfg.seed,
            verbose=cfg.verbose,
            device=cfg.device,
            **cfg.ppo_kwargs(),
        )
    except (ValueError, TypeError) as exc:
        raise ConfigError(" ".join(str(exc).split())) from None


def _sb3_logger(run: Any, verbose: int) -> Any:
    """SB3 logger writing to W&B (and the stdout table when verbose)."""
    from stable_baselines3.common.logger import HumanOutputFormat, Logger

    from recurrent_agents.run.callbacks import WandbOutputFormat

    formats: list[Any] = [WandbOutputFormat(run)]
    if verbose > 0:
        formats.append(HumanOutputFormat(sys.stdout))
    return Logger(folder=None, output_formats=formats)


def _prepare_run_dir(cfg: TrainConfig) -> tuple[Path, dict[str, Any] | None]:
    """Create run_dir; return it and the checkpoint to resume from (None for a fresh run)."""
    run_dir = Path(cfg.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    ckpt_dir = run_dir / CKPT_DIR
    latest = checkpoint.load_latest(ckpt_dir)
    state = latest if cfg.resume else None
    if cfg.resume and state is None:
        _note(f"--resume: no checkpoint in {ckpt_dir}, starting from scratch")
    if state is None:
        # A fresh run must not be resumed later from an older run's checkpoints.
        if latest is not None:
            _note(f"fresh run: replacing the checkpoints in {ckpt_dir} (--resume continues them)")
        shutil.rmtree(ckpt_dir, ignore_errors=True)
        (run_dir / RESULT_FILE).unlink(missing_ok=True)
    else:
        _note(f"resuming from {state['model_path']} at {state['num_timesteps']} env steps")
    (run_dir / "config.yaml").write_text(yaml.safe_dump(cfg.to_dict(), sort_keys=False))
    return run_dir, state


def _log_final(run: Any, cfg: TrainConfig, model: Any, model_path: Path, result: dict) -> None:
    """Summary (eval success per memory length), model artifact and evaluation video."""
    import wandb

    if getattr(run, "disabled", False):
        return
    L = cfg.memory_length
    summary = {
        "eval/success_rate": result["eval_success_rate"],
        f"eval/success_rate/L={L}": result["eval_success_rate"],
        "eval/mean_return": result["eval_mean_return"],
        "eval/mean_length": result.get("eval_mean_length"),
        "eval/episodes": result.get("eval_episodes"),
        "env_steps": result["env_steps"],
        "memory_length": L,
    }
    for key, value in summary.items():
        if value is not None:
            run.summary[key] = value
    try:
        artifact = wandb.Artifact(
            f"model-{run.id}",
            type="model",
            description=f"RecurrentPPO ({cfg.core}) on {cfg.task}, memory_length={L}",
            metadata={k: result[k] for k in ("task", "memory_length", "core", "seed", "env_steps")}
            | {"eval_success_rate": result["eval_success_rate"]},
        )
        artifact.add_file(str(model_path), name=MODEL_FILE)
        run.log_artifact(artifact, aliases=["latest", f"L{L}"])
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
            )
            video = wandb.Video(frames.transpose(0, 3, 1, 2), fps=4, format="mp4")
            run.log({"eval/video": video, "global_step": result["env_steps"]})
        except Exception as exc:  # noqa: BLE001
            _note(f"could not log the evaluation video: {exc}")


def run_training(config: TrainConfig) -> dict[str, Any]:
    """Train, evaluate greedily after the last update, save, log; return result.json's content.

    Raises:
        ConfigError: the env or the agent rejected a config value.
    """
    import torch
    from stable_baselines3.common.callbacks import CallbackList

    from recurrent_agents.run.callbacks import (
        TrainingCallback,
        define_step_metric,
        recent_success_rate,
    )
    from recurrent_agents.run.curriculum import MemoryCurriculum, curriculum_stages
    from recurrent_agents.run.evaluation import evaluate

    cfg = config
    if cfg.torch_threads > 0:
        torch.set_num_threads(cfg.torch_threads)
    run_dir, state = _prepare_run_dir(cfg)
    start_steps = int(state["num_timesteps"]) if state else 0
    seconds_before = float(state.get("train_seconds_total", 0.0)) if state else 0.0
    stages = curriculum_stages(cfg.curriculum, cfg.memory_length)
    stage = min(int(state.get("curriculum_stage", 0)), len(stages) - 1) if state else 0
    env = _make_env(cfg, seed=cfg.seed + start_steps, memory_length=stages[stage])
    model = _build_model(cfg, env, state)
    curriculum = None
    if len(stages) > 1:
        curriculum = MemoryCurriculum(
            stages,
            # New seeds per stage: no stage replays another's episodes.
            make_env=lambda length: _make_env(cfg, cfg.seed + model.num_timesteps, length),
            threshold=cfg.curriculum_threshold,
            # A rollout holds a whole episode; never less than L + 2, the size every task got
            # before the horizon came from the env (seeded runs reproduce).
            min_rollout=lambda length: max(_episode_horizon(cfg, length), length + 2),
            start_stage=stage,
            history=state.get("curriculum_history") if state else None,
            seconds_before=seconds_before,
            ent_coef=cfg.ent_coef if cfg.curriculum_scale_ent_coef else None,
            verbose=cfg.verbose,
        )
    run = init_wandb(
        project=cfg.wandb_project,
        group=cfg.wandb_group,
        job_type=cfg.wandb_job_type,
        config=cfg.to_dict() | {"env_kwargs": cfg.env_kwargs()},
        mode=cfg.wandb_mode,
        dir=run_dir,
        tags=cfg.tags or [cfg.task.split("/")[-1], cfg.core, f"L{cfg.memory_length}"],
        name=cfg.wandb_name or run_dir.name,
        run_id=state.get("wandb_run_id") if state else None,
    )
    define_step_metric(run)
    wandb_dir = run_directory(run)
    wandb_dirs = list(state.get("wandb_run_dirs", [])) if state else []
    if wandb_dir and wandb_dir not in wandb_dirs:
        wandb_dirs.append(wandb_dir)
    model.set_logger(_sb3_logger(run, cfg.verbose))

    def save_ckpt(m: Any) -> None:
        extra = {
            "wandb_run_id": getattr(run, "id", None),
            "wandb_run_dirs": wandb_dirs,
            "train_seconds_total": round(seconds_before + time.perf_counter() - started, 2),
        }
        if curriculum is not None:
            extra.update(curriculum_stage=curriculum.stage, curriculum_history=curriculum.history)
        checkpoint.save_checkpoint(m, run_dir / CKPT_DIR, extra)

    callback = TrainingCallback(
        total_timesteps=cfg.total_timesteps,
        checkpoint_every=cfg.checkpoint_every,
        save_checkpoint=save_ckpt,
        progress=cfg.progress and sys.stderr.isatty(),
        stop_at_success=cfg.stop_at_success,
        # The early stop is for the target length, not for a curriculum stage.
        stop_allowed=(lambda: curriculum.final) if curriculum is not None else None,
    )
    # The curriculum first: a new stage's minibatch size is set before a checkpoint is taken.
    callbacks = CallbackList([curriculum, callback]) if curriculum is not None else callback
    started = time.perf_counter()
    remaining = cfg.total_timesteps - start_steps
    try:
        if remaining > 0:
            model.learn(
                total_timesteps=remaining,
                callback=callbacks,
                reset_num_timesteps=state is None,
                log_interval=1,
            )
    except KeyboardInterrupt:
        save_ckpt(model)
        _note(f"interrupted at {model.num_timesteps} env steps; checkpoint saved, use --resume")
        run.finish(exit_code=130)
        model.get_env().close()
        raise
    train_seconds = time.perf_counter() - started
    model.get_env().close()  # a curriculum may have replaced (and closed) the first env

    model_path = run_dir / MODEL_FILE
    checkpoint.save_model_atomic(model, model_path)
    if cfg.checkpoint_every > 0:
        save_ckpt(model)
    steps = int(model.num_timesteps)
    result: dict[str, Any] = {
        "task": cfg.task,
        "memory_length": cfg.memory_length,
        "core": cfg.core,
        "seed": cfg.seed,
        "env_steps": steps,
        "eval_success_rate": None,
        "eval_mean_return": None,
        "train_success_rate": recent_success_rate(model),
        "train_seconds": round(train_seconds, 2),
        "train_seconds_total": round(seconds_before + train_seconds, 2),
        "env_steps_per_sec": round((steps - start_steps) / max(train_seconds, 1e-9), 1),
        "resumed_from_step": start_steps if state else None,
        "stopped_at_success": callback.stopped_at is not None,
        "curriculum": curriculum.history if curriculum is not None else None,
        "curriculum_completed": curriculum.final if curriculum is not None else None,
        "model_path": str(model_path),
        "status": "finished",
        "wandb_run_id": None if getattr(run, "disabled", False) else run.id,
        "wandb_run_dir": wandb_dir,
        "wandb_run_dirs": wandb_dirs,
        "config": cfg.to_dict(),
    }
    if cfg.eval_episodes > 0:
        ev = evaluate(
            model,
            cfg.task,
            cfg.env_kwargs(),
            cfg.eval_episodes,
            cfg.seed,
            cfg.n_envs,
            prev_action_reward=cfg.prev_action_reward,
        )
        result.update(
            eval_success_rate=ev["success_rate"],
            eval_mean_return=ev["mean_return"],
            eval_mean_length=ev["mean_length"],
            eval_episodes=ev["episodes"],
        )
    try:
        _log_final(run, cfg, model, model_path, result)
        run.finish()
    except Exception as exc:  # noqa: BLE001 - W&B trouble must not lose the finished run
        _note(f"W&B logging at the end failed ({type(exc).__name__}: {exc}); see result.json")
    checkpoint.atomic_write_json(run_dir / RESULT_FILE, result)
    return result


def format_result(result: dict[str, Any]) -> str:
    """One line for the terminal at the end of a run."""
    sr = result["eval_success_rate"]
    sr_text = "n/a" if sr is None else f"{sr:.1%}"
    return (
        f"{result['core']} on {result['task']} L={result['memory_length']}: "
        f"greedy success {sr_text} after {result['env_steps']:,} env steps "
        f"({result['env_steps_per_sec']:,.0f} steps/s, {result['train_seconds']:.0f} s)"
    )
