"""Command-line entry point: train recurrent PPO on a memory task, tracked in W&B.

    python train.py [--config configs/tmaze_lstm.yaml] [--memory_length=20 --core=gru ...]
    python train.py {sweep,tune,report,dashboard,gradient-flow,export,evaluate} ARGS
        (sweeps, per-core tuning, analysis, ONNX, a run's models evaluated again)

`python train.py --help` lists every option with its default.
"""

from __future__ import annotations

import importlib
import signal
import sys

# Sweep and analysis subcommands: name -> module with `main(argv) -> int`.
SUBCOMMANDS = {
    "sweep": "recurrent_agents.study.sweep",
    "tune": "recurrent_agents.study.tune",
    "report": "recurrent_agents.study.frontier",
    "dashboard": "recurrent_agents.study.dashboard",
    "gradient-flow": "recurrent_agents.study.gradient_flow",
    "export": "recurrent_agents.export",
    "evaluate": "recurrent_agents.study.checkpoints",
}


def _interrupt(signum: int, frame: object) -> None:
    """Signal handler: turn SIGTERM into KeyboardInterrupt (checkpoint, then exit)."""
    raise KeyboardInterrupt(f"signal {signum}")


def _error(exc: Exception, status: int = 2) -> int:
    """Report an error in one line; the exit status for it (2: bad input, 1: training failed)."""
    print(f"train.py: error: {exc}", file=sys.stderr)
    return status


def main(argv: list[str] | None = None) -> int:
    """Parse argv, run one training job (or a subcommand); return the exit status.

    Exit status: 0 done, 1 training diverged (non-finite loss or parameters; the last finite
    parameters are checkpointed), 2 bad input (a one-line error; nothing in run_dir changed),
    130 interrupted (checkpointed; --resume continues).
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in SUBCOMMANDS:
        try:
            return int(importlib.import_module(SUBCOMMANDS[argv[0]]).main(argv[1:]) or 0)
        except SystemExit as exc:  # argparse's --help or a one-line usage error
            return int(exc.code or 0)

    from recurrent_agents.run.config import ConfigError, build_config

    try:
        config = build_config(argv)
    except ConfigError as exc:
        return _error(exc)
    except SystemExit as exc:  # --help: argparse printed it and exits
        return int(exc.code or 0)
    from recurrent_agents.run.records import RunResult
    from recurrent_agents.run.training import format_result, run_training

    # A terminated run (e.g. a sweep cancelling it) checkpoints like Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        result = run_training(config)
    except ConfigError as exc:
        return _error(exc)
    except FloatingPointError as exc:
        return _error(exc, status=1)
    except KeyboardInterrupt:
        return 130
    print(format_result(result))
    print(f"results: {RunResult.path(config.run_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
