"""Typed training config: dataclass defaults < YAML file < command-line overrides.

The command line accepts the syntax a W&B sweep's `command:` produces (`--memory_length=20`),
plus `--key value`, bare `--flag` for booleans and `key=value`. Every problem (unknown key, wrong
type, unknown core or task, missing file, out-of-range value) raises `ConfigError`, whose
one-line message names the problem and the allowed values; `train.py` turns it into exit status 2.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from recurrent_agents.defaults import PPO_DEFAULTS
from recurrent_agents.run.tracking import WANDB_MODES, WANDB_PROJECT

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"
PPO_KEYS = tuple(PPO_DEFAULTS)
_NONE_ALLOWED = ("clip_range_vf", "target_kl")


class ConfigError(ValueError):
    """Bad user input in a config file or on the command line (one-line message)."""


def _f(default: Any, help: str, **kwargs: Any) -> Any:
    """A dataclass field with a help string (shown by `train.py --help`)."""
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata={"help": help}, **kwargs)
    return field(default=default, metadata={"help": help}, **kwargs)


@dataclass
class TrainConfig:
    """Everything one training run needs; each field is a `--field=value` option of train.py."""

    # task
    task: str = _f("TMaze", "memory task: a short name from envs.TASKS or a full env id")
    memory_length: int = _f(10, "steps between seeing the cue and having to use it (>= 1)")
    variant: str = _f("passive", "TMaze variant (passive, active, ...)")
    num_cues: int = _f(2, "DelayedCue: number of distinct cues")
    distractors: bool = _f(False, "DelayedCue: random distractor observations in the delay")
    prev_action_reward: bool = _f(
        False, "observe the previous action (one-hot) and reward too (Ni et al. 2022)"
    )
    # agent
    core: str = _f("lstm", "recurrent core (recurrent_agents.available_cores())")
    hidden_size: int = _f(64, "recurrent state size")
    num_layers: int = _f(1, "stacked recurrent layers")
    shared_core: bool | None = _f(None, "actor and critic share one core (default: the policy's)")
    forget_bias: float | None = _f(None, "LSTM forget-gate bias init (default: the policy's)")
    chrono_init: int | None = _f(
        None, "chrono gate-bias init for memory length T_max (Tallec & Ollivier; default: off)"
    )
    features_to_heads: bool | None = _f(
        None, "actor/critic heads also see the current features (skip connection; default on)"
    )
    action_epsilon: float | None = _f(
        None, "spread this much probability uniformly over the actions (exploration floor)"
    )
    normalize_obs: bool | None = _f(
        None,
        "standardise observations with running statistics (rare inputs become large; default off)",
    )
    # PPO (None: recurrent_agents.defaults)
    learning_rate: float | None = _f(None, "Adam learning rate")
    n_steps: int | None = _f(None, "rollout length per env per update")
    batch_size: int | None = _f(None, "minibatch size in env steps")
    n_epochs: int | None = _f(None, "PPO epochs per update")
    gamma: float | None = _f(None, "discount factor")
    gae_lambda: float | None = _f(None, "GAE lambda")
    clip_range: float | None = _f(None, "PPO clip range")
    clip_range_vf: float | None = _f(None, "value clip range (None: no value clipping)")
    advantage_floor_ratio: float | None = _f(
        None, "advantage normalisation floor, as a fraction of the run's peak advantage std"
    )
    ent_coef: float | None = _f(None, "entropy bonus coefficient")
    vf_coef: float | None = _f(None, "value loss coefficient")
    max_grad_norm: float | None = _f(None, "gradient clipping norm")
    normalize_advantage: bool | None = _f(None, "normalise advantages per minibatch")
    target_kl: float | None = _f(None, "stop an update's epochs early above this KL")
    curriculum: list[int] = _f(
        [],
        "memory lengths to train on before memory_length, shortest first, advancing on success",
    )
    curriculum_threshold: float = _f(
        0.95, "advance the curriculum once the last 100 training episodes succeed at this rate"
    )
    curriculum_scale_ent_coef: bool = _f(
        False,
        "ent_coef is for the first stage, divided by L / L_first later (same bonus per episode)",
    )
    # run
    total_timesteps: int = _f(200_000, "env steps to train for")
    stop_at_success: float | None = _f(
        None, "stop early once the last 100 training episodes succeed at this rate (0-1)"
    )
    n_envs: int = _f(8, "parallel envs (one batched numpy env)")
    seed: int = _f(0, "random seed (envs, torch, numpy)")
    device: str = _f("cpu", "torch device")
    torch_threads: int = _f(1, "torch.set_num_threads (0: leave torch's default)")
    eval_episodes: int = _f(100, "greedy evaluation episodes after training (0: skip)")
    checkpoint_every: int = _f(50_000, "env steps between checkpoints (0: none)")
    run_dir: str | None = _f(None, "output directory (default runs/<task>-<core>-L<L>-s<seed>)")
    resume: bool = _f(False, "continue from the last checkpoint in run_dir, same W&B run")
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
        """Keyword arguments for the task's env constructor."""
        kwargs: dict[str, Any] = {"memory_length": self.memory_length}
        name = self.task.lower()
        if "tmaze" in name and "bakker" not in name:
            kwargs["variant"] = self.variant
        elif "delayedcue" in name:
            kwargs.update(num_cues=self.num_cues, distractors=self.distractors)
        return kwargs

    def policy_kwargs(self) -> dict[str, Any]:
        """`policy_kwargs` for RecurrentPPO; None-valued options keep the policy's defaults."""
        kwargs = {
            "core": self.core,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "shared_core": self.shared_core,
            "forget_bias": self.forget_bias,
            "chrono_init": self.chrono_init,
            "features_to_heads": self.features_to_heads,
            "action_epsilon": self.action_epsilon,
            "normalize_obs": self.normalize_obs,
        }
        return {k: v for k, v in kwargs.items() if v is not None}

    def ppo_kwargs(self) -> dict[str, Any]:
        """PPO hyperparameters for RecurrentPPO (None means "off" only where SB3 allows it)."""
        kwargs = {k: getattr(self, k) for k in PPO_KEYS}
        return {k: v for k, v in kwargs.items() if v is not None or k in _NONE_ALLOWED}

    def to_dict(self) -> dict[str, Any]:
        """A plain dict of every field (for W&B and result.json)."""
        return dataclasses.asdict(self)


FIELDS = {f.name: f for f in dataclasses.fields(TrainConfig)}
_HINTS = typing.get_type_hints(TrainConfig)


def ppo_defaults() -> dict[str, Any]:
    """The tuned PPO defaults of `recurrent_agents.defaults` (a copy)."""
    return dict(PPO_DEFAULTS)


def available_cores() -> list[str]:
    """Core names from the core registry."""
    from recurrent_agents import available_cores as _available

    return list(_available())


def available_tasks() -> dict[str, str]:
    """envs.TASKS: short task name -> env id."""
    import envs

    return dict(envs.TASKS)


def _type_name(tp: Any) -> str:
    """A readable name for a field type, e.g. 'int', 'float or None', 'list of str'."""
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return " or ".join("None" if a is type(None) else _type_name(a) for a in args)
    if typing.get_origin(tp) is list:
        return f"list of {_type_name(args[0])}"
    return getattr(tp, "__name__", str(tp))


def _parse_bool(text: str) -> bool | None:
    """'true'/'false' style strings to bool; None if not boolean-like."""
    low = text.strip().lower()
    if low in ("true", "1", "yes", "on", "y"):
        return True
    if low in ("false", "0", "no", "off", "n"):
        return False
    return None


def coerce(name: str, value: Any, tp: Any | None = None) -> Any:
    """Convert a YAML or command-line value to field `name`'s type, or raise ConfigError."""
    tp = _HINTS[name] if tp is None else tp
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if value is None or (isinstance(value, str) and value.strip().lower() in ("none", "null")):
            return None
        return coerce(name, value, inner[0])
    if typing.get_origin(tp) is list:
        if isinstance(value, str):
            text = value.strip().strip("[]")
            items = [s.strip().strip("'\"") for s in text.split(",")]
            value = [s for s in items if s]
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{name} must be a {_type_name(tp)}, got {value!r}")
        return [coerce(name, v, args[0]) for v in value]
    if tp is bool:
        if isinstance(value, bool):
            return value
        parsed = _parse_bool(value) if isinstance(value, str) else None
        if parsed is None:
            raise ConfigError(f"{name} must be a bool (true or false), got {value!r}")
        return parsed
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, (str, float)) and not isinstance(value, bool):
            try:
                number = float(value)
            except ValueError:
                number = None
            # "1e5" is a common way to write step counts; accept it when it is integral.
            if number is not None and number.is_integer():
                return int(number)
        raise ConfigError(f"{name} must be an int, got {value!r}")
    if tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)  # YAML 1.1 loads "3e-4" as a string
            except ValueError:
                pass
        raise ConfigError(f"{name} must be a float, got {value!r}")
    if tp is str:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        raise ConfigError(f"{name} must be a str, got {value!r}")
    raise ConfigError(f"{name}: unsupported type {tp}")  # pragma: no cover - programming error


def _unknown_key(key: str, where: str) -> ConfigError:
    """The error for an unknown option, with a close match if there is one."""
    close = difflib.get_close_matches(key.lstrip("-"), FIELDS, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return ConfigError(f"unknown {where} {key}{hint}; allowed: config, {', '.join(FIELDS)}")


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
        data = yaml.safe_load(resolved.read_text()) or {}
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        raise ConfigError(f"config file {resolved} is not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config file {resolved} must be a mapping of option: value")
    for key in data:
        if key not in FIELDS:
            raise _unknown_key(str(key), f"key in {resolved.name}:")
    return {key: coerce(key, value) for key, value in data.items()}


def split_argv(argv: list[str]) -> tuple[str | None, dict[str, str], bool]:
    """Split argv into (config path, {key: raw value}, help requested)."""
    config_path, raw, want_help = None, {}, False
    i = 0
    while i < len(argv):
        token = argv[i]
        i += 1
        if token in ("-h", "--help"):
            want_help = True
            continue
        if token.startswith("--"):
            key, eq, value = token[2:].partition("=")
        elif "=" in token and not token.startswith("-"):
            key, eq, value = token.partition("=")  # wandb's ${args_no_hyphens}
        else:
            raise ConfigError(f"unexpected argument {token!r}; options look like --key=value")
        key = key.replace("-", "_")
        if not eq:
            # `--key value`, or a bare boolean flag such as `--resume`.
            is_flag = key in FIELDS and _HINTS[key] in (bool, bool | None)
            has_next = i < len(argv) and not argv[i].startswith("--")
            if has_next and (not is_flag or _parse_bool(argv[i]) is not None):
                value = argv[i]
                i += 1
            elif is_flag:
                value = "true"
            else:
                raise ConfigError(f"option --{key} needs a value, e.g. --{key}=VALUE")
        if key == "config":
            config_path = value
        elif key not in FIELDS:
            raise _unknown_key(f"--{key}", "option")
        else:
            raw[key] = value
    return config_path, raw, want_help


def validate(cfg: TrainConfig, explicit: set[str] | frozenset[str] = frozenset()) -> TrainConfig:
    """Check ranges and names; fill unset PPO options from the defaults. Returns cfg.

    `explicit` names the options the user set, so that `--target_kl=None` stays None.
    """
    positive = ("memory_length", "hidden_size", "num_layers", "total_timesteps", "n_envs")
    for name in positive:
        value = getattr(cfg, name)
        if value < 1:
            raise ConfigError(f"{name} must be a positive int, got {value}")
    for name in ("eval_episodes", "checkpoint_every", "torch_threads", "video_episodes"):
        if getattr(cfg, name) < 0:
            raise ConfigError(f"{name} must be an int >= 0, got {getattr(cfg, name)}")
    if cfg.stop_at_success is not None and not 0 < cfg.stop_at_success <= 1:
        raise ConfigError(f"stop_at_success must be in (0, 1], got {cfg.stop_at_success}")
    if not 0 < cfg.curriculum_threshold <= 1:
        raise ConfigError(f"curriculum_threshold must be in (0, 1], got {cfg.curriculum_threshold}")
    from recurrent_agents.run.curriculum import curriculum_stages  # imports SB3: not at load time

    try:
        curriculum_stages(cfg.curriculum, cfg.memory_length)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if cfg.wandb_mode is not None and cfg.wandb_mode not in WANDB_MODES:
        allowed = ", ".join(WANDB_MODES)
        raise ConfigError(f"wandb_mode must be one of {allowed}, got {cfg.wandb_mode!r}")
    tasks = available_tasks()
    if cfg.task not in tasks and cfg.task not in tasks.values():
        raise ConfigError(f"task must be one of {', '.join(tasks)}, got {cfg.task!r}")
    cores = available_cores()
    if cfg.core not in cores:
        raise ConfigError(f"core must be one of {', '.join(cores)}, got {cfg.core!r}")
    for key, value in ppo_defaults().items():
        if getattr(cfg, key) is None and key not in explicit:
            setattr(cfg, key, value)
    for name in ("n_steps", "batch_size", "n_epochs"):
        value = getattr(cfg, name)
        if value is None or value < 1:
            raise ConfigError(f"{name} must be a positive int, got {value}")
    for name in ("learning_rate", "gamma", "gae_lambda", "clip_range", "ent_coef", "vf_coef"):
        value = getattr(cfg, name)
        if value is None or value < 0 or (name in ("gamma", "gae_lambda") and value > 1):
            allowed = "in [0, 1]" if name in ("gamma", "gae_lambda") else ">= 0"
            raise ConfigError(f"{name} must be a float {allowed}, got {value}")
    return cfg


def default_run_dir(cfg: TrainConfig) -> str:
    """runs/<task>-<core>-L<memory_length>-s<seed> (stable, so `--resume` finds it again)."""
    task = cfg.task.split("/")[-1]
    return os.path.join("runs", f"{task}-{cfg.core}-L{cfg.memory_length}-s{cfg.seed}")


def build_config(argv: list[str]) -> TrainConfig:
    """Parse argv (without the program name) into a validated TrainConfig."""
    config_path, raw, _ = split_argv(argv)
    values: dict[str, Any] = load_yaml(config_path) if config_path else {}
    values.update({key: coerce(key, value) for key, value in raw.items()})
    cfg = validate(TrainConfig(**values), explicit=set(values))
    if cfg.run_dir is None:
        cfg.run_dir = default_run_dir(cfg)
    if cfg.wandb_group is None:
        cfg.wandb_group = f"{cfg.task.split('/')[-1]}-{cfg.core}"
    return cfg


def help_text(prog: str = "train.py") -> str:
    """`--help`: every option with its type, default and meaning."""
    defaults = ppo_defaults()
    lines = [
        f"usage: python {prog} [--config FILE] [--key=VALUE | --key VALUE ...]",
        f"       python {prog} {{sweep,report,dashboard,gradient-flow}} ARGS",
        "",
        "Train recurrent PPO on a memory task and track it in W&B (offline without an API key).",
        "Precedence: defaults < --config YAML (configs/*.yaml) < command line.",
        "",
        "options:",
        f"{'  --config=FILE':<38} YAML config (a path or a name in configs/) [default: none]",
    ]
    for name, f in FIELDS.items():
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        if default is None and name in defaults:
            default = defaults[name]
        if isinstance(default, list):
            default = ",".join(map(str, default)) or "none"
        meta = _type_name(_HINTS[name]).replace(" or None", "").replace("list of str", "A,B")
        meta = meta.replace("list of int", "N,M")
        option = f"  --{name}={meta.upper()}"
        text = f.metadata["help"]
        if not (default is None and "default" in text):  # the help already says it
            text += f" [default: {default}]"
        lines.append(f"{option:<38} {text}")
    lines.append(f"{'  -h, --help':<38} show this help and exit")
    return "\n".join(lines)
