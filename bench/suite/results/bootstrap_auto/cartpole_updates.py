"""CartPole without velocities at 50k env steps, the greedy policy after every update (20
episodes each): per setting and cell, the best update (sb3-contrib's test passes when its best
evaluation, 20 episodes every 5k env steps, reaches 450), the share of the last fifth's updates
(from 40k env steps) at 450 or more, and the last update's. Writes cartpole_updates.csv.

    python bench/suite/results/bootstrap_auto/cartpole_updates.py
"""

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
PASS, LAST_FIFTH = 450.0, 40_000


def summary(setting: str, path: Path) -> dict:
    rows = list(csv.DictReader(path.open()))
    returns = [float(r["mean_return"]) for r in rows]
    late = [float(r["mean_return"]) for r in rows if float(r["env_steps"]) >= LAST_FIFTH]
    core, seed = path.stem.split("-s")
    return {
        "setting": setting,
        "core": core,
        "seed": int(seed),
        "updates": len(rows),
        "best": max(returns),
        "last": returns[-1],
        "last_fifth_passing": f"{sum(r >= PASS for r in late)}/{len(late)}",
    }


def main() -> None:
    rows = [
        summary(path.parent.name, path)
        for path in sorted((HERE / "cartpole_updates").glob("*/*.csv"))
    ]
    with (HERE / "cartpole_updates.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    for setting in sorted({r["setting"] for r in rows}):
        mine = [r for r in rows if r["setting"] == setting]
        passed, total = (
            sum(int(r["last_fifth_passing"].split("/")[i]) for r in mine) for i in (0, 1)
        )
        best = sum(r["best"] >= PASS for r in mine)
        print(
            f"{setting}: best update >= {PASS:.0f} in {best} of {len(mine)} runs; "
            f"last fifth's updates >= {PASS:.0f}: {passed} of {total}"
        )


if __name__ == "__main__":
    main()
