"""Every cell run with ``bootstrap_truncated="auto"`` against the same cell with the defaults
(``False``): compare.csv (one row per cell) and compare.md (one row per task and agent, seeds
in brackets), next to this file.

    python bench/suite/results/bootstrap_auto/compare.py

The auto cells are the suite tables in ``auto/``; a cell's defaults come from the first table
below that has it (reruns on the same code in ``defaults/``, then the committed cells of
earlier sessions on the code these defaults still are; ``--defaults CSV ...`` are read
first). Another setting's cells, against the defaults and ``auto`` (``--cells DIR --label NAME
--out DIR``), e.g. the time-aware critic's:

    R=bench/suite/results/time_aware_critic
    python bench/suite/results/bootstrap_auto/compare.py --label time_aware_critic \
        --cells $R/cells --out $R
"""

import argparse
import csv
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parents[0]
ROOT = HERE.parents[3]
#: (table, the setting column's value to keep or None): where a cell's defaults come from.
DEFAULT_SOURCES = (
    *((p, None) for p in sorted((HERE / "defaults").glob("*.csv"))),
    (RESULTS / "min_updates" / "ablation.csv", "mu64"),
    (RESULTS / "min_updates" / "ablation.csv", "defaults"),
    (RESULTS / "min_updates" / "unnamed" / "ablation.csv", "defaults"),
    (ROOT / "bench" / "results" / "gru_defaults" / "suite" / "pocpm_s12.csv", None),
    (RESULTS / "ablation" / "align_auto" / "medium_100k.csv", "auto (the defaults of 2026-12-06)"),
)
#: Stock sb3-contrib RecurrentPPO at the same budget (seed 0), where it ran.
STOCK_SOURCES = (
    (RESULTS / "held_out" / "defaults" / "suite.csv", None),
    (RESULTS / "medium_100k" / "suite.csv", None),
)


def cells(path: Path, setting: str | None) -> dict[tuple, dict]:
    """(task, budget, agent, seed) -> row of a suite table (or an ablation table's setting)."""
    out = {}
    for row in csv.DictReader(path.open()):
        if setting is not None and row.get("setting") != setting:
            continue
        out[(row["task"], int(row["budget"]), row["agent"], int(row["seed"]))] = row
    return out


def first_of(sources) -> dict[tuple, dict]:
    found: dict[tuple, dict] = {}
    for path, setting in sources:
        if path.exists():
            for key, row in cells(path, setting).items():
                found.setdefault(key, row)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=Path, default=HERE / "auto", help="the setting's tables")
    parser.add_argument("--label", default="auto", help="the setting's column name")
    parser.add_argument("--out", type=Path, default=HERE, help="where compare.* go")
    parser.add_argument(
        "--defaults",
        type=Path,
        nargs="*",
        default=[],
        help="suite tables of the defaults (False) to read before the built-in sources",
    )
    args = parser.parse_args()
    setting = {}
    for path in sorted(args.cells.glob("*.csv")):
        setting.update(cells(path, None))
    defaults = first_of([*((p, None) for p in args.defaults), *DEFAULT_SOURCES])
    stock = first_of(STOCK_SOURCES)
    auto = (
        {} if args.label == "auto" else first_of((p, None) for p in (HERE / "auto").glob("*.csv"))
    )
    rows = []
    for key in sorted(setting):
        task, budget, agent, seed = key
        base = defaults.get(key)
        row = {
            "task": task,
            "budget": budget,
            "agent": agent,
            "seed": seed,
            "metric": setting[key]["metric"],
            "defaults": float(base["score"]) if base else "",
            args.label: float(setting[key]["score"]),
            "env_steps_defaults": base["env_steps"] if base else "",
            f"env_steps_{args.label}": setting[key]["env_steps"],
            "stock_seed0": stock[(task, budget, "stock", 0)]["score"]
            if (task, budget, "stock", 0) in stock
            else "",
        }
        if args.label != "auto":
            row["auto"] = float(auto[key]["score"]) if key in auto else ""
        rows.append(row)
    with (args.out / "compare.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (args.out / "compare.md").write_text(markdown(rows, args.label))


def markdown(rows: list[dict], label: str) -> str:
    grouped: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[(row["task"], row["budget"], row["agent"])].append(row)
    auto = "" if label == "auto" else " auto (seeds) |"
    lines = [
        f"| task | budget | agent | defaults (seeds) | {label} (seeds) |{auto} stock (seed 0) "
        f"| env steps, defaults / {label} (tasks that stop once solved) |",
        "|---|---|---|---|---|---|---|" + ("" if label == "auto" else "---|"),
    ]
    for (task, budget, agent), group in grouped.items():
        stock = group[0]["stock_seed0"]
        auto = "" if label == "auto" else f" {_seeds(group, 'auto')} |"
        lines.append(
            f"| {task} | {budget:,} | {agent} | {_seeds(group, 'defaults')} | "
            f"{_seeds(group, label)} |{auto} {_fmt(stock)} | {_steps(group, label)} |"
        )
    return "\n".join(lines) + "\n"


def _seeds(group: list[dict], column: str) -> str:
    values = [row[column] for row in group]
    if any(v == "" for v in values):
        return " ".join(_fmt(v) for v in values)
    text = ", ".join(_fmt(v) for v in values)
    return text if len(values) == 1 else f"{_fmt(sum(values) / len(values))} ({text})"


def _steps(group: list[dict], label: str) -> str:
    if group[0]["metric"] != "success":
        return ""
    pairs = (f"{_k(r['env_steps_defaults'])} / {_k(r[f'env_steps_{label}'])}" for r in group)
    return ", ".join(pairs)


def _k(steps) -> str:
    return "-" if steps == "" else f"{int(steps) / 1000:.0f}k"


def _fmt(value) -> str:
    if value == "":
        return "-"
    value = float(value)
    return f"{value:.0f}" if abs(value) >= 10 else f"{value:.2f}"


if __name__ == "__main__":
    main()
