"""The sweep's W&B workspace and report are built offline with the expected panels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("wandb_workspaces")

from recurrent_agents.study import dashboard  # noqa: E402


def test_workspace_panels() -> None:
    workspace = dashboard.build_workspace(
        entity="me", project="proj", group="tmaze", memory_lengths=[5, 20], cores=["lstm", "rnn"]
    )
    panels = dashboard.workspace_panels(workspace)
    assert list(panels) == [
        "Memory frontier",
        "Success vs env steps by memory length and core",
        "Gradient flow through time",
    ]
    frontier = panels["Memory frontier"]
    assert f"CustomChart: {dashboard.FRONTIER_CHART_TABLE}" in frontier
    assert f"MediaBrowser: {dashboard.FRONTIER_IMAGE}" in frontier
    assert any(p.startswith("ScatterPlot") for p in frontier)
    steps = panels["Success vs env steps by memory length and core"]
    assert steps[0].startswith("LinePlot")
    assert steps[1:] == [
        "BarPlot: L=5: greedy success by core",
        "BarPlot: L=20: greedy success by core",
    ]
    assert panels["Gradient flow through time"] == [
        f"CustomChart: {dashboard.GRADIENT_CHART_TABLE}",
        f"MediaBrowser: {dashboard.GRADIENT_IMAGE}",
    ]
    # the chart reads the table wandb.plot.line_series writes: the spec and its fields
    chart = workspace.sections[0].panels[0]
    assert chart.chart_name == dashboard.LINE_SERIES_SPEC
    assert chart.chart_fields == dashboard.LINE_SERIES_FIELDS

    spec = json.loads(workspace._to_model().model_dump_json(by_alias=True))  # the saved payload
    text = json.dumps(spec)
    assert "tmaze" in text and "rollout/success_rate" in text and "memory_length" in text
    assert workspace.runset_settings.groupby[1].name == "core"


def test_report_has_a_grid_per_memory_length() -> None:
    report = dashboard.build_report(entity="me", project="proj", group="g", memory_lengths=[5, 20])
    grids = [b for b in report.blocks if type(b).__name__ == "PanelGrid"]
    assert len(grids) == 3
    assert "Config('memory_length') = 20" in grids[2].runsets[0].filters
    assert grids[2].runsets[0].groupby == ["config.core"]


def test_cli_offline_writes_the_spec(tmp_path: Path, capsys) -> None:
    sweep_dir = tmp_path / "sw"
    sweep_dir.mkdir()
    (sweep_dir / "sweep.json").write_text(
        json.dumps({"name": "sw", "memory_lengths": [5, 10], "cores": ["lstm", "gru"]})
    )
    assert dashboard.main(["--sweep-dir", str(sweep_dir), "--mode", "offline"]) == 0
    spec = (sweep_dir / "report" / "workspace.json").read_text()
    assert "L=10: greedy success by core" in spec
    assert "offline: nothing uploaded" in capsys.readouterr().out
    assert dashboard.main(["--mode", "offline"]) == 2
    assert dashboard.main(["--sweep-dir", str(tmp_path), "--mode", "offline"]) == 2
