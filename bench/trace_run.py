"""One training run with every update's statistics in a CSV, to read how a run learns or fails.

    python bench/trace_run.py OUT --task=TMaze --memory_length=100 --seed=0 \\
        --total_timesteps=2000000 [any train.py option] [--adam-beta2 0.99] [--adam-eps 1e-3]

The run is ``train.py``'s (its config, env and model builders; no W&B, no checkpoints): SB3's logger
writes ``OUT/progress.csv``, one row per PPO update with the ``rollout/*`` and ``train/*``
statistics (success rate, advantage std and its floored scale, peak return std, entropy, approx
KL, gradient norm, explained variance, ...). After the last update the greedy policy is
evaluated as ``train.py`` does; the result goes to ``OUT/eval.json``.
``--adam-beta2`` sets Adam's second-moment decay (PyTorch's default 0.999), ``--adam-eps`` its
epsilon (the policy's default 1e-5): how far a step moves when the gradient is tiny.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stable_baselines3.common.logger import configure  # noqa: E402

from recurrent_agents.run.config import ConfigError, build_config  # noqa: E402
from recurrent_agents.run.training import evaluate_run, make_env, new_model  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Parse OUT, ``--adam-beta2``, ``--adam-eps`` and train.py options; train; write the trace."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="output directory (progress.csv, eval.json)")
    parser.add_argument("--adam-beta2", type=float, default=None, help="Adam's beta2")
    parser.add_argument("--adam-eps", type=float, default=None, help="Adam's epsilon")
    args, train_args = parser.parse_known_args(argv)
    if args.adam_beta2 is not None and not 0.0 < args.adam_beta2 < 1.0:
        parser.error(f"--adam-beta2 must be in (0, 1), got {args.adam_beta2}")
    if args.adam_eps is not None and not args.adam_eps > 0.0:
        parser.error(f"--adam-eps must be > 0, got {args.adam_eps}")
    try:
        cfg = build_config(train_args)
        model = new_model(cfg, make_env(cfg, cfg.seed))
    except ConfigError as exc:
        parser.error(str(exc))
    import torch as th

    th.set_num_threads(cfg.torch_threads)
    args.out.mkdir(parents=True, exist_ok=True)
    for group in model.policy.optimizer.param_groups:
        if args.adam_beta2 is not None:
            group["betas"] = (group["betas"][0], args.adam_beta2)
        if args.adam_eps is not None:
            group["eps"] = args.adam_eps
    model.set_logger(configure(str(args.out), ["csv"]))
    model.learn(cfg.total_timesteps)
    result = evaluate_run(cfg, model)
    (args.out / "eval.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
