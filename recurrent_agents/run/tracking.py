"""Weights & Biases run setup that never stops training.

`init_wandb` picks the mode (online only when an API key is configured, offline otherwise),
falls back to offline and then to disabled when `wandb.init` fails, and prints where the run
lives on disk and how to upload it with `wandb sync`. It also holds the W&B choices every command
line offers (`WANDB_MODES`, the default project `WANDB_PROJECT`).

`wandb` is imported where it is used, so that the config and the command-line parsers can import
the choices without paying for it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import wandb

WANDB_PROJECT = "recurrent-agents"
#: In the order init_wandb falls back through them.
WANDB_MODES = ("online", "offline", "disabled")
# Online init on a machine without network would otherwise hang for wandb's default 90 s.
ONLINE_INIT_TIMEOUT_S = 30.0
OFFLINE_INIT_TIMEOUT_S = 60.0
# wandb-core writes a run's records to its .wandb file when a 32 KiB block fills, when the run
# finishes, and every this many seconds (wandb's default, 15 s, lost the first minutes of history
# of a run killed by SIGKILL: the 7-byte .wandb files).
TRANSACTION_LOG_FLUSH_S = 0.2


def _note(message: str) -> None:
    """Print a one-line tracking message to stderr (stdout may be a progress bar)."""
    print(f"[tracking] {message}", file=sys.stderr, flush=True)


def _local_settings() -> wandb.Settings:
    """wandb's settings from its settings file and env vars, without starting its service.

    (`wandb.setup()` would start wandb-core and export WANDB_SERVICE to child processes.)
    """
    import wandb

    settings = wandb.Settings()
    config_dir = os.environ.get("WANDB_CONFIG_DIR")
    base = Path(config_dir).expanduser() if config_dir else Path("~/.config/wandb").expanduser()
    settings.settings_system = str(base / "settings")
    settings.update_from_system_settings()
    settings.update_from_env_vars(dict(os.environ))
    return settings


def api_key_configured() -> bool:
    """Whether a W&B API key is configured (env var, .netrc or wandb settings); no network."""
    if os.environ.get("WANDB_API_KEY") or os.environ.get("WANDB_IDENTITY_TOKEN_FILE"):
        return True
    try:
        from wandb.sdk.lib import wbauth

        settings = _local_settings()
        if wbauth.read_netrc_auth(host=wbauth.HostUrl(settings.base_url)):
            return True
        return bool(settings.api_key)
    except Exception:  # noqa: BLE001 - any failure here just means "no usable key"
        return False


def resolve_mode(mode: str | None) -> str:
    """The W&B mode to use: explicit `mode`, else WANDB_MODE, else online iff a key exists."""
    if mode is None or mode == "auto":
        env_mode = os.environ.get("WANDB_MODE", "").strip().lower()
        if os.environ.get("WANDB_DISABLED", "").lower() in ("true", "1"):
            env_mode = "disabled"
        if env_mode == "dryrun":
            env_mode = "offline"
        if env_mode in WANDB_MODES:
            return env_mode
        return "online" if api_key_configured() else "offline"
    if mode == "dryrun":
        return "offline"
    if mode not in WANDB_MODES:
        raise ValueError(f"wandb_mode must be one of {', '.join(WANDB_MODES)}, got {mode!r}")
    return mode


def _settings(mode: str) -> wandb.Settings:
    """Settings that keep W&B quiet and robust next to a progress bar."""
    import wandb

    durable = {}
    if "x_transaction_log_flush_interval" in wandb.Settings.model_fields:
        durable["x_transaction_log_flush_interval"] = TRANSACTION_LOG_FLUSH_S
    return wandb.Settings(
        # Console capture wraps stdout/stderr and garbles tqdm/rich bars; logs go to files anyway.
        console="off",
        init_timeout=ONLINE_INIT_TIMEOUT_S if mode == "online" else OFFLINE_INIT_TIMEOUT_S,
        silent=True,
        x_disable_stats=True,
        **durable,
    )


def sync_command(run: Any) -> str | None:
    """The `wandb sync` command that uploads an offline run, or None for a disabled run."""
    run_dir = run_directory(run)
    return f"wandb sync {run_dir}" if run_dir else None


def run_directory(run: Any) -> str | None:
    """The run's local directory (`.../wandb/offline-run-...`), or None when disabled."""
    if run is None or getattr(run, "disabled", False):
        return None
    try:
        return os.path.dirname(run.dir.rstrip(os.sep))
    except Exception:  # noqa: BLE001
        return None


def _first_mode(mode: str | None) -> str:
    """The mode init_wandb tries first; drops an invalid WANDB_MODE that would fail every try."""
    first = resolve_mode(mode)
    if first == "online" and not api_key_configured():
        # wandb would prompt for a key (blocking in a terminal) or fail; offline needs none.
        _note("wandb_mode=online but no API key is configured (wandb login); logging offline.")
        first = "offline"
    env_mode = os.environ.get("WANDB_MODE")
    if env_mode is not None and env_mode.strip().lower() not in (*WANDB_MODES, "dryrun", "shared"):
        # wandb.Settings validates WANDB_MODE and would reject every init attempt.
        _note(f"ignoring invalid WANDB_MODE={env_mode!r} (allowed: {', '.join(WANDB_MODES)})")
        del os.environ["WANDB_MODE"]
    return first


def init_wandb(
    *,
    project: str,
    group: str | None,
    job_type: str,
    config: dict,
    mode: str | None = None,
    dir: str | os.PathLike | None = None,
    tags: list[str] | None = None,
    name: str | None = None,
    run_id: str | None = None,
) -> Any:
    """Start a W&B run, degrading online -> offline -> disabled instead of raising.

    Args:
        project: W&B project name.
        group: run group (e.g. "TMaze-lstm" or a sweep name); None for no group.
        job_type: e.g. "train", "report", "gradient-flow".
        config: the full run config, stored with the run.
        mode: "online", "offline", "disabled", or None for online iff an API key is configured.
        dir: parent directory of the `wandb/` folder (created if needed).
        tags: run tags.
        name: display name.
        run_id: resume this run id (`resume="allow"`), e.g. after `--resume`.

    Returns:
        A `wandb` Run (a disabled, no-op run if nothing else worked).
    """
    import wandb

    first = _first_mode(mode)
    if dir is not None:
        os.makedirs(dir, exist_ok=True)
    attempts = WANDB_MODES[WANDB_MODES.index(first) :]
    kwargs = dict(
        project=project,
        group=group,
        job_type=job_type,
        config=config,
        dir=os.fspath(dir) if dir is not None else None,
        tags=list(tags) if tags else None,
        name=name,
        id=run_id,
        resume="allow" if run_id else None,
        reinit="finish_previous",
    )
    run, error = None, None
    for attempt in attempts:
        try:
            run = wandb.init(mode=attempt, settings=_settings(attempt), **kwargs)
            break
        except Exception as exc:  # noqa: BLE001 - tracking must never stop training
            error = exc
    if run is None:  # even "disabled" failed: extremely unlikely, but do not crash
        raise RuntimeError(f"wandb.init failed in every mode: {error}")
    used = "disabled" if getattr(run, "disabled", False) else run.settings.mode
    if used != first:
        reason = " ".join(str(error).split())[:300]  # one line, even for multi-line errors
        _note(f"W&B {first} init failed ({type(error).__name__}: {reason}); continuing {used}.")
    run_dir = run_directory(run)
    if run_dir:
        _note(f"W&B run ({used}) {run.id} in {run_dir}")
        if used == "offline":
            _note(f"upload it with: {sync_command(run)}")
    return run
