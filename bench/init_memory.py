"""How much of its past a core's state holds before any training.

Each core (every init of the gated cores) runs on sequences of random one-hot symbols (like
POPGym's cards); a linear readout is fitted from the state at step t to the symbol seen k steps
earlier, and scored (R^2) on held-out sequences. A core whose untrained state already holds
the symbol k steps back only has to learn the readout for a task that recalls it; one whose
state has forgotten it has to learn the memory itself, through gradients that fade with k.

    python bench/init_memory.py --out bench/results/init_memory

Writes ``<out>.csv`` (one row per core, init, seed and lag) and ``<out>.md`` (means over seeds).
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
import torch as th

from recurrent_agents.cores import GATED_INITS, core_takes, make_core

LAGS = (1, 2, 4, 10, 30)


def held_out_r2(states: th.Tensor, targets: th.Tensor) -> float:
    """R^2 on the second half of the rows of a least-squares readout fitted on the first."""
    inputs = th.cat([states, th.ones(len(states), 1)], dim=1).double()
    targets = targets.double()
    half = len(inputs) // 2
    weights = th.linalg.lstsq(inputs[:half], targets[:half]).solution
    residual = ((inputs[half:] @ weights - targets[half:]) ** 2).sum()
    total = ((targets[half:] - targets[half:].mean(0)) ** 2).sum()
    return float(1 - residual / total)


def recall_r2(
    core: str, init: str | None, seed: int, hidden_size: int, symbols: int, steps: int, batch: int
) -> dict[int, float]:
    """R^2 per lag of the symbol ``lag`` steps back, read from the untrained core's output."""
    th.manual_seed(seed)
    kwargs = {} if init is None else {"init": init}
    model = make_core(core, symbols, hidden_size, **kwargs)
    seq = th.randint(0, symbols, (steps, batch))
    inputs = th.nn.functional.one_hot(seq, symbols).float()
    with th.no_grad():
        outputs, _ = model.forward_sequence(inputs, model.initial_state(batch))
    scores = {}
    for lag in LAGS:
        # sequences (not steps) split into fit and held-out halves: columns of [T, B]
        states = outputs[lag:].transpose(0, 1).reshape(-1, hidden_size)
        targets = inputs[: steps - lag].transpose(0, 1).reshape(-1, symbols)
        scores[lag] = held_out_r2(states, targets)
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results/init_memory"))
    parser.add_argument("--cores", nargs="+", default=["lstm", "gru", "rnn"])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--hidden_size", type=int, default=64)
    parser.add_argument("--symbols", type=int, default=4)
    parser.add_argument("--steps", type=int, default=80)
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args(argv)
    th.set_num_threads(1)
    rows = []
    for core in args.cores:
        inits = GATED_INITS if core_takes(core, "init") else (None,)
        for init in inits:
            for seed in range(args.seeds):
                scores = recall_r2(
                    core, init, seed, args.hidden_size, args.symbols, args.steps, args.batch
                )
                rows += [
                    {"core": core, "init": init or "-", "seed": seed, "lag": lag, "r2": r2}
                    for lag, r2 in scores.items()
                ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out.with_suffix(".csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    lines = [
        f"Held-out R^2 of a linear readout of the symbol k steps back from the untrained "
        f"core's output (hidden {args.hidden_size}, {args.symbols} symbols, mean of "
        f"{args.seeds} seeds; 1 = fully recoverable, 0 = forgotten).",
        "",
        "| core | init | " + " | ".join(f"k={lag}" for lag in LAGS) + " |",
        "|---|---|" + "---|" * len(LAGS),
    ]
    for core, init in dict.fromkeys((r["core"], r["init"]) for r in rows):
        means = [
            np.mean([r["r2"] for r in rows if (r["core"], r["init"], r["lag"]) == (core, init, k)])
            for k in LAGS
        ]
        lines.append(f"| {core} | {init} | " + " | ".join(f"{m:.2f}" for m in means) + " |")
    args.out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
