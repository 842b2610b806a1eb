"""A real memory-frontier sweep on this machine, plus the gradient-flow plot of its cores.

    python bench/frontier/run_frontier.py                      # defaults below, ~15 CPU-minutes
    python bench/frontier/run_frontier.py --lengths 5,10 --cores lstm,rnn --steps 30000
    python bench/frontier/run_frontier.py --task TMaze --lengths 5,10,20,50,100,200,500,1000 \
        --seeds 0,1,2 --skip-after-fail --name tmaze-horizon -- --n_envs=32   # after --: train.py

Runs ``train.py sweep`` (local backend, one run per CPU) into ``bench/frontier/sweeps/NAME``
(git-ignored: models, logs, W&B runs), then ``train.py gradient-flow`` on the untrained cores and
on the sweep's trained models at one memory length, and copies the small outputs (frontier
CSV/MD/PNG, gradient-flow PNG/JSON, timings) to ``bench/frontier/results/`` (``--results-dir``).
``--skip-after-fail`` is passed to the sweep; ``--extra "..."`` and anything after ``--`` are
train.py overrides added after the script's own (so they win). Rerun the same command to resume.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

from recurrent_agents.run.records import SweepManifest, finished_results
from recurrent_agents.run.tracking import WANDB_MODES
from recurrent_agents.study.frontier import REPORT_FILES, load_results
from recurrent_agents.study.sweep import parse_int_list

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def run(cmd: list[str]) -> float:
    """Run a command from the repo root (echoed), fail loudly; return its wall time."""
    print("$ " + " ".join(cmd), flush=True)
    start = time.monotonic()
    subprocess.run(cmd, cwd=REPO, check=True)
    return time.monotonic() - start


def gradient_length(sweep_dir: Path, lengths: list[int], wanted: int) -> int:
    """The memory length of the gradient-flow plot: ``wanted`` if the sweep has seed-0 models
    there, else the longest such length up to it (a skip may have left no run at ``wanted``)."""
    gl = wanted if wanted in lengths else max(lengths)
    runs = sweep_dir / "runs"
    have = {
        r.memory_length
        for r in (load_results(runs) if runs.is_dir() else [])
        if r.seed == 0 and r.model_path
    }
    if gl in have or not have:
        return gl
    shorter = [m for m in have if m <= gl]
    return max(shorter) if shorter else min(have)


def build_parser() -> argparse.ArgumentParser:
    """The script's options (train.py overrides go after ``--``)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--task", default="TMaze")
    p.add_argument("--lengths", default="5,10,15,20")
    p.add_argument("--cores", default="lstm,gru,rnn")
    p.add_argument("--seeds", default="0,1")
    p.add_argument("--steps", type=int, default=100_000, help="env steps per run")
    p.add_argument("--name", default="tmaze-frontier")
    p.add_argument("--gradient-length", type=int, default=20, help="memory length of the plot")
    p.add_argument("--wandb-mode", default="offline", choices=WANDB_MODES)
    p.add_argument(
        "--skip-after-fail",
        action="store_true",
        help="sweep lengths shortest first; skip a core's longer lengths once every seed failed",
    )
    p.add_argument("--extra", default="", help='train.py overrides, e.g. "--n_envs=32"')
    p.add_argument(
        "--results-dir", default=str(HERE / "results"), help="where the small outputs are copied"
    )
    return p


def main(argv: list[str] | None = None) -> int:
    """Sweep, report, gradient flow; write bench/frontier/results/ (or --results-dir)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    tail: list[str] = []
    if "--" in argv:
        argv, tail = argv[: argv.index("--")], argv[argv.index("--") + 1 :]
    args = build_parser().parse_args(argv)
    extra = [*shlex.split(args.extra), *tail]

    py = sys.executable
    rel = (HERE / "sweeps" / args.name).relative_to(REPO)  # commands run from REPO: short paths
    sweep_dir = REPO / rel
    results = Path(args.results_dir).resolve()
    results.mkdir(parents=True, exist_ok=True)
    sweep_cmd = [
        py,
        "train.py",
        "sweep",
        "--task",
        args.task,
        "--memory-lengths",
        args.lengths,
        "--cores",
        args.cores,
        "--seeds",
        args.seeds,
        "--sweep-dir",
        str(rel),
        "--wandb-mode",
        args.wandb_mode,
        *(["--skip-after-fail"] if args.skip_after_fail else []),
        "--",
        f"--total_timesteps={args.steps}",
        "--video=false",
        "--checkpoint_every=0",
        *extra,
    ]
    sweep_seconds = run(sweep_cmd)
    for name in REPORT_FILES:
        shutil.copy(sweep_dir / "report" / name, results / name)

    gf_dir = sweep_dir / "gradient_flow"
    lengths = parse_int_list("lengths", args.lengths, 1)
    gl = gradient_length(sweep_dir, lengths, args.gradient_length)
    gf_base = [
        py,
        "train.py",
        "gradient-flow",
        "--task",
        args.task,
        "--memory-length",
        str(gl),
        "--cores",
        f"rnn;gru;lstm;lstm:chrono_init={max(gl, 2)}",
        "--sweep-dir",
        str(rel),
    ]
    gf_cmd = [*gf_base, "--out-dir", str(rel / "gradient_flow"), "--wandb-mode", args.wandb_mode]
    gf_seconds = run(gf_cmd)
    shutil.copy(gf_dir / "gradient_flow.png", results / "gradient_flow.png")
    shutil.copy(gf_dir / "gradient_flow.json", results / "gradient_flow.json")
    relative_dir = str(rel / "gradient_flow" / "relative")
    run([*gf_base, "--relative", "--out-dir", relative_dir, "--wandb-mode", "disabled"])
    shutil.copy(gf_dir / "relative" / "gradient_flow.png", results / "gradient_flow_relative.png")

    write_run_info(sweep_dir, results, sweep_cmd, gf_cmd, sweep_seconds, gf_seconds)
    print(f"wrote {results}")
    return 0


PER_RUN_KEYS = ("task", "memory_length", "core", "seed", "run_dir", "wandb_group", "wandb_name")


def write_run_info(
    sweep_dir: Path,
    results: Path,
    sweep_cmd: list[str],
    gf_cmd: list[str],
    sweep_seconds: float | None,
    gf_seconds: float | None,
) -> None:
    """Commands, timings and the resolved training config of the runs (run_info.json).

    The config is read back from the runs' results: it is what actually trained (defaults
    resolved); more than one variant means the code changed during the sweep.
    """
    manifest = SweepManifest.read(sweep_dir)
    if manifest is None:
        raise FileNotFoundError(f"no sweep manifest in {sweep_dir}")
    configs: dict[str, list[str]] = {}
    for result in finished_results(sweep_dir / "runs"):
        shared = {k: v for k, v in result.config.items() if k not in PER_RUN_KEYS}
        run_name = Path(result.source).parent.name
        configs.setdefault(json.dumps(shared, sort_keys=True), []).append(run_name)
    info = {
        "sweep_command": " ".join(["python", *sweep_cmd[1:]]),
        "gradient_flow_command": " ".join(["python", *gf_cmd[1:]]),
        "sweep_wall_seconds": sweep_seconds and round(sweep_seconds, 1),
        "gradient_flow_wall_seconds": gf_seconds and round(gf_seconds, 1),
        "cell_seconds": {k: v.get("seconds") for k, v in manifest.cells.items()},
        "train_configs": [{"config": json.loads(k), "runs": v} for k, v in configs.items()],
    }
    (results / "run_info.json").write_text(json.dumps(info, indent=1))


if __name__ == "__main__":
    raise SystemExit(main())
