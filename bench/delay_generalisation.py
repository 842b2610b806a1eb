"""Does a trained memory hold at delays other than the one it was trained on?

Each model is evaluated greedily, without further training, on its task at a list of memory
lengths around and beyond its training length. A memory that integrates (a gate held open)
keeps the cue at any longer delay; one that rotates the state (an orthogonal recurrence with
shut gates) reads the cue out at the phase it was trained for and inverts or loses it a few
steps off it, and one update can shift that phase (README, "Cores").

    python bench/delay_generalisation.py --task DelayedCue --lengths 30,90,100,110,1000 \\
        --model NAME=PATH [--model NAME=PATH ...] --out bench/results/delay_generalisation

``--prev-action-reward`` must be the models' training value: ``reward`` (train.py's default,
the previous reward observed), ``true`` (the previous action and reward) or ``false``;
``--envs`` episodes are stepped at once (long episodes: as many as ``--episodes``).

Writes ``<out>.csv`` (one row per model and length) and ``<out>.md`` (a row per model).
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from envs.wrappers import PREV_ACTION_REWARD_VALUES
from recurrent_agents import RecurrentPPO
from recurrent_agents.run.evaluation import evaluate


def parse_model(text: str) -> tuple[str, str]:
    """``NAME=PATH`` as the row's name and the saved model's path."""
    name, _, path = text.partition("=")
    if not name or not path:
        raise argparse.ArgumentTypeError(f"--model takes NAME=PATH, got {text!r}")
    return name, path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="DelayedCue")
    parser.add_argument("--lengths", required=True, help="memory lengths, comma separated")
    parser.add_argument("--model", type=parse_model, action="append", required=True)
    parser.add_argument("--episodes", type=int, default=100)
    parser.add_argument("--envs", type=int, default=8, help="episodes stepped at once")
    parser.add_argument(
        "--prev-action-reward",
        choices=PREV_ACTION_REWARD_VALUES,
        default="reward",
        help="what the models observed besides the task (train.py's prev_action_reward)",
    )
    parser.add_argument("--out", default="bench/results/delay_generalisation")
    args = parser.parse_args(argv)
    lengths = [int(n) for n in args.lengths.split(",")]

    rows = []
    for name, path in args.model:
        model = RecurrentPPO.load(path, device="cpu")
        for length in lengths:
            result = evaluate(
                model,
                args.task,
                {"memory_length": length},
                args.episodes,
                seed=0,
                n_envs=args.envs,
                prev_action_reward=PREV_ACTION_REWARD_VALUES[args.prev_action_reward],
            )
            rows.append({"model": name, "memory_length": length, **result})
            print(name, length, result["success_rate"], flush=True)

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.with_suffix(".csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    lines = [
        f"Greedy success on {args.task} at each memory length ({args.episodes} episodes), "
        "without further training.",
        "",
        "| model | " + " | ".join(f"L={n}" for n in lengths) + " |",
        "|---|" + "---|" * len(lengths),
    ]
    for name, _ in args.model:
        cells = [r["success_rate"] for r in rows if r["model"] == name]
        lines.append(f"| {name} | " + " | ".join(f"{s:.2f}" for s in cells) + " |")
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
