"""levers.md / levers.csv: CartPole without velocities at 50k, one lever at a time against the
defaults, runs passing sb3-contrib's 450 after the last update, next to this file.

    python bench/suite/results/cartpole_levers/summarise.py
"""

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parent
PASS_AT = 450
#: (setting, table): the defaults' CartPole cells at 50k, seeds 0-4 and 5-9.
DEFAULT_TABLES = (
    ("defaults", RESULTS / "targets" / "cartpole_novel" / "suite.csv"),
    ("defaults", RESULTS / "deadline" / "defaults" / "cartpole_novel_s5-9.csv"),
)
#: The defaults' cells first, then one table per lever.
TABLES = (
    *DEFAULT_TABLES,
    *((path.stem.split("_", 1)[1], path) for path in sorted((HERE / "cells").glob("*.csv"))),
)


def main() -> None:
    scores: dict[tuple[str, str], dict[int, float]] = {}
    for setting, path in TABLES:
        for row in csv.DictReader(path.open()):
            if row["task"] == "CartPoleNoVel":
                key = (setting, row["agent"])
                scores.setdefault(key, {})[int(row["seed"])] = float(row["score"])
    rows = [
        {
            "setting": setting,
            "core": core,
            "seeds": " ".join(str(s) for s in sorted(by_seed)),
            "scores": " ".join(f"{by_seed[s]:.0f}" for s in sorted(by_seed)),
            "passes": sum(v >= PASS_AT for v in by_seed.values()),
            "runs": len(by_seed),
        }
        for (setting, core), by_seed in sorted(scores.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]
    with (HERE / "levers.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    header = "| core | setting | passes | greedy return after the last update, seeds in order |"
    lines = [header, "|---|---|---|---|"]
    lines += [
        f"| {r['core']} | {r['setting']} | {r['passes']} of {r['runs']} | {r['scores']} |"
        for r in rows
    ]
    (HERE / "levers.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
