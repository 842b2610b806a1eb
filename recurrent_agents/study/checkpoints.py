"""``python train.py evaluate RUN_DIR``: the greedy evaluation of a finished run's model, or of
each of its checkpoints, on fresh episodes of the task it was trained on (``--sampled``: with
actions sampled from the policy, as it acted in training).

With ``--checkpoints`` (and a run trained with ``--keep_checkpoints=0 --checkpoint_every=N``)
it shows what the policy scored after every N env steps, e.g. whether the last update lost
what the run had learned.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from recurrent_agents.run.rundir import CKPT_DIR, CONFIG_FILE, MODEL_FILE

#: Columns of the printed table and of the ``--out`` CSV.
COLUMNS = ("model", "env_steps", "success_rate", "mean_return", "mean_length", "episodes")


class EvaluateError(ValueError):
    """Bad input to ``train.py evaluate``: reported in one line, exit status 2."""


def run_config(run_dir: Path) -> Any:
    """The run's training config (``RUN_DIR/config.yaml``, as train.py stored it)."""
    from recurrent_agents.run.config import ConfigError, build_config

    path = run_dir / CONFIG_FILE
    if not path.is_file():
        raise EvaluateError(f"run_dir {run_dir} has no {CONFIG_FILE} (is it a train.py run?)")
    try:
        return build_config([f"--config={path}"])
    except ConfigError as exc:
        raise EvaluateError(f"{path} is not a valid training config: {exc}") from None


def models_to_evaluate(run_dir: Path, checkpoints: bool) -> list[Path]:
    """The run's final model, or every checkpoint, oldest first (their names sort by step)."""
    if not checkpoints:
        path = run_dir / MODEL_FILE
        if not path.is_file():
            raise EvaluateError(f"run_dir {run_dir} has no {MODEL_FILE} (has the run finished?)")
        return [path]
    found = sorted((run_dir / CKPT_DIR).glob("model_*.zip"))
    if not found:
        raise EvaluateError(f"run_dir {run_dir} has no checkpoints in {CKPT_DIR}/")
    return found


def evaluate_model(
    cfg: Any,
    path: Path,
    episodes: int,
    seed: int,
    memory_length: int | None,
    deterministic: bool = True,
) -> dict[str, Any]:
    """One row of the table: the model at ``path`` played greedily (or with sampled actions,
    ``deterministic=False``) for ``episodes`` episodes."""
    from recurrent_agents import RecurrentPPO
    from recurrent_agents.run.training import evaluate_as_trained

    try:
        model = RecurrentPPO.load(path, device="cpu")
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's input
        raise EvaluateError(f"cannot load model {path}: {' '.join(str(exc).split())}") from None
    result = evaluate_as_trained(
        cfg, model, episodes, seed, memory_length, deterministic=deterministic
    )
    return {"model": str(path), "env_steps": int(model.num_timesteps), **result}


def _format_row(row: dict[str, Any]) -> str:
    success = row["success_rate"]
    success_text = "-" if success is None else f"{success:.2f}"
    return (
        f"{row['env_steps']:>12,}  success {success_text:>4}  return {row['mean_return']:8.3f}  "
        f"length {row['mean_length']:8.1f}  {Path(row['model']).name}"
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line (argparse's usage error and exit status 2 on bad options)."""
    p = argparse.ArgumentParser(prog="train.py evaluate", description=__doc__.splitlines()[0])
    p.add_argument("run_dir", type=Path, help="a train.py run directory")
    p.add_argument("--checkpoints", action="store_true", help="every checkpoint, oldest first")
    p.add_argument("--episodes", type=int, default=None, help="default: the run's eval_episodes")
    p.add_argument("--seed", type=int, default=None, help="default: the run's (its final eval's)")
    p.add_argument(
        "--memory-length", "--memory_length", type=int, default=None, help="default: the run's"
    )
    p.add_argument(
        "--sampled",
        action="store_true",
        help="actions sampled from the policy, as in training (default: greedy)",
    )
    p.add_argument("--out", type=Path, default=None, help="also write the table to this CSV")
    args = p.parse_args(argv)
    if args.episodes is not None and args.episodes < 1:
        p.error(f"--episodes must be a positive int, got {args.episodes}")
    if args.memory_length is not None and args.memory_length < 1:
        p.error(f"--memory-length must be a positive int, got {args.memory_length}")
    if args.out is not None and args.out.exists():
        p.error(f"--out {args.out} exists; choose a new file (nothing is overwritten)")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate and print one line per model; returns the exit status."""
    args = parse_args(argv)
    try:
        cfg = run_config(args.run_dir)
        if args.memory_length is not None and cfg.memory_length is None:
            raise EvaluateError(f"--memory-length needs a task with one, got {cfg.task}")
        models = models_to_evaluate(args.run_dir, args.checkpoints)
        episodes = args.episodes or cfg.eval_episodes or 100
        seed = cfg.seed if args.seed is None else args.seed
        rows = []
        for path in models:
            rows.append(
                evaluate_model(cfg, path, episodes, seed, args.memory_length, not args.sampled)
            )
            print(_format_row(rows[-1]), flush=True)
    except EvaluateError as exc:
        print(f"train.py evaluate: error: {exc}", file=sys.stderr)
        return 2
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("x", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows({k: row[k] for k in COLUMNS} for row in rows)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
