"""floor.md / floor.csv: CartPole without velocities at 50k (sb3-contrib's test: passes at 450
after the last update), seeds 0-9, per core and setting: runs passing, mean greedy and sampled
return, and how much the advantage floor scaled the policy gradient (floor_binding.csv).

    python bench/suite/results/discounted_floor/summarise.py
"""

import csv
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parent
sys.path.insert(0, str(HERE.parents[3]))

from bench.suite.results.cartpole_levers.summarise import DEFAULT_TABLES, PASS_AT  # noqa: E402

#: (setting, table): the cells of the defaults and of bootstrap_truncated="auto" from earlier
#: sessions, then this directory's.
TABLES = (
    *DEFAULT_TABLES,
    ("auto", RESULTS / "bootstrap_auto" / "auto" / "cartpole_novel.csv"),
    ("auto", RESULTS / "deadline" / "cells" / "cartpole_novel_auto.csv"),
    *((path.stem, path) for path in sorted((HERE / "cells").glob("*.csv"))),
)
#: The order of the rows within a core.
ORDER = ("defaults", "auto", "discounted", "discounted_auto", "auto_auto", "floor0", "floor0_auto")


def row_order(key: tuple[str, str]) -> tuple[str, int, str]:
    """Rows by core, then the settings of :data:`ORDER`, then the rest by name."""
    core, setting = key
    return core, ORDER.index(setting) if setting in ORDER else len(ORDER), setting


def main() -> None:
    cells: dict[tuple[str, str], dict[int, tuple[float, float]]] = {}
    for setting, path in TABLES:
        for row in csv.DictReader(path.open()):
            if row["task"] == "CartPoleNoVel" and row["budget"] == "50000":
                by_seed = cells.setdefault((row["agent"], setting), {})
                by_seed[int(row["seed"])] = (float(row["score"]), float(row["sampled_score"]))
    ratios: dict[tuple[str, str], list[float]] = {}
    for row in csv.DictReader((HERE / "floor_binding.csv").open()):
        if row["task"] == "CartPoleNoVel":
            ratios.setdefault((row["core"], row["setting"]), []).append(float(row["mean_ratio"]))
    rows = []
    for (core, setting), by_seed in sorted(cells.items(), key=lambda kv: row_order(kv[0])):
        greedy = [by_seed[s][0] for s in sorted(by_seed)]
        sampled = [by_seed[s][1] for s in sorted(by_seed)]
        rows.append(
            {
                "core": core,
                "setting": setting,
                "runs": len(greedy),
                "passes": sum(g >= PASS_AT for g in greedy),
                "greedy_mean": round(float(np.mean(greedy)), 1),
                "sampled_mean": round(float(np.mean(sampled)), 1),
                "floor_ratio_mean": round(float(np.mean(ratios[core, setting])), 2)
                if (core, setting) in ratios
                else "",
                "greedy": " ".join(f"{g:.0f}" for g in greedy),
            }
        )
    with (HERE / "floor.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    lines = [
        "| core | setting | passes | greedy mean | sampled mean | gradient kept by the floor "
        "| greedy return after the last update, seeds 0-9 |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['core']} | {r['setting']} | {r['passes']} of {r['runs']} | {r['greedy_mean']} "
        f"| {r['sampled_mean']} | {r['floor_ratio_mean']} | {r['greedy']} |"
        for r in rows
    ]
    (HERE / "floor.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
