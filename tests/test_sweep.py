"""Sweeps: real tiny grids on the local and Ray backends, resume, bad input, W&B sweep files."""

from __future__ import annotations

import csv
import itertools
import json
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from recurrent_agents import cores
from recurrent_agents.run.records import MANIFEST_FILE, RunResult, skip_reason
from recurrent_agents.study import backends as sweep_backends
from recurrent_agents.study import sweep
from recurrent_agents.study.frontier import REPORT_FILES

REPO = Path(__file__).resolve().parent.parent
TINY = [
    "--total_timesteps=512",
    "--n_envs=4",
    "--n_steps=64",
    "--batch_size=128",
    "--eval_episodes=10",
    "--video=false",
    "--checkpoint_every=0",
]
GRID = ["--memory-lengths", "2,3", "--cores", "lstm,rnn", "--seeds", "0"]


def _why(sweep_dir: Path) -> str:
    """Cell statuses and the tail of each failed cell's log, for a readable failure."""
    manifest = json.loads((sweep_dir / MANIFEST_FILE).read_text())
    lines = [f"{name}: {cell['status']}" for name, cell in manifest["cells"].items()]
    for name, cell in manifest["cells"].items():
        log = sweep_dir / "runs" / name / "train.log"
        if cell["status"] != "finished" and log.exists():
            lines += [f"--- {log}", *log.read_text().splitlines()[-15:]]
    return "\n".join(lines)


def _csv(path: Path) -> list[dict]:
    with path.open() as fh:
        return list(csv.DictReader(fh))


@pytest.mark.slow
def test_local_and_ray_backends_give_the_same_report(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    common = [*GRID, "--wandb-mode", "disabled", "--workers", "2"]
    local = tmp_path / "local"
    assert sweep.main([*common, "--sweep-dir", str(local), "--", *TINY]) == 0, _why(local)

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        remote = tmp_path / "ray"
        code = sweep.main([*common, "--sweep-dir", str(remote), "--backend", "ray", "--", *TINY])
    finally:
        ray.shutdown()
    assert code == 0, _why(remote)

    for name in REPORT_FILES:
        assert (local / "report" / name).stat().st_size > 0
        assert (remote / "report" / name).stat().st_size > 0
    rows_local, rows_ray = (
        _csv(local / "report" / "frontier.csv"),
        _csv(remote / "report" / "frontier.csv"),
    )
    cells = {(r["core"], r["memory_length"]) for r in rows_local}
    assert cells == {("lstm", "2"), ("lstm", "3"), ("rnn", "2"), ("rnn", "3")}
    # seeded single-thread runs are deterministic: the two backends agree number for number
    # (except wall-clock training time, and so the cost table of the Markdown report)
    for row in rows_local + rows_ray:
        assert float(row.pop("train_seconds_mean")) > 0
    assert rows_local == rows_ray
    md_local, md_ray = (
        (d / "report" / "frontier.md").read_text().split("env steps / training minutes")[0]
        for d in (local, remote)
    )
    assert md_local == md_ray
    for cell in ("TMaze-lstm-L2-s0", "TMaze-rnn-L3-s0"):
        a, b = (
            json.loads((d / "runs" / cell / "result.json").read_text()) for d in (local, remote)
        )
        keys = ("eval_success_rate", "eval_mean_return", "train_success_rate", "env_steps")
        assert [a[k] for k in keys] == [b[k] for k in keys]
    manifest = json.loads((remote / MANIFEST_FILE).read_text())
    assert {c["status"] for c in manifest["cells"].values()} == {"finished"}
    result = json.loads((local / "runs" / "TMaze-lstm-L3-s0" / "result.json").read_text())
    assert result["config"]["wandb_group"] == "local" and result["config"]["torch_threads"] == 1


FAKE_TRAIN = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    args = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--"))
    run_dir = Path(args["run_dir"])
    run_dir.mkdir(parents=True, exist_ok=True)
    with open(run_dir.parent.parent / "calls.txt", "a") as fh:
        fh.write(" ".join(sys.argv[1:]) + "\\n")
    if args["core"] == "broken":
        sys.exit(3)
    result = {k: args[k] for k in ("task", "core")}
    result.update(memory_length=int(args["memory_length"]), seed=int(args["seed"]),
                  eval_success_rate=1.0 if int(args["memory_length"]) <= 5 else 0.5,
                  status="finished")
    (run_dir / "result.json").write_text(json.dumps(result))
    """
)


@pytest.fixture
def fake_train(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    script = tmp_path / "fake_train.py"
    script.write_text(FAKE_TRAIN)
    # 'broken' passes the registry check so that the fake can fail it
    monkeypatch.setitem(cores._REGISTRY, "broken", cores.LSTMCore)
    return script


def _calls(sweep_dir: Path) -> list[str]:
    path = sweep_dir / "calls.txt"
    return path.read_text().splitlines() if path.exists() else []


def _grid_argv(sweep_dir: Path, script: Path, cores: str, seeds: str) -> list[str]:
    """Sweep arguments of a memory length 5,10 grid run by a stand-in train script."""
    return [
        *("--memory-lengths", "5,10", "--cores", cores, "--seeds", seeds),
        *("--sweep-dir", str(sweep_dir), "--train-script", str(script)),
    ]


def test_resume_skips_finished_cells(tmp_path: Path, fake_train: Path) -> None:
    sd = tmp_path / "sw"
    argv = [
        *_grid_argv(sd, fake_train, "lstm,rnn", "0,1"),
        "--wandb-mode",
        "disabled",
        "--no-report",
    ]
    assert sweep.main([*argv, "--", "--total_timesteps=100"]) == 0
    first = _calls(sd)
    assert len(first) == 8
    assert all("--total_timesteps=100" in c and "--wandb_group=sw" in c for c in first)
    assert not any("--resume" in c for c in first)

    # an interrupted cell: its run dir exists but result.json is missing
    (sd / "runs" / "TMaze-rnn-L10-s1" / "result.json").unlink()
    assert sweep.main([*argv, "--", "--total_timesteps=100"]) == 0
    second = _calls(sd)[len(first) :]
    assert len(second) == 1
    assert "--core=rnn" in second[0] and "--memory_length=10" in second[0]
    assert "--seed=1" in second[0] and "--resume=true" in second[0]

    assert sweep.main(argv) == 0  # everything finished: nothing runs
    assert len(_calls(sd)) == 9


def test_failed_cell_and_report(tmp_path: Path, fake_train: Path) -> None:
    sd = tmp_path / "sw"
    argv = [*_grid_argv(sd, fake_train, "lstm,broken", "0"), "--wandb-mode", "disabled"]
    assert sweep.main(argv) == 1
    manifest = json.loads((sd / MANIFEST_FILE).read_text())
    assert manifest["cells"]["TMaze-broken-L5-s0"]["status"] == "failed (exit 3)"
    assert manifest["cells"]["TMaze-lstm-L10-s0"]["status"] == "finished"
    report = json.loads((sd / "report" / "frontier.json").read_text())
    assert report["horizons"] == {"lstm": 5}


def test_failed_lengths_needs_every_seed_to_fail() -> None:
    cells = sweep.grid("TMaze", [5, 10, 20], ["lstm", "rnn"], [0, 1])

    def results(success: dict[tuple[str, int, int], float]) -> dict[str, RunResult]:
        return {
            sweep.GridPoint("TMaze", m, c, s).name: RunResult(
                task="TMaze",
                memory_length=m,
                core=c,
                seed=s,
                eval_success_rate=v,
                status="finished",
            )
            for (c, m, s), v in success.items()
        }

    both = {(c, m, s): 1.0 for c in ("lstm", "rnn") for m in (5, 10, 20) for s in (0, 1)}
    assert sweep.failed_lengths(cells, results(both), 0.9) == {}
    fails = {**both, ("lstm", 10, 0): 0.5, ("lstm", 10, 1): 0.89, ("lstm", 20, 0): 0.0}
    fails.update({("rnn", 10, 0): 0.5, ("rnn", 20, 0): 0.5, ("rnn", 20, 1): 0.5})
    # lstm failed L=10 on both seeds; rnn solved L=10 on seed 1, failed L=20 on both
    assert sweep.failed_lengths(cells, results(fails), 0.9) == {"lstm": 10, "rnn": 20}
    assert sweep.failed_lengths(cells, results(fails), 0.6) == {"rnn": 20}
    assert sweep.failed_lengths(cells, results(fails), 0.5) == {}  # success >= threshold
    del fails[("lstm", 10, 1)]  # a seed not finished yet: no verdict at L=10
    assert sweep.failed_lengths(cells, results(fails), 0.9) == {"rnn": 20}
    assert skip_reason("lstm", 50) == "skipped: lstm failed L=50 on every seed"


def test_skip_after_fail_skips_longer_lengths_and_resumes(tmp_path: Path, fake_train: Path) -> None:
    # the stand-in train.py solves L <= 5 and fails every longer length (success 0.5)
    sd = tmp_path / "sw"
    argv = [
        *("--memory-lengths", "5,10,20", "--cores", "lstm,rnn", "--seeds", "0,1"),
        *("--sweep-dir", str(sd), "--train-script", str(fake_train)),
        *("--wandb-mode", "disabled", "--workers", "2", "--skip-after-fail"),
    ]
    assert sweep.main(argv) == 0, _why(sd)
    calls = _calls(sd)
    lengths = [int(c.split("--memory_length=")[1].split()[0]) for c in calls]
    assert lengths == [5] * 4 + [10] * 4  # shortest first; L=20 never ran
    manifest = json.loads((sd / MANIFEST_FILE).read_text())
    status = {name: cell["status"] for name, cell in manifest["cells"].items()}
    assert status["TMaze-lstm-L20-s1"] == "skipped: lstm failed L=10 on every seed"
    assert status["TMaze-rnn-L20-s0"] == "skipped: rnn failed L=10 on every seed"
    assert status["TMaze-rnn-L10-s1"] == "finished"
    assert manifest["skipped"]["lstm"] == {"label": "lstm", "failed_length": 10, "lengths": [20]}
    report = json.loads((sd / "report" / "frontier.json").read_text())
    assert report["horizons"] == {"lstm": 5, "rnn": 5}
    assert report["skipped"] == {"lstm": [20], "rnn": [20]}
    md = (sd / "report" / "frontier.md").read_text()
    assert "| 20 | skipped | skipped |" in md
    assert "- rnn: lengths > 10 skipped (failed L=10 on every seed)" in md

    # resume: the skips are re-derived from the finished results, nothing runs
    assert sweep.main(argv) == 0
    assert len(_calls(sd)) == 8
    manifest = json.loads((sd / MANIFEST_FILE).read_text())
    assert manifest["cells"]["TMaze-lstm-L20-s0"]["status"].startswith("skipped: lstm")
    # without the flag the skipped cells run
    assert sweep.main([a for a in argv if a != "--skip-after-fail"]) == 0
    assert len(_calls(sd)) == 12


@pytest.mark.parametrize(
    "bad, message",
    [
        (["--memory-lengths", "0,5"], "memory_lengths"),
        (["--seeds", "a"], "seeds"),
        (["--cores", "lstm,transformer"], "cores must be registered"),
        (["--workers", "0"], "workers"),
        (["--address", "auto"], "address needs backend ray"),
        (["--threshold", "1.5"], "threshold"),
    ],
)
def test_bad_input(tmp_path: Path, capsys, bad: list[str], message: str) -> None:
    assert sweep.main(["--sweep-dir", str(tmp_path / "s"), *bad]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_missing_ray_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(RuntimeError, match=r'pip install -e "\.\[ray\]"'):
        sweep_backends.run_ray([])


def test_workers_sized_to_the_machine() -> None:
    assert sweep_backends.local_workers(1, cpus=8) == 8
    assert sweep_backends.local_workers(3, cpus=8) == 2
    assert sweep_backends.local_workers(4, cpus=2) == 1


def test_train_command_is_accepted_by_train_py(tmp_path: Path) -> None:
    from recurrent_agents.run.config import build_config

    cell = sweep.GridPoint("TMaze", 20, "gru", 2)
    cmd = sweep.train_command(
        cell, tmp_path / cell.name, group="g", extra=["--total_timesteps=1000", "--progress=true"]
    )
    assert cmd[1] == str(REPO / "train.py") and Path(cmd[1]).exists()
    cfg = build_config(cmd[2:])
    assert (cfg.task, cfg.memory_length, cfg.core, cfg.seed) == ("TMaze", 20, "gru", 2)
    assert cfg.run_dir == str(tmp_path / cell.name) and cfg.wandb_group == "g"
    assert cfg.total_timesteps == 1000 and cfg.progress is True  # user overrides win


def _agent_commands(path: Path) -> list[list[str]]:
    """The argv `wandb agent` would run for every grid point of a sweep file (wandb's own code)."""
    from wandb.sdk.launch.sweeps.utils import create_sweep_command, create_sweep_command_args

    config = yaml.safe_load(path.read_text())
    params = config["parameters"]
    names = list(params)
    choices = [p["values"] if "values" in p else [p["value"]] for p in params.values()]
    commands = []
    for combo in itertools.product(*choices):
        sweep_vars = create_sweep_command_args(
            {"args": {n: {"value": v} for n, v in zip(names, combo, strict=True)}}
        )
        sweep_vars.update(env=["/usr/bin/env"], interpreter=["python"], program=[config["program"]])
        argv = []
        for c in create_sweep_command(config["command"]):
            c = str(c)
            is_macro = c.startswith("${") and c.endswith("}")
            argv += (sweep_vars.get(c[2:-1]) or []) if is_macro else [c]
        commands.append(argv)
    return commands


SWEEP_FILES = sorted((REPO / "configs" / "sweeps").glob("*.yaml"))


@pytest.mark.slow  # parses every command of the grid
@pytest.mark.parametrize("path", SWEEP_FILES, ids=lambda p: p.name)
def test_wandb_sweep_files_produce_valid_train_commands(path: Path) -> None:
    from recurrent_agents.run.config import build_config

    config = yaml.safe_load(path.read_text())
    assert config["program"] == "train.py" and config["method"] == "grid"
    assert config["command"] == ["${env}", "${interpreter}", "${program}", "${args}"]
    assert {"memory_length", "core", "seed"} <= set(config["parameters"])
    assert (REPO / config["program"]).exists()
    commands = _agent_commands(path)
    grid = {}
    for argv in commands:
        assert argv[:3] == ["/usr/bin/env", "python", "train.py"]
        cfg = build_config(argv[3:])
        grid[(cfg.memory_length, cfg.core, cfg.seed)] = cfg
    sizes = [
        len(config["parameters"][k].get("values", [0])) for k in ("memory_length", "core", "seed")
    ]
    assert len(grid) == len(commands) == sizes[0] * sizes[1] * sizes[2]


def test_sweep_files_exist() -> None:
    assert len(SWEEP_FILES) >= 2


SLOW_TRAIN = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    run_dir = Path([a for a in sys.argv if a.startswith("--run_dir=")][0].split("=", 1)[1])
    try:
        time.sleep(60)
    except KeyboardInterrupt:  # train.py checkpoints here
        (run_dir / "interrupted").write_text("yes")
        sys.exit(130)
    """
)


@pytest.mark.slow  # starts and signals processes
def test_sigterm_stops_every_run_and_lets_it_checkpoint(tmp_path: Path) -> None:
    import signal
    import subprocess
    import time

    script = tmp_path / "slow_train.py"
    script.write_text(SLOW_TRAIN)
    sd = tmp_path / "sw"
    code = (
        "import sys; from recurrent_agents.study import sweep; sys.exit(sweep.main(sys.argv[1:]))"
    )
    argv = [*_grid_argv(sd, script, "lstm,rnn", "0"), "--workers", "2", "--no-report"]
    proc = subprocess.Popen([sys.executable, "-c", code, *argv], cwd=REPO)
    deadline = time.monotonic() + 30
    while len(list(sd.glob("runs/*/train.log"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)  # let the children reach their sleep
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 130
    interrupted = sorted(p.parent.name for p in sd.glob("runs/*/interrupted"))
    assert interrupted == ["TMaze-lstm-L10-s0", "TMaze-rnn-L10-s0"]
    assert not list(sd.glob("runs/*L5*/train.log"))  # nothing new started after the signal


POPGYM_TASK = "popgym:popgym-RepeatPreviousEasy-v0"


def test_a_task_without_memory_length_sweeps_cores_and_seeds(tmp_path: Path, capsys) -> None:
    argv = ["--task", POPGYM_TASK, "--cores", "lstm", "--seeds", "0,1", "--dry-run"]
    assert sweep.main([*argv, "--sweep-dir", str(tmp_path / "s")]) == 0
    commands = [line for line in capsys.readouterr().out.splitlines() if "train.py" in line]
    assert len(commands) == 2 and not any("--memory_length" in c for c in commands)
    assert all(f"--task={POPGYM_TASK}" in c for c in commands)
    point = sweep.GridPoint(POPGYM_TASK, None, "lstm", 1)
    assert point.name == "popgym_popgym-RepeatPreviousEasy-v0-lstm-s1"  # no ':' in a dir name
    for bad in (["--memory-lengths", "5"], ["--skip-after-fail"]):
        assert sweep.main([*argv, *bad, "--sweep-dir", str(tmp_path / "s")]) == 2
        assert f"task {POPGYM_TASK} takes no memory_length" in capsys.readouterr().err
