"""bsuite memory_size per bit count: the fraction of each run's 10k training episodes that were
correct (bsuite's measure; learned above 62.5%), mean over seeds per agent, from a suite's
suite.csv. Writes accuracy.csv and accuracy.png next to this file.

    python bench/suite/results/held_out_size/accuracy.py [SUITE_CSV]
"""

import csv
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = Path(__file__).resolve().parent
LEARNED = 0.625  # bsuite: under 75% of a random agent's regret


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "suite.csv"
    per = defaultdict(list)
    for row in csv.DictReader(source.open()):
        if row["task"].startswith("bsuite-size-B"):
            bits = int(row["task"].rsplit("B", 1)[1])
            accuracy = float(row["bsuite_train_accuracy"])
            per[(row["agent"], bits)].append((int(row["seed"]), accuracy))
    agents = sorted({a for a, _ in per}, key=["lstm", "gru", "rnn", "stock"].index)
    bits = sorted({b for _, b in per})
    with (HERE / "accuracy.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["agent", "num_bits", "seeds", "mean_accuracy", "per_seed"])
        for a in agents:
            for b in bits:
                runs = sorted(per.get((a, b), []))
                if runs:
                    mean = sum(v for _, v in runs) / len(runs)
                    per_seed = " ".join(f"{v:.4f}" for _, v in runs)
                    w.writerow([a, b, " ".join(str(s) for s, _ in runs), f"{mean:.4f}", per_seed])
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for a in agents:
        xs = [b for b in bits if per.get((a, b))]
        ys = [sum(v for _, v in per[(a, b)]) / len(per[(a, b)]) for b in xs]
        ax.plot(xs, ys, marker="o", ms=3, label=f"{a} ({len(per[(a, xs[0])])} seeds)")
    ax.axhline(LEARNED, color="grey", ls="--", lw=1, label="bsuite's learned (62.5%)")
    ax.set_xscale("log")
    ax.set_xlabel("num_bits (bits to hold for 2 steps)")
    ax.set_ylabel("correct in the 10k training episodes")
    ax.set_title("bsuite memory_size", fontsize=10)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(HERE / "accuracy.png", dpi=120)


if __name__ == "__main__":
    main()
