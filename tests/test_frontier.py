"""Frontier report from synthetic result.json files with a known memory horizon."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from recurrent_agents.run.records import RunResult
from recurrent_agents.study import frontier, stats


def results_of(*dicts: dict) -> list[RunResult]:
    """Results as a report reads them, from result.json-like dicts."""
    return [RunResult.from_dict(d) for d in dicts]


# core -> memory length -> success per seed (0, 1, 2)
SUCCESS = {
    "lstm": {5: [1.0, 1.0, 1.0], 10: [0.95, 0.9, 1.0], 20: [1.0, 0.92, 0.97], 50: [0.6, 1.0, 0.9]},
    "rnn": {5: [1.0, 0.97, 0.91], 10: [0.5, 1.0, 0.95], 20: [0.5, 0.5, 0.5], 50: [0.5, 0.48, 0.5]},
    "gru": {5: [0.89, 1.0, 1.0], 10: [0.5, 0.5, 0.5], 20: [0.5, 0.5, 0.5], 50: [0.5, 0.5, 0.5]},
}
HORIZON = {"lstm": 20, "rnn": 5, "gru": 0}


def env_steps(length: int, seed: int) -> int:
    """Synthetic env steps of a run: grows with the memory length, differs per seed."""
    return 10_000 * length + 1000 * seed


def train_seconds(length: int, seed: int) -> float:
    """Synthetic training seconds of a run."""
    return 6.0 * length + 30.0 * seed


def write_sweep(root: Path, success: dict = SUCCESS) -> None:
    for core, by_length in success.items():
        for length, values in by_length.items():
            for seed, value in enumerate(values):
                run_dir = root / "runs" / f"{core}-L{length}-s{seed}"
                run_dir.mkdir(parents=True)
                result = {
                    "task": "TMaze",
                    "memory_length": length,
                    "core": core,
                    "seed": seed,
                    "env_steps": env_steps(length, seed),
                    "train_seconds": train_seconds(length, seed),
                    "eval_success_rate": value,
                    "eval_mean_return": value,
                    "status": "finished",
                    "config": {},
                }
                (run_dir / "result.json").write_text(json.dumps(result))
    # noise the loader must ignore: an unfinished run and a half-written file
    bad = root / "runs" / "lstm-L100-s0"
    bad.mkdir(parents=True)
    (bad / "result.json").write_text(json.dumps({"status": "running", "core": "lstm"}))
    (root / "runs" / "torn").mkdir()
    (root / "runs" / "torn" / "result.json").write_text('{"status": "fini')


def test_report_files_and_known_horizon(tmp_path: Path) -> None:
    write_sweep(tmp_path)
    results = frontier.load_results(tmp_path)
    assert len(results) == 36
    report = frontier.write_report(results, tmp_path / "report")
    assert report["horizons"] == HORIZON
    for name in frontier.REPORT_FILES:
        assert (tmp_path / "report" / name).stat().st_size > 0

    with (tmp_path / "report" / "frontier.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 12 and list(rows[0]) == frontier.CSV_COLUMNS
    row = next(r for r in rows if r["core"] == "rnn" and r["memory_length"] == "10")
    assert float(row["success_mean"]) == pytest.approx(2.45 / 3, abs=1e-4)
    assert (float(row["success_min"]), float(row["success_max"])) == (0.5, 1.0)
    assert row["n_seeds"] == "3" and row["solved_all_seeds"] == "False"

    # L=10, seeds 0-2: env steps 100k/101k/102k, seconds 60/90/120
    assert float(row["env_steps_mean"]) == 101_000
    assert float(row["train_seconds_mean"]) == pytest.approx(90.0)
    big = next(r for r in rows if r["core"] == "gru" and r["memory_length"] == "50")
    assert (float(big["env_steps_mean"]), float(big["train_seconds_mean"])) == (501_000, 330.0)

    md = (tmp_path / "report" / "frontier.md").read_text()
    assert "| lstm | 20 | 20 |" in md and "| gru | 0 | 0 |" in md
    cost = md[md.index("env steps / training minutes per cell (mean over seeds)") :]
    assert "| memory length | gru | lstm | rnn |" in cost
    assert "| 10 | 101.0k / 1.5 min | 101.0k / 1.5 min | 101.0k / 1.5 min |" in cost
    assert "| 50 | 501.0k / 5.5 min | 501.0k / 5.5 min | 501.0k / 5.5 min |" in cost
    assert "| 10 | 0.50 [0.50, 0.50] (n=3) | 0.95 [0.90, 1.00] (n=3) **ok** |" in md
    saved = json.loads((tmp_path / "report" / "frontier.json").read_text())
    assert saved["horizons"] == HORIZON
    assert saved["bootstrap"] == {"reps": 2000, "seed": 0, "confidence": 0.95}
    assert len(saved["improvement"]) == 12
    cell = next(r for r in saved["rows"] if r["core"] == "lstm" and r["memory_length"] == 5)
    assert (cell["env_steps_mean"], cell["train_seconds_mean"]) == (51_000, 60.0)


def test_cost_without_timing_and_in_millions() -> None:
    base = {"task": "TMaze", "core": "lstm", "eval_success_rate": 1.0}
    cells = frontier.build_cells(
        results_of(
            {**base, "memory_length": 5, "seed": 0},  # from W&B: no env steps, no time
            {**base, "memory_length": 9, "seed": 0, "env_steps": 1_000_000, "train_seconds": 120},
            {**base, "memory_length": 9, "seed": 1, "env_steps": 1_400_000, "train_seconds": 288},
        )
    )
    rows = frontier.table_rows(cells)
    assert (rows[0]["env_steps_mean"], rows[0]["train_seconds_mean"]) == (None, None)
    assert (rows[1]["env_steps_mean"], rows[1]["train_seconds_mean"]) == (1_200_000, 204.0)
    md = frontier.markdown(cells)
    assert "| 5 | - / - |" in md and "| 9 | 1.2M / 3.4 min |" in md


def test_a_resumed_run_costs_the_seconds_of_all_its_sessions() -> None:
    base = {"task": "TMaze", "core": "lstm", "eval_success_rate": 1.0, "memory_length": 9}
    (cell,) = frontier.build_cells(
        results_of(
            {**base, "seed": 0, "train_seconds": 0.0, "train_seconds_total": 600.0},  # ended
            {**base, "seed": 1, "train_seconds": 120.0, "train_seconds_total": 300.0},  # resumed
            {**base, "seed": 2, "train_seconds": 180.0},  # a result written before the total
        )
    )
    assert cell.train_seconds_mean == pytest.approx(360.0)


def test_threshold_changes_horizon(tmp_path: Path) -> None:
    write_sweep(tmp_path)
    cells = frontier.build_cells(frontier.load_results(tmp_path))
    assert frontier.memory_horizons(cells, threshold=0.5) == {"lstm": 50, "rnn": 20, "gru": 50}
    assert frontier.memory_horizons(cells, threshold=1.0) == {"lstm": 5, "rnn": 0, "gru": 0}
    assert frontier.memory_horizons(cells, threshold=0.9, contiguous=True) == HORIZON
    gaps = frontier.build_cells(
        results_of(
            *(
                {"core": "gru", "memory_length": m, "seed": 0, "eval_success_rate": v}
                for m, v in ((5, 0.0), (10, 1.0), (20, 1.0))  # a collapsed run at the short length
            )
        )
    )
    assert frontier.memory_horizons(gaps) == {"gru": 20}
    assert frontier.memory_horizons(gaps, contiguous=True) == {"gru": 0}


def test_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="sweep_dir"):
        frontier.load_results(tmp_path / "missing")
    with pytest.raises(ValueError, match="at least one finished run"):
        frontier.write_report([], tmp_path)
    with pytest.raises(ValueError, match="threshold"):
        frontier.write_report([], tmp_path, threshold=1.5)
    with pytest.raises(ValueError, match="eval_success_rate"):
        frontier.build_cells(results_of({"core": "lstm", "memory_length": 5, "seed": 0}))
    assert frontier.main(["--wandb-mode", "disabled"]) == 2


@pytest.mark.slow  # starts offline W&B runs
def test_cli_logs_table_to_wandb_offline(tmp_path: Path) -> None:
    write_sweep(tmp_path / "sw")
    out = tmp_path / "out"
    code = frontier.main(
        ["--sweep-dir", str(tmp_path / "sw"), "--out-dir", str(out), "--wandb-mode", "offline"]
    )
    assert code == 0
    assert (out / "frontier.png").exists()
    runs = list((out / "wandb").glob("offline-run-*/*.wandb"))
    assert len(runs) == 1 and runs[0].stat().st_size > 0


@pytest.mark.slow  # starts offline W&B runs
def test_results_from_offline_wandb_runs(tmp_path: Path) -> None:
    from recurrent_agents.run.tracking import init_wandb

    for core, success in (("lstm", 1.0), ("rnn", 0.5)):
        run = init_wandb(
            project="p",
            group="g",
            job_type="train",
            config={"task": "TMaze", "core": core, "memory_length": 7, "seed": 0},
            mode="offline",
            dir=tmp_path,
        )
        run.log({"eval/success_rate": 0.0})
        run.summary["eval/success_rate"] = success  # the summary (last word) wins over history
        run.finish()
    import wandb

    wandb.teardown()  # wandb-core may still be writing the last run's .wandb file until then
    results = frontier.load_wandb_offline(tmp_path)
    got = sorted((r.core, r.memory_length, r.eval_success_rate) for r in results)
    assert got == [("lstm", 7, 1.0), ("rnn", 7, 0.5)]
    report = frontier.write_report(results, tmp_path / "report")
    assert report["horizons"] == {"lstm": 7, "rnn": 0}


def test_gate_init_variants_get_their_own_curve() -> None:
    base = {"task": "TMaze", "memory_length": 50, "status": "finished"}
    results = [
        {**base, "core": "lstm", "seed": 0, "eval_success_rate": 0.5, "config": {}},
        {
            **base,
            "core": "lstm",
            "seed": 0,
            "eval_success_rate": 1.0,
            "config": {"chrono_init": 50},
        },
        {
            **base,
            "core": "lstm",
            "seed": 1,
            "eval_success_rate": 0.9,
            "config": {"chrono_init": 50},
        },
    ]
    cells = {c.core: c for c in frontier.build_cells(results_of(*results))}
    assert set(cells) == {"lstm", "lstm chrono_init=50"}
    assert cells["lstm"].success_by_seed == {0: 0.5}
    assert cells["lstm chrono_init=50"].success_by_seed == {0: 1.0, 1: 0.9}


def test_skipped_cells_from_the_sweep_manifest(tmp_path: Path) -> None:
    # gru failed L=10 on every seed, so the sweep skipped its L=20 and L=50 cells
    success = {**SUCCESS, "gru": {5: SUCCESS["gru"][5], 10: SUCCESS["gru"][10]}}
    write_sweep(tmp_path, success)
    assert frontier.load_skips(tmp_path) == {}  # no manifest: nothing skipped
    (tmp_path / "sweep.json").write_text('{"skipped": ')
    assert frontier.load_skips(tmp_path) == {}  # torn manifest
    manifest = {"skipped": {"gru": {"label": "gru", "failed_length": 10, "lengths": [20, 50]}}}
    (tmp_path / "sweep.json").write_text(json.dumps(manifest))
    skips = frontier.load_skips(tmp_path)
    assert skips == {"gru": {"failed_length": 10, "lengths": [20, 50]}}

    out = tmp_path / "report"
    assert frontier.main(["--sweep-dir", str(tmp_path), "--wandb-mode", "disabled"]) == 0
    saved = json.loads((out / "frontier.json").read_text())
    assert saved["horizons"] == HORIZON and saved["contiguous_horizons"] == HORIZON
    assert saved["skipped"] == {"gru": [20, 50]}
    with (out / "frontier.csv").open() as fh:
        rows = {(r["core"], r["memory_length"]): r for r in csv.DictReader(fh)}
    assert len(rows) == 12
    assert rows[("gru", "50")]["status"] == "skipped"
    assert rows[("gru", "50")]["success_mean"] == "" and rows[("gru", "50")]["n_seeds"] == "0"
    assert rows[("gru", "10")]["status"] == "finished"
    md = (out / "frontier.md").read_text()
    assert "| 50 | skipped | 0.83 [0.60, 1.00] (n=3) | 0.49 [0.48, 0.50] (n=3) |" in md
    assert "| 50 | skipped | 501.0k / 5.5 min | 501.0k / 5.5 min |" in md
    assert rows[("gru", "50")]["env_steps_mean"] == ""
    assert "- gru: lengths > 10 skipped (failed L=10 on every seed)" in md
    assert "| gru | 0 | 0 |" in md

    # a skipped length that has a result after all (run before the skip) shows the result
    report = frontier.write_report(
        frontier.load_results(tmp_path),
        tmp_path / "r2",
        skips={"lstm": {"failed_length": 10, "lengths": [20, 50]}, "gone": skips["gru"]},
    )
    assert report["horizons"] == HORIZON
    assert not any(r["status"] == "skipped" for r in report["rows"] if r["core"] != "gru")
    assert "skipped" not in (tmp_path / "r2" / "frontier.md").read_text()


def _return_results(lengths: tuple, task: str = "popgym:popgym-RepeatPreviousEasy-v0"):
    """Results of a task without is_success: mean returns only, optionally no memory length."""
    return results_of(
        *(
            {"task": task, "core": core, "memory_length": m, "seed": seed, "eval_mean_return": r}
            for core, returns in (("gru", (-0.5, -0.25)), ("lstm", (0.5, 1.0)))
            for m in lengths
            for seed, r in enumerate(returns)
        )
    )


def test_cells_without_success_hold_the_mean_return_and_have_no_horizon(tmp_path: Path) -> None:
    report = frontier.write_report(_return_results((None,)), tmp_path)
    assert report["horizons"] == {}
    gru = next(r for r in report["rows"] if r["core"] == "gru")
    assert (gru["return_mean"], gru["return_min"], gru["return_max"]) == (-0.375, -0.5, -0.25)
    assert gru["success_mean"] is None and gru["solved_all_seeds"] is None
    md = (tmp_path / "frontier.md").read_text()
    assert md.startswith("Greedy mean return on popgym:popgym-RepeatPreviousEasy-v0")
    assert "| - | -0.375 [-0.5, -0.25] (n=2) | 0.75 [0.5, 1] (n=2) |" in md
    assert "Memory horizon" not in md
    with (tmp_path / "frontier.csv").open() as fh:
        assert [r["return_mean"] for r in csv.DictReader(fh)] == ["-0.375", "0.75"]


def test_returns_over_memory_lengths_are_plotted_against_them(tmp_path: Path) -> None:
    report = frontier.write_report(_return_results((2, 4), task="my:Recall-v0"), tmp_path)
    assert [(c.core, c.memory_length) for c in report["cells"]] == [
        ("gru", 2),
        ("gru", 4),
        ("lstm", 2),
        ("lstm", 4),
    ]
    assert "| 4 | -0.375 [-0.5, -0.25] (n=2) |" in (tmp_path / "frontier.md").read_text()


def test_a_cell_mixing_success_and_return_is_an_error() -> None:
    base = {"task": "T", "core": "gru", "memory_length": 3}
    mixed = results_of(
        {**base, "seed": 0, "eval_success_rate": 1.0},
        {**base, "seed": 1, "eval_mean_return": 0.5},
    )
    with pytest.raises(ValueError, match="must all have a success rate or none"):
        frontier.build_cells(mixed)
    with pytest.raises(ValueError, match="numeric eval_success_rate or eval_mean_return"):
        frontier.build_cells(results_of({**base, "seed": 0}))


# ----------------------------------------------------------------------------- statistics (rliable)

#: Eight seeds: sorted 0.0 0.1 0.2 | 0.5 0.6 0.7 0.95 | 1.0 ... the middle half is 0.2 0.5 0.6 0.7.
EIGHT_SEEDS = [1.0, 0.5, 0.0, 0.7, 0.95, 0.2, 0.6, 0.1]


def test_iqm_is_the_mean_of_the_middle_half_with_a_reproducible_interval() -> None:
    scores = {"eight": EIGHT_SEEDS, "same": [0.5, 0.5, 0.5, 0.5], "one": [0.7]}
    np.random.seed(123)
    expected_next_draw = np.random.random()
    np.random.seed(123)
    first = stats.iqm_estimates(scores)
    assert np.random.random() == expected_next_draw  # the global RNG is left as it was

    eight = first["eight"]
    assert eight.value == pytest.approx((0.2 + 0.5 + 0.6 + 0.7) / 4)
    assert eight.low < eight.value < eight.high
    assert 0.0 <= eight.low and eight.high <= 1.0
    assert first["same"] == stats.Estimate(0.5, 0.5, 0.5)
    assert first["one"] == stats.Estimate(0.7, None, None)  # one seed: no interval
    assert stats.iqm_estimates(scores) == first  # run to run
    assert stats.iqm_estimates({"eight": EIGHT_SEEDS}, seed=1)["eight"].value == eight.value


def test_probability_of_improvement() -> None:
    better, worse = [0.9, 1.0, 0.95], [0.5, 0.4, 0.5, 0.6]
    pairs = {
        "better": (better, worse),
        "worse": (worse, better),
        "identical": (EIGHT_SEEDS, EIGHT_SEEDS),
        "one seed": ([1.0], worse),
    }
    got = stats.improvement_estimates(pairs)
    assert got["better"] == stats.Estimate(1.0, 1.0, 1.0)
    assert got["worse"] == stats.Estimate(0.0, 0.0, 0.0)
    identical = got["identical"]
    assert identical.value == 0.5 and identical.low < 0.5 < identical.high
    assert got["one seed"] == stats.Estimate(1.0, None, None)
    assert stats.improvement_estimates(pairs) == got  # run to run


def test_the_bootstrapped_metrics_are_rliables() -> None:
    """The bootstrap computes rliable's IQM and probability of improvement for many columns at
    once; per column they must be rliable's own functions."""
    from rliable import metrics

    rng = np.random.default_rng(0)
    for n_x, n_y in ((1, 1), (2, 5), (3, 3), (4, 2), (8, 7), (9, 4)):
        x = rng.choice([0.0, 0.5, 0.9, 1.0], size=(n_x, 6))  # ties, as success rates have
        y = rng.choice([0.0, 0.5, 0.9, 1.0], size=(n_y, 6))
        iqm = [metrics.aggregate_iqm(x[:, j]) for j in range(6)]
        assert stats._column_iqm(x) == pytest.approx(iqm)
        improvement = [metrics.probability_of_improvement(x[:, [j]], y[:, [j]]) for j in range(6)]
        assert stats._column_improvement(x, y) == pytest.approx(improvement)


def test_report_iqm_and_improvement_columns(tmp_path: Path) -> None:
    write_sweep(tmp_path)
    results = frontier.load_results(tmp_path)
    frontier.write_report(results, tmp_path / "a")
    frontier.write_report(results, tmp_path / "b")
    for name in ("frontier.csv", "frontier_improvement.csv", "frontier.md"):
        assert (tmp_path / "a" / name).read_text() == (tmp_path / "b" / name).read_text()

    with (tmp_path / "a" / "frontier.csv").open() as fh:
        rows = {(r["core"], r["memory_length"]): r for r in csv.DictReader(fh)}
    rnn = rows[("rnn", "10")]  # seeds 0.5 1.0 0.95: with 3 seeds the IQM trims nothing
    assert float(rnn["iqm"]) == pytest.approx(2.45 / 3, abs=1e-4)
    assert 0.5 <= float(rnn["iqm_ci_low"]) < float(rnn["iqm"]) < float(rnn["iqm_ci_high"]) <= 1.0
    assert (rows[("gru", "20")]["iqm_ci_low"], rows[("gru", "20")]["iqm_ci_high"]) == ("0.5", "0.5")

    with (tmp_path / "a" / "frontier_improvement.csv").open() as fh:
        pairs = list(csv.DictReader(fh))
    assert list(pairs[0]) == frontier.IMPROVEMENT_COLUMNS and len(pairs) == 12
    assert {(r["core_x"], r["core_y"]) for r in pairs} == {
        ("gru", "lstm"),
        ("gru", "rnn"),
        ("lstm", "rnn"),
    }
    lstm_rnn_20 = next(
        r for r in pairs if (r["memory_length"], r["core_x"], r["core_y"]) == ("20", "lstm", "rnn")
    )
    assert lstm_rnn_20["prob_improvement"] == "1.0" and lstm_rnn_20["n_seeds_y"] == "3"

    md = (tmp_path / "a" / "frontier.md").read_text()
    assert "Interquartile mean (IQM" in md and "2000 resamples" in md
    iqm_table = md[md.index("Interquartile mean") : md.index("env steps / training minutes")]
    assert "| 10 | 0.50 [0.50, 0.50] | 0.95 [0.90, 1.00] | 0.82 [" in iqm_table
    assert "| 20 | lstm | rnn | 1.00 [1.00, 1.00] |" in md
    assert "| 20 | gru | rnn | 0.50 [0.50, 0.50] |" in md
    assert "no CI" not in md.replace("No CI when X or Y has one seed", "")


def test_one_seed_cells_have_no_interval(tmp_path: Path) -> None:
    base = {"task": "TMaze", "memory_length": 5}
    report = frontier.write_report(
        results_of(
            {**base, "core": "lstm", "seed": 0, "eval_success_rate": 1.0},
            {**base, "core": "gru", "seed": 0, "eval_success_rate": 0.5},
            {**base, "core": "gru", "seed": 1, "eval_success_rate": 0.75},
        ),
        tmp_path,
    )
    rows = {r["core"]: r for r in report["rows"]}
    assert (rows["lstm"]["iqm"], rows["lstm"]["iqm_ci_low"], rows["lstm"]["iqm_ci_high"]) == (
        1.0,
        None,
        None,
    )
    assert rows["gru"]["iqm_ci_low"] is not None
    [pair] = report["improvement"]
    assert (pair["core_x"], pair["core_y"], pair["prob_improvement"]) == ("gru", "lstm", 0.0)
    assert pair["prob_improvement_ci_low"] is None
    md = (tmp_path / "frontier.md").read_text()
    assert "| 5 | 0.62 [0.50, 0.75] | 1.00 (n=1, no CI) |" in md
    assert "A cell with one seed has no confidence interval" in md
    assert "| 5 | gru | lstm | 0.00 (n=1, no CI) |" in md
    with (tmp_path / "frontier.csv").open() as fh:
        lstm = next(r for r in csv.DictReader(fh) if r["core"] == "lstm")
    assert (lstm["iqm"], lstm["iqm_ci_low"]) == ("1.0", "")
    assert (tmp_path / "frontier.png").stat().st_size > 0


@pytest.mark.slow  # imports wandb (~2 s)
def test_improvement_table_is_logged_to_wandb(tmp_path: Path) -> None:
    pytest.importorskip("wandb")
    write_sweep(tmp_path)
    report = frontier.write_report(frontier.load_results(tmp_path), tmp_path / "r")

    class Run:
        summary: dict = {}

        def log(self, data: dict) -> None:
            self.data = data

    run = Run()
    frontier.log_to_wandb(run, report)
    table = run.data["frontier/improvement"]
    assert table.columns == frontier.IMPROVEMENT_COLUMNS and len(table.data) == 12
    assert "iqm_ci_low" in run.data["frontier/table"].columns


def test_curriculum_runs_are_their_own_regime_and_curve(tmp_path: Path) -> None:
    base = {"task": "TMaze", "memory_length": 100, "core": "lstm", "status": "finished"}
    results = results_of(
        {**base, "seed": 0, "eval_success_rate": 0.5, "config": {"curriculum": []}},
        {**base, "seed": 0, "eval_success_rate": 1.0, "config": {"curriculum": [10, 50]}},
        {**base, "seed": 1, "eval_success_rate": 0.96, "config": {"curriculum": [10, 50]}},
    )
    report = frontier.write_report(results, tmp_path)
    rows = {r["core"]: r for r in csv.DictReader(report["paths"]["csv"].open())}
    assert {label: r["regime"] for label, r in rows.items()} == {
        "lstm": "scratch",
        "lstm curriculum": "curriculum",
    }
    assert rows["lstm"]["per_seed"] == "0.5000"
    assert report["horizons"] == {"lstm": 0, "lstm curriculum": 100}


def test_success_at_a_longer_length_is_a_column_per_cell(tmp_path: Path) -> None:
    base = {"task": "TMaze", "memory_length": 10, "core": "gru", "status": "finished"}
    long_eval = {"long_eval_memory_length": 100}
    results = results_of(
        {**base, "seed": 0, "eval_success_rate": 1.0, **long_eval, "long_eval_success_rate": 0.5},
        {**base, "seed": 1, "eval_success_rate": 1.0, **long_eval, "long_eval_success_rate": 1.0},
        {**base, "memory_length": 20, "seed": 0, "eval_success_rate": 0.5},
    )
    report = frontier.write_report(results, tmp_path)
    rows = {r["memory_length"]: r for r in csv.DictReader(report["paths"]["csv"].open())}
    assert rows["10"]["long_memory_length"] == "100"
    assert rows["10"]["long_success_mean"] == "0.75"
    assert rows["10"]["long_per_seed"] == "0.5000 1.0000"
    assert rows["20"]["long_memory_length"] == rows["20"]["long_success_mean"] == ""
    table = report["paths"]["md"].read_text()
    assert "| 10 | L=100: 0.75 [0.50, 1.00] (n=2) |" in table


def test_seeds_of_a_cell_evaluated_at_different_longer_lengths_are_an_error() -> None:
    base = {"task": "TMaze", "memory_length": 10, "core": "gru", "status": "finished"}
    results = results_of(
        {**base, "seed": 0, "long_eval_memory_length": 100, "long_eval_success_rate": 1.0},
        {**base, "seed": 1, "long_eval_memory_length": 50, "long_eval_success_rate": 1.0},
    )
    for r in results:
        r.eval_success_rate = 1.0
    with pytest.raises(ValueError, match="must share the longer evaluation length, got 100 and 50"):
        frontier.build_cells(results)
