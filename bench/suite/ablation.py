"""Ablation of the defaults on the memory suite: the same suite cells under several settings.

    python bench/suite/ablation.py --out bench/suite/results/ablation \\
        --setting defaults= --setting no_skip=features_to_heads=false \\
        --setting no_skip_floor0=features_to_heads=false,advantage_floor_ratio=0 \\
        --group 60000:RepeatPreviousEasy,CartPoleNoVel --group 150000:RepeatFirstEasy,TMaze-L10 \\
        [--agents lstm,gru,rnn] [--seeds 0] [--workers 2]

Each setting (``NAME=KEY=VALUE,KEY=VALUE``; empty: the defaults) runs every task group
(``BUDGET:TASKS``) through ``run_suite.py`` into ``OUT/NAME/BUDGET``, so rerunning resumes and
a setting added later reuses what already ran (``--table-only`` runs nothing and
tabulates the cells that finished: every finished cell of the named tasks, agents and seeds,
whichever invocation ran it). ``OUT/ablation.csv`` has one row per cell
(setting, task, agent, seed, score) and ``OUT/ablation.md`` one row per task x agent with a
column per setting (mean over seeds, seeds in brackets); ``OUT/ablation.png`` draws the means.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run_suite  # noqa: E402


def parse_setting(text: str) -> tuple[str, list[str]]:
    """``NAME=KEY=VALUE,KEY=VALUE`` as the name and its ``KEY=VALUE`` options."""
    name, _, options = text.partition("=")
    if not name:
        raise ValueError(f"--setting takes NAME=KEY=VALUE,...; got {text!r}")
    return name, [o for o in options.split(",") if o]


def parse_group(text: str) -> tuple[int, str]:
    """``BUDGET:TASKS`` as the env-step budget and the comma-separated task names."""
    budget, _, tasks = text.partition(":")
    if not budget.isdigit() or not tasks:
        raise ValueError(f"--group takes BUDGET:TASK,TASK,...; got {text!r}")
    return int(budget), tasks


def run(args: argparse.Namespace) -> list[dict[str, object]]:
    """Run (or resume) every setting x group; return the rows of all finished cells."""
    rows: list[dict[str, object]] = []
    out = Path(args.out)
    for name, options in map(parse_setting, args.setting):
        for budget, tasks in map(parse_group, args.group):
            suite_out = out / name / str(budget)
            argv = [
                f"--out={suite_out}",
                f"--name=ablation-{name}-{budget}",
                f"--agents={args.agents}",
                f"--seeds={args.seeds}",
                f"--tasks={tasks}",
                f"--budget={budget}",
                f"--workers={args.workers}",
                f"--wandb-mode={args.wandb_mode}",
                *(["--held-out"] if args.held_out else []),
                *(f"--set={o}" for o in options),
            ]
            if not args.table_only:
                print(f"== {name} ({', '.join(options) or 'defaults'}) budget {budget}: {tasks}")
                run_suite.main(argv)
            # Every finished cell this invocation names, also those an earlier one ran (the
            # suite's own suite.csv holds its last invocation's seeds only).
            cells, _ = run_suite.suite_cells(run_suite.build_parser().parse_args(argv))
            for cell in cells:
                row = run_suite.cell_row(cell, suite_out.resolve())
                if row is not None:
                    rows.append({"setting": name, "options": " ".join(options), **row})
    return rows


def scores_by_cell(rows: Sequence[dict[str, object]]) -> dict[tuple[str, str, str], list[float]]:
    """Per ``(task, agent, setting)``, the scores of its seeds (in the order of ``rows``)."""
    cells: dict[tuple[str, str, str], list[float]] = {}
    for row in rows:
        key = (str(row["task"]), str(row["agent"]), str(row["setting"]))
        cells.setdefault(key, []).append(float(row["score"]))
    return cells


def _mean(scores: Sequence[float]) -> float | None:
    return sum(scores) / len(scores) if scores else None


def markdown(rows: Sequence[dict[str, object]], settings: Sequence[str]) -> str:
    """One line per task x agent, a column per setting: mean score (per-seed scores)."""
    cells = scores_by_cell(rows)
    lines = ["| task | agent | " + " | ".join(settings) + " |", "|" + "---|" * (2 + len(settings))]
    for task, agent in dict.fromkeys((k[0], k[1]) for k in cells):
        values = []
        for setting in settings:
            scores = cells.get((task, agent, setting), [])
            mean = _mean(scores)
            seeds = f" ({', '.join(f'{s:.2f}' for s in scores)})" if len(scores) > 1 else ""
            values.append(("-" if mean is None else f"{mean:.2f}") + seeds)
        lines.append(f"| {task} | {agent} | " + " | ".join(values) + " |")
    return "\n".join(lines) + "\n"


def plot(rows: Sequence[dict[str, object]], settings: Sequence[str], path: Path) -> None:
    """The task x agent by setting grid of mean scores, drawn as the suite's table is (each
    row coloured from its lowest to its highest value)."""
    cells = scores_by_cell(rows)
    metric = {(str(r["task"]), str(r["agent"])): r["metric"] for r in rows}
    table = [
        {"task": f"{task} {agent}", "metric": metric[task, agent]}
        | {setting: _mean(cells.get((task, agent, setting), [])) for setting in settings}
        for task, agent in metric
    ]
    run_suite.plot(table, settings, path)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ablation and write ``ablation.csv`` and ``ablation.md``."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True)
    p.add_argument("--setting", action="append", required=True, help="NAME=KEY=VALUE,...")
    p.add_argument("--group", action="append", required=True, help="BUDGET:TASK,TASK,...")
    p.add_argument("--agents", default="lstm,gru,rnn")
    p.add_argument("--seeds", default="0")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--wandb-mode", default="disabled")
    p.add_argument("--held-out", action="store_true", help="POPGym's held-out games may be tasks")
    p.add_argument(
        "--table-only", action="store_true", help="run nothing: tabulate the finished cells"
    )
    args = p.parse_args(argv)
    try:
        settings = [parse_setting(s)[0] for s in args.setting]
        [parse_group(g) for g in args.group]
    except ValueError as exc:
        p.error(str(exc))
    rows = run(args)
    out = Path(args.out)
    if rows:
        fields = list(dict.fromkeys(k for row in rows for k in row))
        with (out / "ablation.csv").open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
        (out / "ablation.md").write_text(markdown(rows, settings))
        plot(rows, settings, out / "ablation.png")
        print((out / "ablation.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
