"""The W&B dashboard of a sweep, built with ``wandb-workspaces`` (saved only when online).

Two views of the sweep's W&B group:

- a **workspace** (the project's workspace view, filtered to the sweep's group, runs grouped by
  memory length then core): the memory frontier (line chart of the frontier run's table, a
  success-vs-memory-length scatter of every run, the frontier PNG, the horizons), greedy success
  against env steps grouped by memory length and core plus final success per memory length by
  core, and the gradient flow (line chart and PNG of ``train.py gradient-flow`` runs);
- a **report** with one panel grid per memory length (runs filtered to that length, grouped by
  core): success against env steps, the view a workspace cannot filter per panel.

Offline (no API key, the default here) both are built and checked, the workspace's spec is
written to JSON, and nothing is uploaded.

CLI (``python train.py dashboard ...``)::

    python train.py dashboard --sweep-dir sweeps/tmaze          # online: saves, prints URLs
    python train.py dashboard --group tmaze --memory-lengths 5,10,20 --entity me --mode offline
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from recurrent_agents.run.config import CommandParser
from recurrent_agents.run.records import MANIFEST_FILE, SweepManifest
from recurrent_agents.run.tracking import WANDB_MODES, WANDB_PROJECT

STEP_KEY = "global_step"  # training's step metric (env steps)
TRAIN_SUCCESS_KEY = "rollout/success_rate"  # SB3's success rate over the last 100 episodes
EVAL_SUCCESS_KEY = "eval/success_rate"  # greedy success after training (run summary)
FRONTIER_CHART_TABLE = "frontier/success_vs_memory_length_table"  # wandb.plot.line_series table
FRONTIER_IMAGE = "frontier/plot"
GRADIENT_CHART_TABLE = "gradient_flow/plot_table"
GRADIENT_IMAGE = "gradient_flow/image"
LINE_SERIES_SPEC = "wandb/lineseries/v0"
LINE_SERIES_FIELDS = {"step": "step", "lineKey": "lineKey", "lineVal": "lineVal"}


def _require_workspaces() -> tuple[Any, Any]:
    try:
        import wandb_workspaces.reports.v2 as wr
        import wandb_workspaces.workspaces as ws
    except ImportError as exc:
        raise RuntimeError(
            'the dashboard needs wandb-workspaces: pip install -e ".[dashboard]"'
        ) from exc
    return ws, wr


def _line_series_chart(wr: Any, table_key: str, title: str, xname: str) -> Any:
    chart = wr.CustomChart.from_table(
        table_key,
        chart_fields=dict(LINE_SERIES_FIELDS),
        chart_strings={"title": title, "xname": xname},
    )
    chart.chart_name = LINE_SERIES_SPEC
    return chart


def _frontier_chart(wr: Any) -> Any:
    return _line_series_chart(
        wr, FRONTIER_CHART_TABLE, "Greedy success vs memory length", "memory_length"
    )


def _training_success_plot(wr: Any, title: str) -> Any:
    """Training success against env steps: mean and min-max band over each group's runs."""
    return wr.LinePlot(
        title=title,
        x=STEP_KEY,
        y=[TRAIN_SUCCESS_KEY],
        groupby_aggfunc="mean",
        groupby_rangefunc="minmax",
        range_y=(0.0, 1.0),
    )


def _frontier_section(
    ws: Any, wr: Any, group: str, cores: Sequence[str], horizons_markdown: str | None
) -> Any:
    """The memory frontier: the frontier run's chart and PNG, every run's success, horizons."""
    core_text = ", ".join(cores) if cores else "all cores"
    return ws.Section(
        name="Memory frontier",
        is_open=True,
        panels=[
            _frontier_chart(wr),
            wr.ScatterPlot(
                title="Greedy success of every run vs memory length",
                x=wr.Config("memory_length"),
                y=wr.SummaryMetric(EVAL_SUCCESS_KEY),
                range_y=(0.0, 1.0),
            ),
            wr.MediaBrowser(
                title="Frontier (mean, min-max over seeds)", media_keys=[FRONTIER_IMAGE]
            ),
            wr.MarkdownPanel(
                markdown=horizons_markdown
                or f"**{group}**: memory horizon = the largest memory length solved at >= 90% "
                f"greedy success on every seed ({core_text}). See `python train.py report`."
            ),
        ],
    )


def _steps_section(ws: Any, wr: Any, memory_lengths: Sequence[int]) -> Any:
    """Training success against env steps, and final success by core at each memory length."""
    per_length = [
        wr.BarPlot(
            title=f"L={length}: greedy success by core",
            metrics=[wr.SummaryMetric(f"{EVAL_SUCCESS_KEY}/L={length}")],
            groupby=wr.Config("core"),
            groupby_aggfunc="mean",
            groupby_rangefunc="minmax",
            range_x=(0.0, 1.0),
        )
        for length in memory_lengths
    ]
    return ws.Section(
        name="Success vs env steps by memory length and core",
        is_open=True,
        panels=[
            _training_success_plot(wr, "Training success vs env steps (mean, min-max over seeds)"),
            *per_length,
        ],
    )


def _gradient_section(ws: Any, wr: Any) -> Any:
    """The gradient flow of ``train.py gradient-flow`` runs: line chart and PNG."""
    return ws.Section(
        name="Gradient flow through time",
        is_open=True,
        panels=[
            _line_series_chart(
                wr, GRADIENT_CHART_TABLE, "||dL/dh|| vs steps before the decision", "k"
            ),
            wr.MediaBrowser(
                title="Gradient flow and LSTM forget gates", media_keys=[GRADIENT_IMAGE]
            ),
        ],
    )


def build_workspace(
    *,
    entity: str,
    project: str,
    group: str,
    memory_lengths: Sequence[int],
    cores: Sequence[str] = (),
    horizons_markdown: str | None = None,
) -> Any:
    """The sweep's ``wandb_workspaces.workspaces.Workspace`` (not saved)."""
    ws, wr = _require_workspaces()
    return ws.Workspace(
        entity=entity,
        project=project,
        name=f"Memory frontier: {group}",
        sections=[
            _frontier_section(ws, wr, group, cores, horizons_markdown),
            _steps_section(ws, wr, memory_lengths),
            _gradient_section(ws, wr),
        ],
        settings=ws.WorkspaceSettings(x_axis=STEP_KEY),
        runset_settings=ws.RunsetSettings(
            filters=ws.And(ws.Metric("Group") == group),
            groupby=[ws.Config("memory_length"), ws.Config("core")],
        ),
    )


def build_report(*, entity: str, project: str, group: str, memory_lengths: Sequence[int]) -> Any:
    """A ``wandb_workspaces.reports.v2.Report``: one panel grid per memory length (not saved)."""
    _, wr = _require_workspaces()
    blocks: list[Any] = [
        wr.H1(f"Memory frontier: {group}"),
        wr.P("Greedy success against memory length, one curve per core, and why (gradient flow)."),
        wr.PanelGrid(
            runsets=[wr.Runset(entity=entity, project=project, filters=f"Group = '{group}'")],
            panels=[
                _frontier_chart(wr),
                wr.MediaBrowser(media_keys=[FRONTIER_IMAGE]),
                _line_series_chart(wr, GRADIENT_CHART_TABLE, "||dL/dh|| vs k", "k"),
            ],
        ),
    ]
    for length in memory_lengths:
        blocks += [
            wr.H2(f"Memory length {length}"),
            wr.PanelGrid(
                runsets=[
                    wr.Runset(
                        entity=entity,
                        project=project,
                        name=f"L={length}",
                        filters=f"Group = '{group}' and Config('memory_length') = {length}",
                        groupby=["config.core"],
                    )
                ],
                panels=[
                    _training_success_plot(
                        wr, f"L={length}: training success vs env steps, by core"
                    )
                ],
            ),
        ]
    return wr.Report(
        entity=entity,
        project=project,
        title=f"Memory frontier: {group}",
        description="Built by `python train.py dashboard`.",
        blocks=blocks,
        width="fluid",
    )


def workspace_panels(workspace: Any) -> dict[str, list[str]]:
    """Section name -> panel descriptions (type and title/keys), for checks and printing."""
    out: dict[str, list[str]] = {}
    for section in workspace.sections:
        names = []
        for panel in section.panels:
            label = getattr(panel, "title", None) or ""
            if type(panel).__name__ == "CustomChart":
                label = panel.query.get("summaryTable", {}).get("tableKey", "")
            elif type(panel).__name__ == "MediaBrowser":
                label = ",".join(panel.media_keys)
            names.append(f"{type(panel).__name__}: {label}".rstrip(": "))
        out[section.name] = names
    return out


# ----------------------------------------------------------------------------- CLI


def build_parser() -> argparse.ArgumentParser:
    """Argument parser of ``python train.py dashboard``."""
    p = CommandParser(
        prog="train.py dashboard",
        description="Build the W&B workspace and report of a sweep; saved only when online.",
    )
    p.add_argument(
        "--sweep-dir", help=f"read group, memory lengths and cores from its {MANIFEST_FILE}"
    )
    p.add_argument("--group", help="W&B group of the sweep (default: the sweep's name)")
    p.add_argument("--memory-lengths", help="comma-separated (default: from the sweep)")
    p.add_argument("--cores", help="comma-separated (default: from the sweep)")
    p.add_argument("--entity", help="W&B entity (default: your default entity when online)")
    p.add_argument("--project", default=WANDB_PROJECT)
    # Disabled has nothing to build the dashboard for.
    p.add_argument("--mode", default=None, choices=[m for m in WANDB_MODES if m != "disabled"])
    p.add_argument("--out", help="where to write the workspace spec JSON (offline build)")
    return p


def _sweep_manifest(sweep_dir: str | None) -> SweepManifest:
    """The manifest of ``sweep_dir``; an empty one without a sweep dir."""
    if not sweep_dir:
        return SweepManifest()
    manifest = SweepManifest.read(sweep_dir)
    if manifest is None:
        raise ValueError(
            f"sweep_dir must hold a {MANIFEST_FILE} (run `train.py sweep`), got {sweep_dir!r}"
        )
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python train.py dashboard``; returns the exit status."""
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        manifest = _sweep_manifest(args.sweep_dir)
        group = args.group or manifest.name
        if not group:
            raise ValueError("group must be given (or --sweep-dir), got none")
        if args.memory_lengths:
            from recurrent_agents.study.sweep import parse_int_list

            lengths = parse_int_list("memory_lengths", args.memory_lengths, 1)
        else:
            lengths = list(manifest.memory_lengths)
        cores = args.cores.split(",") if args.cores else list(manifest.cores)
        ws, _ = _require_workspaces()
        from recurrent_agents.run.tracking import resolve_mode

        online = resolve_mode(args.mode) == "online"
    except (ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    entity = args.entity
    if online and not entity:
        import wandb

        entity = wandb.Api().default_entity
    entity = entity or "offline"
    md_path = Path(args.sweep_dir) / "report" / "frontier.md" if args.sweep_dir else None
    horizons = md_path.read_text() if md_path and md_path.exists() else None
    workspace = build_workspace(
        entity=entity,
        project=args.project,
        group=group,
        memory_lengths=lengths,
        cores=cores,
        horizons_markdown=horizons,
    )
    report = build_report(entity=entity, project=args.project, group=group, memory_lengths=lengths)
    for section, panels in workspace_panels(workspace).items():
        print(f"{section}:")
        for panel in panels:
            print(f"  - {panel}")
    if online:
        workspace.save()
        report.save()
        print(f"workspace: {workspace.url}\nreport: {report.url}")
        return 0
    report_dir = Path(args.sweep_dir) / "report" if args.sweep_dir else Path()
    out = Path(args.out) if args.out else report_dir / "workspace.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(workspace._to_model().model_dump_json(indent=1, by_alias=True))
    print(f"offline: nothing uploaded; workspace spec in {out}. With a W&B API key, rerun to save.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
