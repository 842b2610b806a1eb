"""bsuite per setting, the defaults before (min_updates=0) against min_updates=64: the fraction
of each run's 10k training episodes that were correct (bsuite's measure; learned above 62.5%),
mean over the seeds both have, per agent (stock: over its own seeds). memory_size cells (per bit
count) go to compare_size.csv and compare_size.png, memory_len cells (per length) to
compare_len.csv, next to this file.

    python bench/suite/results/min_updates/compare_bsuite.py BEFORE_SUITE_CSV AFTER_SUITE_CSV
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
AGENTS = ("lstm", "gru", "rnn", "stock")


def accuracies(path: Path, prefix: str) -> dict[tuple[str, int], dict[int, float]]:
    """(agent, setting) -> {seed: train accuracy} of a suite.csv's cells named ``prefix<n>``."""
    per: dict[tuple[str, int], dict[int, float]] = defaultdict(dict)
    for row in csv.DictReader(path.open()):
        if row["task"].startswith(prefix):
            setting = int(row["task"][len(prefix) :])
            per[(row["agent"], setting)][int(row["seed"])] = float(row["bsuite_train_accuracy"])
    return per


def mean(per_seed: dict[int, float], seeds: list[int]) -> float:
    return sum(per_seed[s] for s in seeds) / len(seeds)


def compare(before_csv: Path, after_csv: Path, prefix: str, column: str) -> list[dict]:
    """One row per agent and setting: the mean accuracy before and after."""
    before, after = accuracies(before_csv, prefix), accuracies(after_csv, prefix)
    rows = []
    for agent, bits in sorted(
        before.keys() | after.keys(), key=lambda k: (AGENTS.index(k[0]), k[1])
    ):
        old, new = before.get((agent, bits), {}), after.get((agent, bits), {})
        seeds = sorted(old.keys() & new.keys()) if new else sorted(old)
        rows.append(
            {
                "agent": agent,
                column: bits,
                "seeds": " ".join(map(str, seeds)),
                "before": f"{mean(old, seeds):.4f}" if old else "",
                "min_updates_64": f"{mean(new, seeds):.4f}" if new else "",
            }
        )
    return rows


def write_csv(rows: list[dict], name: str) -> None:
    with (HERE / name).open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    before_csv, after_csv = (Path(p) for p in sys.argv[1:3])
    length_rows = compare(before_csv, after_csv, "bsuite-L", "memory_length")
    if length_rows:
        write_csv(length_rows, "compare_len.csv")
    rows = compare(before_csv, after_csv, "bsuite-size-B", "num_bits")
    if not rows:
        return
    write_csv(rows, "compare_size.csv")
    fig, ax = plt.subplots(figsize=(7, 4))
    for i, agent in enumerate(AGENTS):
        mine = [r for r in rows if r["agent"] == agent]
        bits = [r["num_bits"] for r in mine]
        color = f"C{i}"
        if agent == "stock":
            ax.plot(bits, [float(r["before"]) for r in mine], "k-", marker="s", label="stock")
            continue
        ax.plot(
            bits,
            [float(r["before"]) for r in mine],
            "--",
            color=color,
            alpha=0.6,
            label=f"{agent}, before",
        )
        ax.plot(
            bits,
            [float(r["min_updates_64"]) for r in mine],
            "-",
            color=color,
            marker="o",
            label=f"{agent}, min_updates=64",
        )
    ax.axhline(LEARNED, color="grey", lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_xlabel("bits to remember (num_bits)")
    ax.set_ylabel("correct over 10k training episodes")
    ax.set_title("bsuite memory_size (stock: mean of its seeds): more updates in 30k steps")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(HERE / "compare_size.png", dpi=110)


if __name__ == "__main__":
    main()
