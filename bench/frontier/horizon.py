"""The memory-horizon frontier: lengths 5..1000 x cores x 5 seeds, on both tasks, resumable.

    python bench/frontier/horizon.py                          # everything (CPU-hours)
    python bench/frontier/horizon.py --tasks TMaze --cores lstm --lengths 5,10,20
    python bench/frontier/horizon.py --report-only            # table from what has finished
    python bench/frontier/horizon.py --recipe defaults        # from scratch, the defaults
    python bench/frontier/horizon.py --recipe plain           # without curriculum / obs norm
    python bench/frontier/horizon.py --recipe plain --core-configs tuning/tmaze-L20  # tuned
    python bench/frontier/horizon.py --tag noprev -- --prev_action_reward=false  # + options
    python bench/frontier/horizon.py --one-run               # one run per seed, all lengths

One ``train.py sweep --skip-after-fail`` per task and core into
``bench/frontier/sweeps/<task>-<recipe dir>/<core>``: lengths run shortest first, a core's longer
lengths are skipped once every seed failed a length, and rerunning the command resumes
(finished cells are skipped, interrupted ones continue from their checkpoint). Every cell runs
``train.py --config <recipe config>`` with the cell's task, length, core and seed, at most
``--max-steps`` env steps (chrono init, set in both configs, is turned off for cores without
it). The recipes:

* ``curriculum`` (default): ``configs/tmaze_lstm_L1000.yaml``, the L=1000 T-maze recipe applied
  to every cell: 32 envs, a memory-length curriculum (its lengths below the cell's length),
  observations standardised with running statistics, the previous action and reward observed,
  gamma 0.999, chrono init for T_max = 1000 (lstm, gru), an early stop once 95% of the last 100
  training episodes at the cell's length succeed; 2M env steps per cell at most. The RNN keeps
  the critic with its own core that both curriculum recipes were measured with
  (``--critic_core=separate``; its default is the actor's core since 2026-12-04).
* ``curriculum-greedy``: the same, with stages and the early stop judged by 100 greedy
  episodes (``--success_measure=greedy``) instead of the last 100 training episodes.
* ``defaults``: the agent's defaults and nothing else (the memory suite's agent): the scratch
  regime as a user meets it. 2M env steps per cell at most; the run's own early stop (95% of
  the last 100 training episodes, confirmed by 100 greedy ones).
* ``plain``: ``configs/horizon.yaml``: 8 envs x 1024-step rollouts, the default PPO
  hyperparameters, chrono init 100 for the LSTM only, an early stop at 99%; 1M steps at most.

``--core-configs DIR`` runs each core with ``DIR/<core>.yaml`` (the configs ``train.py tune``
writes) in place of the recipe's config, into ``<task>-<recipe dir>-<DIR's name>``. Every cell is
also evaluated at ``--eval-length-factor`` (10) times its length, nothing relearned (the
report's ``long_*`` columns). Options after ``--`` go to every cell's train.py, after the
recipe's; name them with ``--tag``, which is appended to the directories' names.

``--one-run`` (a curriculum recipe only) trains one run per task, core and seed instead of one
per length: a curriculum through every length below the longest, with each stage's result
written as its own cell (``--stage_results``; the model when the stage is passed is the one
the run for that length would have stopped with, and a stage never passed is judged with the
final model, as that run's budget would have ended it). The curriculum is then the lengths
themselves rather than the recipe's, and the directories' names end in ``-onerun``.

Afterwards the frontier report of each task (CSV, Markdown, PNG, with the skipped cells and
each cell's env steps and minutes) goes to ``--results-dir/<recipe dir>/<task>`` and its table
is printed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from recurrent_agents.cores import is_core
from recurrent_agents.run.config import core_path_name
from recurrent_agents.run.records import SweepManifest
from recurrent_agents.run.tracking import WANDB_MODES
from recurrent_agents.study.sweep import parse_int_list, parse_names

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LENGTHS = "5,10,20,50,100,200,500,1000"
CORES = ("lstm", "gru", "rnn")


_NO_CHRONO = "--chrono_init=off"


@dataclass(frozen=True)
class Recipe:
    """A frontier recipe: its train.py config, step budget and directory name."""

    #: None: train.py's own defaults, no config file.
    config: str | None
    max_steps: int
    #: Name of its sweep (``<task>-<dir_name>``) and results directories.
    dir_name: str
    #: train.py options of one core only, after the config's: the config's chrono init turned
    #: off for cores without a keep gate, and settings the recipe's results were measured with
    #: where that core's default has changed since.
    core_options: dict[str, tuple[str, ...]]
    #: train.py options after the config's, for every core.
    options: tuple[str, ...] = ()

    @property
    def no_chrono(self) -> tuple[str, ...]:
        """Cores that run without the config's chrono init."""
        return tuple(core for core, options in self.core_options.items() if _NO_CHRONO in options)

    def cell_options(
        self, core: str, max_steps: int, core_configs: Path | None, length_factor: int
    ) -> list[str]:
        """The train.py options of one cell, after the sweep's task/length/core/seed: the
        recipe's config (or the core's own in ``core_configs``), the budget, the longer
        evaluation."""
        budget = [f"--total_timesteps={max_steps}", f"--eval_length_factor={length_factor}"]
        budget += self.options
        if core_configs is not None:
            return [f"--config={core_configs / f'{core_path_name(core)}.yaml'}", *budget]
        config = [] if self.config is None else [f"--config={self.config}"]
        return [*config, *self.core_options.get(core, ()), *budget]


#: The curriculum recipes' RNN: no chrono init (no keep gate), and the critic on its own core
#: that the recipes were measured with (the RNN's default until 2026-12-04). With the actor's
#: core, the recipe's per-step entropy bonus loses the corridor at L=1000 on some T-maze seeds
#: (README, "Cores").
_CURRICULUM_CORES = {"rnn": (_NO_CHRONO, "--critic_core=separate")}

RECIPES = {
    "curriculum": Recipe(
        "configs/tmaze_lstm_L1000.yaml", 2_000_000, "curriculum", _CURRICULUM_CORES
    ),
    "curriculum-greedy": Recipe(
        "configs/tmaze_lstm_L1000.yaml",
        2_000_000,
        "curriculum-greedy",
        _CURRICULUM_CORES,
        ("--success_measure=greedy",),
    ),
    "defaults": Recipe(None, 2_000_000, "defaults", {}),
    "plain": Recipe(
        "configs/horizon.yaml",
        1_000_000,
        "horizon",
        {"gru": (_NO_CHRONO,), "rnn": (_NO_CHRONO,)},
    ),
}


def run(cmd: list[str]) -> None:
    """Run a command from the repo root (echoed); stop on failure."""
    print("$ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=REPO, check=True)


def merge_manifests(task_dir: Path) -> None:
    """One manifest for the task from its per-core sweeps (the report reads its skips)."""
    merged = SweepManifest()
    for core_dir in sorted(d for d in task_dir.iterdir() if d.is_dir()):
        manifest = SweepManifest.read(core_dir)
        if manifest is not None:
            merged.cells.update(manifest.cells)
            merged.skipped.update(manifest.skipped)
    merged.write(task_dir)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line, checked (argparse's usage error and exit status 2 otherwise)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tasks", default="DelayedCue,TMaze")
    p.add_argument("--cores", default="lstm,gru,rnn")
    p.add_argument("--lengths", default=LENGTHS)
    p.add_argument("--seeds", default="0,1,2,3,4")
    p.add_argument("--recipe", default="curriculum", choices=sorted(RECIPES))
    p.add_argument("--max-steps", type=int, default=None, help="env steps per cell at most")
    p.add_argument("--workers", type=int, default=1, help="parallel runs per core's sweep")
    p.add_argument("--sweeps-dir", default=str((HERE / "sweeps").relative_to(REPO)))
    p.add_argument("--results-dir", default=str((HERE / "results").relative_to(REPO)))
    p.add_argument("--wandb-mode", default="offline", choices=WANDB_MODES)
    p.add_argument("--report-only", action="store_true", help="no training, report only")
    p.add_argument("--core-configs", type=Path, help="a dir of <core>.yaml (train.py tune's)")
    p.add_argument("--eval-length-factor", type=int, default=10, help="0: no longer evaluation")
    p.add_argument("--tag", default="", help="appended to the sweep and results directory names")
    p.add_argument(
        "--one-run",
        action="store_true",
        help="one curriculum run per seed through every length, each stage a cell",
    )
    p.add_argument("options", nargs="*", help="train.py options for every cell (after --)")
    args = p.parse_args(argv)
    if args.options and not args.tag:
        p.error(f"options {' '.join(args.options)} need a --tag to name their directories")
    tasks, cores = parse_names("tasks", args.tasks), parse_names("cores", args.cores)
    parse_int_list("lengths", args.lengths, 1)
    unknown = [c for c in cores if not is_core(c)]
    if unknown:
        p.error(
            f"--cores must be among {', '.join(CORES)} or a core of your own as module:NAME, "
            f"got {', '.join(unknown)}"
        )
    missing = [
        f"{core_path_name(c)}.yaml"
        for c in cores
        if args.core_configs and not (args.core_configs / f"{core_path_name(c)}.yaml").is_file()
    ]
    if missing:
        p.error(f"--core-configs {args.core_configs} has no {', '.join(missing)}")
    if args.one_run and not args.recipe.startswith("curriculum"):
        p.error(
            f"--one-run needs a curriculum recipe (the stages are the lengths), got {args.recipe}"
        )
    if args.eval_length_factor < 0:
        p.error(f"--eval-length-factor must be an int >= 0, got {args.eval_length_factor}")
    args.tasks, args.cores = tasks, cores
    return args


def main(argv: list[str] | None = None) -> int:
    """Run (or resume) the sweeps, then write and print each task's frontier."""
    args = parse_args(argv)
    recipe = RECIPES[args.recipe]
    max_steps = args.max_steps or recipe.max_steps
    name = recipe.dir_name + (f"-{args.core_configs.name}" if args.core_configs else "")
    name += f"-{args.tag}" if args.tag else ""
    name += "-onerun" if args.one_run else ""
    lengths = sorted(parse_int_list("lengths", args.lengths, 1))
    if args.one_run:  # the longest length is the target, the others its stages
        sweep_lengths = ["--memory-lengths", str(lengths[-1])]
        stages = ["--curriculum=" + ",".join(map(str, lengths[:-1])), "--stage_results=true"]
    else:
        sweep_lengths = ["--memory-lengths", args.lengths, "--skip-after-fail"]
        stages = []

    py = sys.executable
    for task in args.tasks:
        task_dir = Path(args.sweeps_dir) / f"{task.lower()}-{name}"
        for core in args.cores if not args.report_only else []:
            run(
                [py, "train.py", "sweep", "--task", task, *sweep_lengths]
                + ["--cores", core, "--seeds", args.seeds]
                + ["--sweep-dir", str(task_dir / core_path_name(core))]
                + ["--name", task_dir.name, "--workers", str(args.workers)]
                + ["--wandb-mode", args.wandb_mode, "--no-report", "--"]
                + recipe.cell_options(core, max_steps, args.core_configs, args.eval_length_factor)
                + stages
                + args.options
            )
        if not (REPO / task_dir).is_dir():
            print(f"{task}: nothing run yet in {task_dir}")
            continue
        merge_manifests(REPO / task_dir)
        out = Path(args.results_dir) / name / task.lower()
        run(
            [py, "train.py", "report", "--sweep-dir", str(task_dir), "--out-dir", str(out)]
            + ["--wandb-mode", args.wandb_mode]
        )
        print((REPO / out / "frontier.md").read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
