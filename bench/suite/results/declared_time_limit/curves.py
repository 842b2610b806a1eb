"""CartPole without velocities (sb3-contrib's test env) at every update from 30k to 70k env
steps: the greedy mean return of each checkpoint, and how much of the policy gradient the
advantage floor kept, with the advantage floor summed until the first truncation (the defaults
before) and discounted from the first update (what a declared ``TimeLimit`` now gives).

    python bench/suite/results/declared_time_limit/curves.py collect OUT_DIR before=DIR after=DIR
    python bench/suite/results/declared_time_limit/curves.py summarise OUT_DIR

``collect`` reads each ``DIR/<core>_s<seed>.csv`` (``train.py evaluate RUN --checkpoints``) and
each run's W&B history in ``DIR/runs/<core>_s<seed>``, and writes ``curves.csv`` and
``floor_kept.csv``; ``summarise`` writes ``curves.md`` and ``curves.png`` from them.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT))

from recurrent_agents.run.plot import read_history  # noqa: E402

PASS_AT = 450  # sb3-contrib's test passes at a greedy mean return of 450
WINDOW = (40_000, 60_000)  # the updates around the test's 50k budget
TEST_STEP = 51_104  # the update the suite's 50k cell ends with (25 rollouts of 8 x 256)
LEARNING = (20_000, 40_000)  # where the summed floor bound before any truncation


def collect(out: Path, settings: dict[str, Path]) -> None:
    """Write ``curves.csv`` and ``floor_kept.csv`` from the runs of each setting."""
    curve_rows, kept_rows = [], []
    for setting, directory in settings.items():
        for table in sorted(directory.glob("*_s*.csv")):
            core, seed = table.stem.split("_s")
            for row in csv.DictReader(table.open()):
                curve_rows.append(
                    {
                        "setting": setting,
                        "core": core,
                        "seed": int(seed),
                        "env_steps": int(row["env_steps"]),
                        "greedy_mean_return": float(row["mean_return"]),
                        "episodes": int(row["episodes"]),
                    }
                )
            for record in read_history(directory / "runs" / table.stem):
                if record.get("train/advantage_scale"):
                    kept_rows.append(
                        {
                            "setting": setting,
                            "core": core,
                            "seed": int(seed),
                            "env_steps": int(record["global_step"]),
                            "advantage_std": record["train/advantage_std"],
                            "advantage_scale": record["train/advantage_scale"],
                        }
                    )
    _write(out / "curves.csv", curve_rows)
    _write(out / "floor_kept.csv", kept_rows)


def _write(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _mean_interval(values: list[float]) -> str:
    """Mean over seeds with scipy's 95% bootstrap interval."""
    from scipy.stats import bootstrap

    data = np.asarray(values, dtype=float)
    if np.ptp(data) == 0:
        return f"{data.mean():.2f} [{data.mean():.2f}, {data.mean():.2f}]"
    ci = bootstrap((data,), np.mean, n_resamples=10_000, random_state=0).confidence_interval
    return f"{data.mean():.2f} [{ci.low:.2f}, {ci.high:.2f}]"


def summarise(out: Path) -> None:
    """Write ``curves.md`` (per core and setting) and ``curves.png`` (mean greedy return)."""
    curves = list(csv.DictReader((out / "curves.csv").open()))
    kept = list(csv.DictReader((out / "floor_kept.csv").open()))
    settings = list(dict.fromkeys(r["setting"] for r in curves))
    cores = list(dict.fromkeys(r["core"] for r in curves))
    lines = [
        "| core | setting | seeds | share of updates at 40k-60k passing (mean over seeds, 95% "
        "bootstrap interval) | runs passing at the 50k update | gradient kept by the floor, "
        "20k-40k / 40k-52k |",
        "|---|---|---|---|---|---|",
    ]
    for core in cores:
        for setting in settings:
            runs = sorted(
                {int(r["seed"]) for r in curves if (r["core"], r["setting"]) == (core, setting)}
            )
            if not runs:
                continue
            shares, at_test, kept_learning, kept_late = [], 0, [], []
            for seed in runs:
                mine = [
                    r
                    for r in curves
                    if (r["core"], r["setting"], int(r["seed"])) == (core, setting, seed)
                ]
                window = [
                    float(r["greedy_mean_return"])
                    for r in mine
                    if WINDOW[0] <= int(r["env_steps"]) <= WINDOW[1]
                ]
                shares.append(np.mean([v >= PASS_AT for v in window]))
                at_test += any(
                    int(r["env_steps"]) == TEST_STEP and float(r["greedy_mean_return"]) >= PASS_AT
                    for r in mine
                )
                ratios = [
                    (int(r["env_steps"]), float(r["advantage_std"]) / float(r["advantage_scale"]))
                    for r in kept
                    if (r["core"], r["setting"], int(r["seed"])) == (core, setting, seed)
                ]
                kept_learning.append(
                    np.mean([k for s, k in ratios if LEARNING[0] <= s < LEARNING[1]])
                )
                kept_late.append(np.mean([k for s, k in ratios if LEARNING[1] <= s < 52_000]))
            lines.append(
                f"| {core} | {setting} | {len(runs)} | {_mean_interval(shares)} | {at_test} of "
                f"{len(runs)} | {np.mean(kept_learning):.2f} / {np.mean(kept_late):.2f} |"
            )
    (out / "curves.md").write_text("\n".join(lines) + "\n")
    _plot(out / "curves.png", curves, cores, settings)


def _plot(path: Path, curves: list[dict], cores: list[str], settings: list[str]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(cores), figsize=(4 * len(cores), 3.2), sharey=True)
    for ax, core in zip(np.atleast_1d(axes), cores, strict=True):
        for setting in settings:
            mine = [r for r in curves if (r["core"], r["setting"]) == (core, setting)]
            if not mine:
                continue
            steps = sorted({int(r["env_steps"]) for r in mine})
            share = [
                np.mean(
                    [
                        float(r["greedy_mean_return"]) >= PASS_AT
                        for r in mine
                        if int(r["env_steps"]) == s
                    ]
                )
                for s in steps
            ]
            ax.plot(np.array(steps) / 1000, share, label=setting)
        ax.axvline(TEST_STEP / 1000, color="grey", lw=0.8, ls=":")
        ax.set_title(core)
        ax.set_xlabel("env steps (thousands)")
    np.atleast_1d(axes)[0].set_ylabel(f"share of seeds >= {PASS_AT} greedy")
    np.atleast_1d(axes)[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)


def main(argv: list[str]) -> None:
    command, out = argv[0], Path(argv[1])
    if command == "collect":
        collect(out, {k: Path(v) for k, v in (a.split("=", 1) for a in argv[2:])})
    summarise(out)


if __name__ == "__main__":
    main(sys.argv[1:])
