"""Typed training config: dataclass defaults < YAML file < command-line overrides.

`TrainConfig` is the command line: simple-parsing turns each field into an argparse option
(`--memory_length`, also spelled `--memory-length`) with the field's help and default. It was
chosen over jsonargparse, which rejects bare `--resume`, `--target_kl=None`, `--curriculum=10,20`,
`--memory_length=1e5` and dashed names, and over tyro, whose errors are multi-line boxes: being
argparse underneath, it takes the syntax a W&B sweep's `command:` produces (`--memory_length=20`)
as well as `--key value` and bare `--flag` for booleans. This module adds how a value is read
(`parse_value`, shared with the YAML file: None, comma-separated lists, integral floats such as
1e5 for ints), wandb's `key=value` form (`${args_no_hyphens}`) and one-line errors. Every problem
(unknown key, wrong type, unknown core or task, missing file, out-of-range value, a task option
the task's env does not take) raises `ConfigError`, whose message names the problem and the
allowed values; `train.py` turns it into exit status 2.

`--task` takes any Gymnasium id, and `module:ID` imports `module` first (as `gymnasium.make`
does). The task options (`TASK_OPTIONS`) are allowed only where the task's env takes them; left
unset, they get the env's defaults (memory_length 10 on the built-in tasks). Other keyword
arguments of the env go in `--env_options` as JSON.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import json
import math
import os
import re
import sys
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import simple_parsing
import yaml
from simple_parsing.wrappers import DashVariant, DataclassWrapper, FieldWrapper

from envs.wrappers import prev_inputs
from recurrent_agents.defaults import (
    ACTOR_VALUE_COEF,
    ACTOR_VALUE_COEF_BY_CORE,
    BPTT_HORIZON,
    CHRONO_HORIZON,
    ENTROPY_WEIGHTINGS,
    LEARNING_RATE,
    LEARNING_RATE_BY_CORE,
    MIN_ROLLOUT_STEPS,
    is_advantage_floor_discounted,
    is_align_rollouts,
    is_bootstrap_truncated,
    is_bptt_rollouts,
    is_coefficient,
)
from recurrent_agents.defaults import PPO_DEFAULTS as _PPO
from recurrent_agents.run.tracking import WANDB_MODES, WANDB_PROJECT

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"
PPO_KEYS = tuple(_PPO)
#: ``chrono_init`` value that turns the agent's default chrono init off.
CHRONO_OFF = "off"
SUCCESS_MEASURES = ("training", "greedy", "either")
#: ``stop_at_return`` value: the task's registered ``reward_threshold`` (Gymnasium's "solved").
STOP_AT_ENV_THRESHOLD = "env"
#: Which lengths ``success_measure="greedy"`` also judges before any update on them.
JUDGE_AT_ENTRY = ("none", "target", "all")
#: Fields that are keyword arguments of the task's env: allowed only where its env takes them.
TASK_OPTIONS = ("memory_length", "variant", "num_cues", "distractors")
USAGE = """python {prog} [--config FILE] [--key=VALUE | --key VALUE | key=VALUE ...]
       python {prog} {{sweep,tune,report,dashboard,gradient-flow,export,evaluate}} ARGS"""
DESCRIPTION = """\
Train recurrent PPO on a memory task and track it in W&B (offline without an API key).
Precedence: defaults < --config YAML (configs/*.yaml) < command line."""


class ConfigError(ValueError):
    """Bad user input in a config file or on the command line (one-line message)."""


def _by_core(values: dict[str, Any], others: Any) -> str:
    """A per-core default as help text, e.g. ``0.001 for gru, 0.0005 for the others``."""
    listed = ", ".join(f"{value} for {core}" for core, value in values.items())
    return f"{listed}, {others} for the others"


def _f(default: Any, help: str) -> Any:
    """A dataclass field with a help string (shown by `train.py --help`)."""
    if isinstance(default, (list, dict)):
        return field(default_factory=default.copy, metadata={"help": help})
    return field(default=default, metadata={"help": help})


@dataclass
class TrainConfig:
    """Everything one training run needs; each field is a `--field=value` option of train.py."""

    # task
    task: str = _f(
        "TMaze",
        "a short name from envs.TASKS, any Gymnasium id, or module:ID (imports module first)",
    )
    memory_length: int | None = _f(
        None, "steps between seeing the cue and having to use it (>= 1; default: the env's, 10)"
    )
    variant: str | None = _f(None, "TMaze variant (passive, active, ...; default: the env's)")
    num_cues: int | None = _f(None, "DelayedCue: number of distinct cues (default: the env's, 2)")
    distractors: bool | None = _f(
        None, "DelayedCue: random distractor observations in the delay (default: the env's, off)"
    )
    env_options: dict[str, Any] = _f(
        {}, "other keyword arguments of the task's env, a JSON object, e.g. '{\"k\": 8}'"
    )
    prev_action_reward: bool | str = _f(
        "auto",
        "observe the previous reward ('reward': a slip or wrong guess the observation hides), "
        "the previous action and reward (true; Ni et al. 2022), neither (false), or the reward "
        "and, where the env declares its observations need it (POPGym's "
        "obs_requires_prev_action), the action ('auto')",
    )
    # agent
    core: str = _f(
        "lstm",
        "recurrent core: lstm, gru, rnn, or module:NAME for a core of your own (imports module, "
        "whose register_core('NAME') runs)",
    )
    hidden_size: int = _f(64, "recurrent state size")
    num_layers: int = _f(1, "stacked recurrent layers")
    shared_core: bool | None = _f(None, "actor and critic share one core (default: the policy's)")
    critic_core: str | None = _f(
        None,
        "what the critic reads: 'separate' (its own core), 'shared' (the actor's, trained by "
        "the value loss too; --shared_core) or 'shared_detached' (the actor's, trained by the "
        "actor's loss only) (default: the policy's, separate)",
    )
    forget_bias: float | None = _f(None, "LSTM forget-gate bias init (default: the policy's)")
    chrono_init: int | str | None = _f(
        None,
        "chrono gate-bias init (Tallec & Ollivier) for memory length T_max, an int >= 2, "
        "'horizon' (the task's episode horizon) or 'off' (gated cores; default: the agent's, "
        "'horizon' on half the units, three quarters for the GRU)",
    )
    core_init: str | None = _f(
        None,
        "gated cores' init: 'elman' (start as an orthogonal Elman RNN, gates learn to hold) or "
        "'pytorch' (PyTorch's; default: the core's, elman)",
    )
    chrono_fraction: float | None = _f(
        None,
        "fraction of the gated cores' units that chrono_init initialises (default: 1 for a "
        "chrono_init given, 0.5 for the agent's)",
    )
    recurrent_weights: str | None = _f(
        None,
        "vanilla RNN's recurrent weights: 'free' (trained like any weight) or 'orthogonal' "
        "(kept orthogonal while training; default: the core's, free)",
    )
    features_to_heads: bool | None = _f(
        None, "actor/critic heads also see the current features (skip connection; default on)"
    )
    entropy_trains_core: bool | None = _f(
        None,
        "the entropy bonus's gradient reaches the actor's core too (false: the head only; "
        "default: the policy's)",
    )
    action_epsilon: float | None = _f(
        None, "spread this much probability uniformly over the actions (exploration floor)"
    )
    normalize_obs: bool | None = _f(
        None,
        "standardise observations with running statistics (default: on for a Box of numbers, "
        "off for images and Dict observations)",
    )
    # PPO (defaults: recurrent_agents.defaults)
    learning_rate: float | None = _f(
        _PPO["learning_rate"],
        "Adam learning rate (default: the core's, "
        f"{_by_core(LEARNING_RATE_BY_CORE, LEARNING_RATE)})",
    )
    n_steps: int = _f(_PPO["n_steps"], "rollout length per env per update")
    min_updates: int = _f(
        _PPO["min_updates"],
        "fewest PPO updates the run's env steps are split into: rollouts are shortened where "
        "n_steps would make fewer, never below the env's episode horizon nor "
        f"{MIN_ROLLOUT_STEPS} steps per env (0: n_steps whatever the budget)",
    )
    align_rollouts: bool | str = _f(
        _PPO["align_rollouts"],
        "round n_steps to a whole number of episode horizons, so that fixed-length episodes lie "
        "whole in one rollout (the decision's gradient then reaches the cue step); 'auto': only "
        "where the horizon exceeds n_steps and episodes last the horizon",
    )
    bptt_rollouts: int | str = _f(
        _PPO["bptt_rollouts"],
        "earlier rollouts an episode's gradient reaches back into across rollout boundaries "
        "(0: cut at the rollout start; 'horizon': as many as the episode horizon spans)",
    )
    batch_size: int = _f(_PPO["batch_size"], "minibatch size in env steps")
    n_epochs: int = _f(_PPO["n_epochs"], "PPO epochs per update")
    gamma: float = _f(_PPO["gamma"], "discount factor")
    gae_lambda: float = _f(_PPO["gae_lambda"], "GAE lambda")
    clip_range: float = _f(_PPO["clip_range"], "PPO clip range")
    clip_range_vf: float | None = _f(
        _PPO["clip_range_vf"], "value clip range (None: no value clipping)"
    )
    advantage_floor_ratio: float = _f(
        _PPO["advantage_floor_ratio"],
        "advantage normalisation floor, as a fraction of the largest std of episode returns so far",
    )
    advantage_floor_discounted: bool | str = _f(
        _PPO["advantage_floor_discounted"],
        "the floor's episode returns discounted back from each episode's end with gamma, the "
        "advantages' own units (true), summed (false), or discounted while time-limit "
        "truncations are bootstrapped, a continuing task cut short, from the first update "
        "where a TimeLimit declares the limit ('auto')",
    )
    bootstrap_truncated: bool | str = _f(
        _PPO["bootstrap_truncated"],
        "at a time-limit truncation, bootstrap from V(final observation) as SB3 does (true), "
        "end the return there as a terminal does (false), or bootstrap only where the final "
        "observation lies in the range the critic was trained on (the observation normaliser "
        "would clip none of its entries) until the limit shows itself the task's deadline by "
        "paying rewards no step that goes on pays ('auto')",
    )
    time_aware_critic: bool = _f(
        _PPO["time_aware_critic"],
        "where a time-limit truncation ends the return (bootstrap_truncated=false), the value "
        "heads see the discount left to the time limit learnt from the truncations (never the "
        "actor)",
    )
    normalize_value_targets: bool = _f(
        _PPO["normalize_value_targets"],
        "the critic predicts and learns values in units of the value targets' running RMS",
    )
    ent_coef: float = _f(_PPO["ent_coef"], "entropy bonus coefficient")
    entropy_target: float = _f(
        _PPO["entropy_target"],
        "the entropy bonus acts on a state only while its policy entropy is below this fraction "
        "of the action space's maximum (1: everywhere, SB3's bonus; discrete actions)",
    )
    entropy_weighting: str = _f(
        _PPO["entropy_weighting"],
        "how the entropy bonus is spread over steps: 'uniform' (every step alike, SB3's), "
        "'advantage' (scaled by each step's normalised advantage size: decisions keep exploring, "
        "steps with nothing at stake do not) or 'floor' (every step alike, scaled down with the "
        "advantages in updates where the advantage floor binds)",
    )
    ent_anneal_fraction: float = _f(
        _PPO["ent_anneal_fraction"],
        "over this last fraction of total_timesteps the entropy coefficient falls linearly "
        "from ent_coef to 0 (0: ent_coef throughout; what it does to the score after the last "
        "update: README, 'The entropy bonus annealed over the last fifth of the budget')",
    )
    log_barrier_coef: float = _f(
        _PPO["log_barrier_coef"],
        "coefficient of the log-barrier regulariser -mean_a log pi(a|s): pulls every action's "
        "probability towards 1/n with a force that does not vanish as it does (a decision gone "
        "deterministic before either action was better samples again; discrete actions; 0: off)",
    )
    actor_value_coef: float | None = _f(
        _PPO["actor_value_coef"],
        "coefficient of a second value loss on a head that reads the actor's core: trains the "
        "actor's memory on the critic's targets while the advantages keep the critic's values "
        "(0: off; default with a critic of its own: "
        f"{_by_core(ACTOR_VALUE_COEF_BY_CORE, ACTOR_VALUE_COEF)})",
    )
    start_epsilon: float = _f(
        _PPO["start_epsilon"],
        "probability that an episode's first action is uniformly random, learned from as the "
        "policy's own (exploration where the agent knows least; discrete actions; 0: off)",
    )
    vf_coef: float = _f(_PPO["vf_coef"], "value loss coefficient")
    max_grad_norm: float = _f(_PPO["max_grad_norm"], "gradient clipping norm")
    normalize_advantage: bool = _f(
        _PPO["normalize_advantage"], "normalise advantages per minibatch"
    )
    target_kl: float | None = _f(
        _PPO["target_kl"], "stop an update's epochs early above this KL (None: never)"
    )
    desired_kl: float | None = _f(
        _PPO["desired_kl"],
        "adapt the learning rate between updates toward this KL per update: x1.5 after one "
        "below half of it, /1.5 above twice it, within 1/4 to 4 times learning_rate "
        "(None: fixed)",
    )
    curriculum: list[int] = _f(
        [],
        "memory lengths to train on before memory_length, shortest first, advancing on success",
    )
    curriculum_threshold: float = _f(
        0.95, "advance the curriculum once the success rate (success_measure) reaches this"
    )
    curriculum_scale_ent_coef: bool = _f(
        False,
        "ent_coef is for the first stage, divided by L / L_first later (same bonus per episode)",
    )
    stage_results: bool = _f(
        False,
        "with a curriculum, also write each stage's result as if a run had stopped there "
        "(stages/L<length>/: result.json and model.zip, evaluated when the stage is passed; a "
        "stage never passed, with the final model): one run, a whole curriculum frontier",
    )
    # run
    total_timesteps: int = _f(200_000, "env steps to train for")
    stop_at_success: float | None = _f(
        0.95,
        "stop once the success rate (success_measure) reaches this (0-1; None: the whole "
        "budget); further updates on a solved task can only lose it",
    )
    stop_at_return: float | str | None = _f(
        STOP_AT_ENV_THRESHOLD,
        "stop once the greedy policy's mean return on 100 fresh episodes reaches this twice in "
        "a row (judged after updates, spaced to add at most a fifth of the env steps trained): "
        "for tasks that report no success ('env': the reward_threshold the task's Gymnasium "
        "registration declares, if any; None: never)",
    )
    success_measure: str = _f(
        "training",
        "what stop_at_success and curriculum_threshold measure: 'training' (the last 100 "
        "training episodes, sampled actions), 'greedy' (100 fresh greedy episodes after each "
        "update, from the second update at a length on) or 'either' (the training measure, "
        "and for the stop also 100 fresh greedy episodes judged as stop_at_return's are: "
        "spaced, twice in a row; for long episodes, whose sampled success stays below the "
        "greedy policy's)",
    )
    confirm_stop: bool = _f(
        True,
        "with success_measure=training or either, stop only if the policy's greedy success on "
        "100 fresh episodes also reaches stop_at_success (else train on and try after the next "
        "update): the training window spans updates and can hold episodes an update has "
        "since lost",
    )
    judge_at_entry: str = _f(
        "none",
        "with success_measure=greedy, also judge lengths on entering them, before any update on "
        "their episodes: 'none', 'target' (the target length: stop if already solved) or 'all' "
        "(every curriculum stage too: a stage already solved is passed untrained)",
    )
    n_envs: int = _f(8, "parallel envs (one batched numpy env)")
    seed: int = _f(0, "random seed (envs, torch, numpy)")
    device: str = _f("cpu", "torch device")
    torch_threads: int = _f(1, "torch.set_num_threads (0: leave torch's default)")
    eval_episodes: int = _f(100, "greedy evaluation episodes after training (0: skip)")
    eval_length_factor: int = _f(
        0,
        "also evaluate the trained policy greedily at this multiple of memory_length, without "
        "further training: does the memory hold longer than trained for? (0: skip)",
    )
    eval_sampled: bool = _f(
        False,
        "also evaluate with actions sampled from the policy, as it acted in training: greedy play "
        "of a policy still near uniform can score below random while its samples score above",
    )
    checkpoint_every: int = _f(50_000, "env steps between checkpoints (0: none)")
    keep_checkpoints: int = _f(
        2,
        "checkpoints kept on disk, the newest (0: every one, e.g. to evaluate the policy after "
        "each update with `train.py evaluate RUN_DIR --checkpoints`)",
    )
    run_dir: str | None = _f(None, "output directory (default runs/<task>-<core>-L<L>-s<seed>)")
    resume: bool = _f(False, "continue from the last checkpoint in run_dir, same W&B run")
    overwrite: bool = _f(
        False, "replace the earlier run in run_dir (its result, model, checkpoints and config)"
    )
    progress: bool = _f(True, "progress bar (only when stderr is a terminal)")
    verbose: int = _f(0, "SB3 verbosity (1: print the metrics table each update)")
    # tracking
    wandb_project: str = _f(WANDB_PROJECT, "W&B project")
    wandb_group: str | None = _f(None, "W&B group (default <task>-<core>)")
    wandb_mode: str | None = _f(None, "online, offline or disabled (default: online iff a key)")
    wandb_job_type: str = _f("train", "W&B job type")
    wandb_name: str | None = _f(None, "W&B run name (default: run_dir's name)")
    tags: list[str] = _f([], "W&B tags, comma separated")
    video: bool = _f(True, "log a short video of greedy evaluation episodes")
    video_episodes: int = _f(2, "episodes in the evaluation video")

    def env_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for the task's env: the `TASK_OPTIONS` its env accepts (set by
        `validate` when it accepts them) and `env_options`."""
        import envs

        accepted = envs.accepted_kwargs(self.task)
        options = {name: getattr(self, name) for name in TASK_OPTIONS if name in accepted}
        return options | self.env_options

    def policy_kwargs(self) -> dict[str, Any]:
        """`policy_kwargs` for RecurrentPPO; None-valued options keep the policy's defaults."""
        kwargs = {
            "core": self.core,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "shared_core": self.shared_core,
            "critic_core": self.critic_core,
            "forget_bias": self.forget_bias,
            "features_to_heads": self.features_to_heads,
            "entropy_trains_core": self.entropy_trains_core,
            "action_epsilon": self.action_epsilon,
            "normalize_obs": self.normalize_obs,
        }
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        if self.chrono_init is not None:
            kwargs["chrono_init"] = None if self.chrono_init == CHRONO_OFF else self.chrono_init
        core_kwargs = {
            "init": self.core_init,
            "chrono_fraction": self.chrono_fraction,
            "recurrent_weights": self.recurrent_weights,
        }
        core_kwargs = {k: v for k, v in core_kwargs.items() if v is not None}
        if core_kwargs:
            kwargs["core_kwargs"] = core_kwargs
        return kwargs

    def ppo_kwargs(self) -> dict[str, Any]:
        """PPO hyperparameters for RecurrentPPO."""
        return {k: getattr(self, k) for k in PPO_KEYS}

    def to_dict(self) -> dict[str, Any]:
        """A plain dict of every field (for W&B and result.json)."""
        return dataclasses.asdict(self)


FIELDS = {f.name: f for f in dataclasses.fields(TrainConfig)}
_HINTS = typing.get_type_hints(TrainConfig)


def ppo_defaults() -> dict[str, Any]:
    """The tuned PPO defaults of `recurrent_agents.defaults` (a copy)."""
    return dict(_PPO)


def _type_name(tp: Any) -> str:
    """A readable name for a field type, e.g. 'int', 'float or None', 'list of str'."""
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return " or ".join("None" if a is type(None) else _type_name(a) for a in args)
    if typing.get_origin(tp) is list:
        return f"list of {_type_name(args[0])}"
    if typing.get_origin(tp) is dict:
        return "JSON object"
    return getattr(tp, "__name__", str(tp))


def _parse_bool(text: str) -> bool | None:
    """'true'/'false' style strings to bool; None if not boolean-like."""
    low = text.strip().lower()
    if low in ("true", "1", "yes", "on", "y"):
        return True
    if low in ("false", "0", "no", "off", "n"):
        return False
    return None


def parse_value(value: Any, tp: Any) -> Any:
    """A YAML value or command-line text as type `tp`, else ValueError("must be ..., got ...").

    Text is read as: "None"/"null" for optional types, "a,b" or "[a, b]" for lists, JSON for
    dicts, "1e5" for an int when integral (a common way to write step counts),
    "true"/"false"/"yes"/"no"/"1"/"0" for booleans; YAML 1.1 also loads "3e-4" as a string, read
    here as a float.
    """
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        if value is None or (isinstance(value, str) and value.strip().lower() in ("none", "null")):
            return None
        kinds = [a for a in args if a is not type(None)]
        for kind in kinds[:-1]:  # e.g. int | str: an int if it reads as one, else text
            try:
                return parse_value(value, kind)
            except ValueError:
                pass
        return parse_value(value, kinds[-1])
    if typing.get_origin(tp) is list:
        if isinstance(value, str):
            items = [s.strip().strip("'\"") for s in value.strip().strip("[]").split(",")]
            value = [s for s in items if s]
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"must be a {_type_name(tp)}, got {value!r}")
        return [parse_value(v, args[0]) for v in value]
    if typing.get_origin(tp) is dict:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise ValueError(f"must be a JSON object, got {value!r}") from None
        if not isinstance(value, dict):
            raise ValueError(f"must be a JSON object, got {value!r}")
        return {str(key): item for key, item in value.items()}
    if tp is bool:
        parsed = value if isinstance(value, bool) else None
        if isinstance(value, str):
            parsed = _parse_bool(value)
        if parsed is None:
            raise ValueError(f"must be a bool (true or false), got {value!r}")
        return parsed
    kind = "an int" if tp is int else f"a {tp.__name__}"
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"must be {kind}, got {value!r}")
    if tp is str:
        return str(value)
    if tp is int and isinstance(value, int):
        return value
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"must be {kind}, got {value!r}") from None
    if tp is float:
        return number
    if not number.is_integer():
        raise ValueError(f"must be {kind}, got {value!r}")
    return int(number)


def _unknown_key(
    key: str, where: str, allowed: tuple[str, ...] = ("config", *FIELDS)
) -> ConfigError:
    """The error for an unknown option, with a close match if there is one."""
    close = difflib.get_close_matches(key.lstrip("-"), allowed, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return ConfigError(f"unknown {where} {key}{hint}; allowed: {', '.join(allowed)}")


def resolve_config_path(path: str | os.PathLike) -> Path:
    """The YAML file for `--config`: a path, or a name in configs/ (with or without .yaml)."""
    candidates = [Path(path)]
    if not str(path).endswith((".yaml", ".yml")):
        candidates += [Path(f"{path}.yaml"), CONFIG_DIR / f"{path}.yaml"]
    candidates.append(CONFIG_DIR / Path(path).name)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    available = sorted(p.name for p in CONFIG_DIR.glob("*.yaml")) if CONFIG_DIR.is_dir() else []
    raise ConfigError(
        f"config file not found: {path} (available in configs/: {', '.join(available) or 'none'})"
    )


def load_yaml(path: str | os.PathLike) -> dict[str, Any]:
    """Read a flat YAML config file into {field: value} (unknown keys raise ConfigError)."""
    resolved = resolve_config_path(path)
    try:
        data = yaml.safe_load(resolved.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"config file {resolved} must be UTF-8 text, got byte {exc.object[exc.start]:#x} "
            f"at offset {exc.start}"
        ) from None
    except OSError as exc:
        raise ConfigError(f"config file {resolved} cannot be read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        raise ConfigError(f"config file {resolved} is not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config file {resolved} must be a mapping of option: value")
    values = {}
    for key, value in data.items():
        if key == "config":
            raise ConfigError(
                f"key config in {resolved.name}: a config file cannot name another one; "
                f"allowed: {', '.join(FIELDS)}"
            )
        if key not in FIELDS:
            raise _unknown_key(str(key), f"key in {resolved.name}:", tuple(FIELDS))
        try:
            values[key] = parse_value(value, _HINTS[key])
        except ValueError as exc:
            raise ConfigError(f"{key} {exc}") from None
    return values


def _option_type(tp: Any) -> Callable[[str], Any]:
    """argparse's `type=` for a field of type `tp` (argparse shows an ArgumentTypeError's text)."""

    def convert(text: str) -> Any:
        try:
            return parse_value(text, tp)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


class _Option(FieldWrapper):
    """A TrainConfig field as an option read by `parse_value`; a bare boolean `--flag` is true."""

    @property
    def custom_arg_options(self) -> dict[str, Any]:
        metavar = _type_name(self.type).replace(" or None", "")
        metavar = metavar.replace("list of str", "A,B").replace("list of int", "N,M")
        metavar = metavar.replace("JSON object", "JSON").upper()
        options = {"type": _option_type(self.type), "metavar": metavar, "nargs": None}
        if self.type in (bool, bool | None, bool | str):
            options.update(nargs="?", const=True)
        return {**super().custom_arg_options, **options, "action": "store"}


class _Options(DataclassWrapper):
    """TrainConfig's fields as `_Option`s, listed under one heading in the help."""

    title = "training options (also as --key value, key=value, or with dashes: --memory-length)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, field_wrapper_class=_Option, **kwargs)


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """One line per option, `--key=VALUE  help [default: ...]`, the form W&B sweeps pass."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=38, width=1000)

    def _format_action_invocation(self, action: argparse.Action) -> str:
        if action.nargs == 0:  # -h, --help
            return super()._format_action_invocation(action)
        return f"--{action.dest.rpartition('.')[2]}={action.metavar}"

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if action.nargs == 0 or (default is None and "default" in text):
            return text  # the help already says it
        if isinstance(default, list):
            default = ",".join(map(str, default)) or "none"
        return f"{text} [default: {default}]".replace("%", "%%")


class CommandParser(argparse.ArgumentParser):
    """The parser of a subcommand (sweep, report, dashboard, gradient-flow), with train.py's
    rules: every ``--a-b`` option is also spelled ``--a_b``, an unknown option gets a close match,
    abbreviations are not options, and every error is one line with exit status 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, allow_abbrev=False, **kwargs)

    def _dashed(self, token: str) -> str:
        name, eq, value = token.partition("=")
        dashed = name.replace("_", "-")
        if name.startswith("--") and dashed in self._option_string_actions:
            return f"{dashed}{eq}{value}"
        return token

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        """argparse's, with ``--a_b`` read as ``--a-b``."""
        args = sys.argv[1:] if args is None else args
        return super().parse_known_args([self._dashed(token) for token in args], namespace)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        """argparse's, with "unknown option --x (did you mean --y?)" for a stray token."""
        parsed, extra = self.parse_known_args(args, namespace)
        if extra:
            name = extra[0].partition("=")[0]
            if not name.startswith("-"):
                self.error(f"unexpected argument {extra[0]!r}")
            options = [o for o in self._option_string_actions if o.startswith("--")]
            close = difflib.get_close_matches(name.replace("_", "-"), options, n=1)
            self.error(f"unknown option {name}" + (f" (did you mean {close[0]}?)" if close else ""))
        return parsed

    def error(self, message: str) -> NoReturn:
        """Print ``prog: error: message`` on one line and exit with status 2."""
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())}\n")


def build_parser(
    defaults: TrainConfig | None = None, prog: str = "train.py"
) -> simple_parsing.ArgumentParser:
    """The command line of `train.py`: `--config FILE` and one option per TrainConfig field,
    with the values of `defaults` (a TrainConfig) as defaults. Build one per parse (the options
    are added on the first parse)."""
    parser = simple_parsing.ArgumentParser(
        prog=prog,
        usage=USAGE.format(prog=prog),
        description=DESCRIPTION,
        formatter_class=_HelpFormatter,
        add_option_string_dash_variants=DashVariant.UNDERSCORE_AND_DASH,
        allow_abbrev=False,
        exit_on_error=False,
    )
    parser.add_argument(
        "--config", metavar="FILE", help="YAML config, a path or a name in configs/ (default: none)"
    )
    parser.add_arguments(
        TrainConfig, dest="train", default=defaults, dataclass_wrapper_class=_Options
    )
    return parser


def _with_hyphens(argv: list[str]) -> list[str]:
    """wandb's `${args_no_hyphens}` form `key=value` as `--key=value` (a value that itself looks
    like `key=value` must then be attached: `--wandb_name=a=b`)."""
    return [f"--{token}" if re.match(r"[A-Za-z_][\w-]*=", token) else token for token in argv]


def _option_error(exc: argparse.ArgumentError) -> ConfigError:
    """argparse's error about one option as a one-line ConfigError naming the option."""
    option = (exc.argument_name or "").split("/")[0].lstrip("-").replace("-", "_")
    return ConfigError(f"{option} {exc.message}".strip())


def _unexpected(token: str) -> ConfigError:
    """The error for the first command-line token that no option took."""
    if not token.startswith("-"):
        return ConfigError(f"unexpected argument {token!r}; options look like --key=value")
    return _unknown_key(f"--{token.lstrip('-').partition('=')[0].replace('-', '_')}", "option")


def _options_text(accepted: tuple[str, ...]) -> str:
    """The options a task's env takes, e.g. ``memory_length, k (k via --env_options)``."""
    others = [name for name in accepted if name not in TASK_OPTIONS]
    text = ", ".join(accepted) or "none"
    if len(others) == len(accepted) and others:
        return f"{text} (via --env_options)"
    return f"{text} ({', '.join(others)} via --env_options)" if others else text


def _resolve_task_options(cfg: TrainConfig) -> None:
    """Check that the task exists and that its env takes the task options set; the unset ones it
    takes get the env's defaults (ConfigError for one without a default)."""
    import envs

    try:
        accepted = envs.accepted_kwargs(cfg.task)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    defaults = envs.kwarg_defaults(cfg.task)
    for name in TASK_OPTIONS:
        value = getattr(cfg, name)
        if value is not None and name not in accepted:
            raise ConfigError(
                f"task {cfg.task} takes no {name}; its options: {_options_text(accepted)}"
            )
        if value is None and name in accepted:
            if name not in defaults:
                raise ConfigError(f"task {cfg.task} needs {name} (its env has no default)")
            setattr(cfg, name, defaults[name])
    for name in cfg.env_options:
        if name in TASK_OPTIONS:
            raise ConfigError(f"env_options must not hold {name}: set it with --{name}")


#: Upper bounds of the size options: beyond them a run allocates more memory than a machine has
#: (memory_length sizes per-episode arrays, num_cues the observation, hidden_size the weights).
LIMITS = {
    "memory_length": 1_000_000,
    "num_cues": 1024,
    "hidden_size": 4096,
    "num_layers": 64,
    "video_episodes": 100,
}
#: The rollout buffer holds n_steps * n_envs env steps (about 1 GiB at this size).
MAX_ROLLOUT_STEPS = 2**24
#: numpy's global seed (set from --seed) must fit in 32 bits.
MAX_SEED = 2**32 - 1
DEVICES = "cpu, cuda, cuda:N, mps or auto"


def _check_numbers(cfg: TrainConfig) -> None:
    """Every number finite and in its range (ConfigError naming the option otherwise)."""
    for name in FIELDS:
        value = getattr(cfg, name)
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{name} must be a finite number, got {value}")
    positive = ("memory_length", "hidden_size", "num_layers", "total_timesteps", "n_envs")
    positive += ("n_steps", "batch_size", "n_epochs")
    for name in positive:
        value = getattr(cfg, name)
        if value is not None and value < 1:  # memory_length is None for tasks without one
            raise ConfigError(f"{name} must be a positive int, got {value}")
    non_negative = ("eval_episodes", "eval_length_factor", "checkpoint_every", "torch_threads")
    non_negative += ("keep_checkpoints", "min_updates")
    for name in (*non_negative, "video_episodes", "seed"):
        if getattr(cfg, name) < 0:
            raise ConfigError(f"{name} must be an int >= 0, got {getattr(cfg, name)}")
    for name, limit in {**LIMITS, "seed": MAX_SEED}.items():
        value = getattr(cfg, name)
        if value is not None and value > limit:
            raise ConfigError(f"{name} must be at most {limit:,}, got {value:,}")
    rollout = cfg.n_steps * cfg.n_envs
    if rollout > MAX_ROLLOUT_STEPS:
        raise ConfigError(
            f"n_steps * n_envs (the rollout) must be at most {MAX_ROLLOUT_STEPS:,} env steps, "
            f"got n_steps={cfg.n_steps:,} * n_envs={cfg.n_envs:,}"
        )
    if cfg.batch_size > rollout:
        raise ConfigError(
            f"batch_size must be at most n_steps * n_envs = {rollout:,} (one rollout), "
            f"got {cfg.batch_size:,}"
        )
    chrono = cfg.chrono_init
    named = chrono in (None, CHRONO_HORIZON, CHRONO_OFF)
    if not named and not (isinstance(chrono, int) and chrono >= 2):
        raise ConfigError(f"chrono_init must be an int >= 2, 'horizon' or 'off', got {chrono!r}")
    if cfg.chrono_fraction is not None and not 0 < cfg.chrono_fraction <= 1:
        raise ConfigError(f"chrono_fraction must be in (0, 1], got {cfg.chrono_fraction}")
    if cfg.chrono_fraction is not None and cfg.chrono_init == CHRONO_OFF:
        raise ConfigError(f"chrono_fraction={cfg.chrono_fraction} needs chrono_init, got 'off'")
    if not is_align_rollouts(cfg.align_rollouts):
        raise ConfigError(
            f"align_rollouts must be true, false or 'auto', got {cfg.align_rollouts!r}"
        )
    if not is_advantage_floor_discounted(cfg.advantage_floor_discounted):
        raise ConfigError(
            "advantage_floor_discounted must be true, false or 'auto', got "
            f"{cfg.advantage_floor_discounted!r}"
        )
    if not is_bootstrap_truncated(cfg.bootstrap_truncated):
        raise ConfigError(
            f"bootstrap_truncated must be true, false or 'auto', got {cfg.bootstrap_truncated!r}"
        )
    if cfg.time_aware_critic is True and cfg.bootstrap_truncated is not False:
        raise ConfigError(
            "time_aware_critic=true needs bootstrap_truncated=false, got "
            f"{cfg.bootstrap_truncated!r} (the time left means nothing at a bootstrapped "
            "truncation)"
        )
    try:
        prev_inputs(cfg.prev_action_reward)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if cfg.stop_at_success is not None and not 0 < cfg.stop_at_success <= 1:
        raise ConfigError(f"stop_at_success must be in (0, 1], got {cfg.stop_at_success}")
    _check_stop_at_return(cfg.stop_at_return)
    if not 0 < cfg.curriculum_threshold <= 1:
        raise ConfigError(f"curriculum_threshold must be in (0, 1], got {cfg.curriculum_threshold}")
    _check_ppo_numbers(cfg)


def _check_stop_at_return(value: Any) -> None:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if value not in (None, STOP_AT_ENV_THRESHOLD) and not (number and math.isfinite(value)):
        raise ConfigError(
            f"stop_at_return must be a number, '{STOP_AT_ENV_THRESHOLD}' or None, got {value!r}"
        )


def _check_ppo_numbers(cfg: TrainConfig) -> None:
    """The PPO coefficients' ranges."""
    for name in ("learning_rate", "gamma", "gae_lambda", "clip_range", "ent_coef", "vf_coef"):
        value = getattr(cfg, name)
        if value is None:
            continue  # learning_rate left to the core
        if value < 0 or (name in ("gamma", "gae_lambda") and value > 1):
            allowed = "in [0, 1]" if name in ("gamma", "gae_lambda") else ">= 0"
            raise ConfigError(f"{name} must be a float {allowed}, got {value}")
    if not 0 < cfg.entropy_target <= 1:
        raise ConfigError(f"entropy_target must be a float in (0, 1], got {cfg.entropy_target}")
    if not is_coefficient(cfg.log_barrier_coef):
        raise ConfigError(f"log_barrier_coef must be a float >= 0, got {cfg.log_barrier_coef}")
    if cfg.actor_value_coef is not None and not is_coefficient(cfg.actor_value_coef):
        raise ConfigError(
            f"actor_value_coef must be a float >= 0 or None, got {cfg.actor_value_coef}"
        )
    if not 0 <= cfg.start_epsilon <= 1:
        raise ConfigError(f"start_epsilon must be a float in [0, 1], got {cfg.start_epsilon}")
    if not is_bptt_rollouts(cfg.bptt_rollouts):
        raise ConfigError(
            f"bptt_rollouts must be an int >= 0 or '{BPTT_HORIZON}', got {cfg.bptt_rollouts!r}"
        )
    if not 0 <= cfg.ent_anneal_fraction <= 1:
        raise ConfigError(
            f"ent_anneal_fraction must be a float in [0, 1], got {cfg.ent_anneal_fraction}"
        )
    if cfg.advantage_floor_ratio < 0:
        raise ConfigError(f"advantage_floor_ratio must be >= 0, got {cfg.advantage_floor_ratio}")
    for name in ("max_grad_norm", "target_kl", "desired_kl", "clip_range_vf"):
        value = getattr(cfg, name)
        if value is not None and value <= 0:
            optional = "" if name == "max_grad_norm" else " or None"
            raise ConfigError(f"{name} must be a float > 0{optional}, got {value}")


def _check_device(device: str) -> None:
    """A torch device this machine has (``auto``: CUDA when there is a GPU, else CPU)."""
    import torch

    if device == "auto":
        return
    try:
        kind = torch.device(device).type
    except (RuntimeError, ValueError):
        raise ConfigError(f"device must be {DEVICES}, got {device!r}") from None
    if kind == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"device {device!r} needs a CUDA GPU and none is available; use cpu")
    if kind == "cuda" and torch.device(device).index is not None:
        count = torch.cuda.device_count()
        if torch.device(device).index >= count:
            raise ConfigError(f"device must be cuda:0 .. cuda:{count - 1} here, got {device!r}")
    if kind == "mps" and not torch.backends.mps.is_available():
        raise ConfigError(f"device {device!r} needs Apple's MPS and it is not available; use cpu")
    if kind not in ("cpu", "cuda", "mps"):
        raise ConfigError(f"device must be {DEVICES}, got {device!r}")


def _check_names(cfg: TrainConfig) -> None:
    """Core, core init, W&B mode and device are ones that exist."""
    if cfg.success_measure not in SUCCESS_MEASURES:
        allowed = ", ".join(SUCCESS_MEASURES)
        raise ConfigError(f"success_measure must be one of {allowed}, got {cfg.success_measure!r}")
    if cfg.judge_at_entry not in JUDGE_AT_ENTRY:
        allowed = ", ".join(JUDGE_AT_ENTRY)
        raise ConfigError(f"judge_at_entry must be one of {allowed}, got {cfg.judge_at_entry!r}")
    if cfg.judge_at_entry != "none" and cfg.success_measure != "greedy":
        raise ConfigError(
            f"judge_at_entry={cfg.judge_at_entry} needs success_measure=greedy (there are no "
            f"training episodes at a length on entering it), got {cfg.success_measure!r}"
        )
    if cfg.wandb_mode is not None and cfg.wandb_mode not in WANDB_MODES:
        allowed = ", ".join(WANDB_MODES)
        raise ConfigError(f"wandb_mode must be one of {allowed}, got {cfg.wandb_mode!r}")
    if cfg.entropy_weighting not in ENTROPY_WEIGHTINGS:
        allowed = ", ".join(ENTROPY_WEIGHTINGS)
        raise ConfigError(
            f"entropy_weighting must be one of {allowed}, got {cfg.entropy_weighting!r}"
        )
    from recurrent_agents.cores import GATED_INITS, RECURRENT_WEIGHTS, core_class

    try:
        core_class(cfg.core)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None

    if cfg.core_init is not None and cfg.core_init not in GATED_INITS:
        allowed = ", ".join(GATED_INITS)
        raise ConfigError(f"core_init must be one of {allowed}, got {cfg.core_init!r}")
    if cfg.recurrent_weights is not None and cfg.recurrent_weights not in RECURRENT_WEIGHTS:
        allowed = ", ".join(RECURRENT_WEIGHTS)
        raise ConfigError(
            f"recurrent_weights must be one of {allowed}, got {cfg.recurrent_weights!r}"
        )
    from recurrent_agents.policy import CRITIC_CORES

    # A critic without a core ("none") is left to the Python API: on the command line "none"
    # reads as an unset option. Giving shared_core as well is the policy's error.
    offered = [c for c in CRITIC_CORES if c != "none"]
    if cfg.critic_core is not None and cfg.critic_core not in offered:
        allowed = ", ".join(repr(c) for c in offered)
        raise ConfigError(f"critic_core must be one of {allowed}, got {cfg.critic_core!r}")
    _check_device(cfg.device)


def validate(cfg: TrainConfig) -> TrainConfig:
    """Check the task and its options (filling in its env's defaults), then every value:
    finite, in range, names that exist, a consistent run choice.

    Returns cfg; raises ConfigError naming the option, the value and what is allowed.
    """
    _resolve_task_options(cfg)
    _check_numbers(cfg)
    from recurrent_agents.run.curriculum import curriculum_stages  # imports SB3: not at load time

    if cfg.eval_length_factor and cfg.memory_length is None:
        raise ConfigError(
            f"eval_length_factor={cfg.eval_length_factor} needs a task whose env takes "
            f"memory_length; task {cfg.task} takes none"
        )
    longest = cfg.eval_length_factor * (cfg.memory_length or 0)
    if longest > LIMITS["memory_length"]:
        raise ConfigError(
            f"eval_length_factor * memory_length must be at most {LIMITS['memory_length']:,}, "
            f"got {cfg.eval_length_factor} * {cfg.memory_length:,}"
        )
    if cfg.curriculum and cfg.memory_length is None:
        raise ConfigError(
            f"curriculum needs a task whose env takes memory_length (and has an "
            f"episode_horizon); task {cfg.task} takes none"
        )
    try:
        stages = curriculum_stages(cfg.curriculum, cfg.memory_length)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if cfg.stage_results and len(stages) < 2:
        raise ConfigError(
            f"stage_results needs a curriculum with a length below memory_length "
            f"({cfg.memory_length}), got curriculum {list(cfg.curriculum)}"
        )
    _check_names(cfg)
    if cfg.run_dir is not None and not cfg.run_dir.strip():
        raise ConfigError("run_dir must be a directory path, got ''")
    if cfg.resume and cfg.overwrite:
        raise ConfigError(
            "resume and overwrite exclude each other: --resume continues the run in run_dir, "
            "--overwrite replaces it"
        )
    return cfg


#: Options a resumed run may change: how long and how it runs, not what it learns.
RESUME_SAFE = (
    "total_timesteps",
    "stop_at_success",
    "stop_at_return",
    "confirm_stop",
    "checkpoint_every",
    "keep_checkpoints",
    "eval_episodes",
    "eval_length_factor",
    "eval_sampled",
    "video",
    "video_episodes",
    "progress",
    "verbose",
    "torch_threads",
    "device",
    "wandb_mode",
)
#: Options a resumed run may switch among these values only: with either measure the training
#: episodes judge a curriculum's stages and the training window can stop the run; "either"
#: adds spaced greedy judgements of the stop, so it changes when the run ends, not what it
#: learns (a run at a long length whose sampled success stays under the stop can be resumed
#: with it).
RESUME_SAFE_VALUES = {"success_measure": ("training", "either")}
#: Options that say how to start, not what the run is: never compared.
_HOW_TO_START = ("resume", "overwrite", "run_dir")


def config_differences(stored: dict[str, Any], config: dict[str, Any]) -> list[str]:
    """The options, other than `RESUME_SAFE` ones, whose value in ``config`` differs from the
    ``stored`` config of the run being resumed (options it does not have are not compared;
    `RESUME_SAFE_VALUES` may change among their values)."""

    def switchable(name: str, value: Any) -> bool:
        values = RESUME_SAFE_VALUES.get(name, ())
        return stored[name] in values and value in values

    return [
        name
        for name, value in config.items()
        if name in stored
        and name not in RESUME_SAFE + _HOW_TO_START
        and stored[name] != value
        and not switchable(name, value)
    ]


def task_label(task: str) -> str:
    """The task as part of a directory or W&B name: its id without module and namespace
    (``popgym:popgym-RepeatPreviousEasy-v0`` -> ``popgym-RepeatPreviousEasy-v0``)."""
    return task.rpartition(":")[2].split("/")[-1]


def core_label(core: str) -> str:
    """The core as part of a directory or W&B name: its name without module
    (``my_cores:layernorm-gru`` -> ``layernorm-gru``)."""
    return core.rpartition(":")[2]


def core_path_name(core: str) -> str:
    """The core as one file or directory name of a sweep, search or suite, module kept
    (``my_cores:layernorm-gru`` -> ``my_cores_layernorm-gru``)."""
    return core.replace(":", "_")


def default_run_dir(cfg: TrainConfig) -> str:
    """runs/<task>-<core>-L<memory_length>-s<seed> (stable, so `--resume` finds it again);
    without `-L<memory_length>` for a task that takes none."""
    length = "" if cfg.memory_length is None else f"-L{cfg.memory_length}"
    name = f"{task_label(cfg.task)}-{core_label(cfg.core)}{length}-s{cfg.seed}"
    return os.path.join("runs", name)


def build_config(argv: list[str]) -> TrainConfig:
    """Parse argv (without the program name) into a validated TrainConfig.

    `--help` prints the help and raises SystemExit(0), as argparse does.
    """
    argv = _with_hyphens(list(argv))
    find_config = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    find_config.add_argument("--config")
    try:
        config_path = find_config.parse_known_args(argv)[0].config
        if config_path is not None and not config_path.strip():
            raise ConfigError("config must be a YAML file, a path or a name in configs/, got ''")
        defaults = TrainConfig(**load_yaml(config_path)) if config_path else None
        args, unparsed = build_parser(defaults).parse_known_args(argv)
    except argparse.ArgumentError as exc:
        raise _option_error(exc) from None
    if unparsed:
        raise _unexpected(unparsed[0])
    cfg = validate(args.train)
    if cfg.run_dir is None:
        cfg.run_dir = default_run_dir(cfg)
    if cfg.wandb_group is None:
        cfg.wandb_group = f"{task_label(cfg.task)}-{core_label(cfg.core)}"
    return cfg
