"""bench/frontier/horizon.py's recipes: every cell's train.py options are valid options."""

from __future__ import annotations

import pytest

from bench.frontier.horizon import CORES, RECIPES
from recurrent_agents.run.config import build_config


@pytest.mark.parametrize("recipe", sorted(RECIPES))
@pytest.mark.parametrize("core", CORES)
def test_every_cell_of_every_recipe_is_a_valid_run(recipe, core) -> None:
    options = RECIPES[recipe].cell_options(core, 1000, None, 10)
    cell = ["--task=DelayedCue", "--memory_length=50", f"--core={core}", "--seed=3"]
    cfg = build_config([*cell, *options])
    assert cfg.total_timesteps == 1000 and cfg.eval_length_factor == 10
    assert cfg.success_measure == ("greedy" if recipe == "curriculum-greedy" else "training")
    assert (cfg.chrono_init == "off") == (core in RECIPES[recipe].no_chrono)
    # the curriculum recipes keep the RNN's critic they were measured with
    pinned = core == "rnn" and recipe.startswith("curriculum")
    assert cfg.critic_core == ("separate" if pinned else None)


def test_command_line_is_checked_before_anything_runs(capsys) -> None:
    from bench.frontier.horizon import parse_args

    args = parse_args(["--tasks=TMaze", "--cores=lstm,rnn", "--tag=x", "--", "--gamma=0.9"])
    assert args.tasks == ["TMaze"] and args.cores == ["lstm", "rnn"]
    assert args.options == ["--gamma=0.9"]
    for bad, message in [
        (["--", "--gamma=0.9"], "need a --tag"),
        (["--cores=lstm,tcn"], "--cores must be among lstm, gru, rnn or a core of your own"),
        (["--cores=no_such_mod:x"], "got no_such_mod:x"),
        (["--eval-length-factor=-1"], "--eval-length-factor must be an int >= 0, got -1"),
    ]:
        with pytest.raises(SystemExit) as exit_info:
            parse_args(bad)
        assert exit_info.value.code == 2 and message in capsys.readouterr().err


def test_one_run_trains_one_curriculum_per_seed_through_every_length(monkeypatch, tmp_path):
    from bench.frontier import horizon

    commands: list[list[str]] = []
    monkeypatch.setattr(horizon, "run", commands.append)
    argv = ["--tasks=TMaze", "--cores=rnn", "--lengths=20,5,100", "--one-run"]
    assert horizon.main([*argv, f"--sweeps-dir={tmp_path}", "--recipe=curriculum-greedy"]) == 0
    (sweep,) = commands
    assert sweep[sweep.index("--memory-lengths") + 1] == "100"
    assert sweep[sweep.index("--sweep-dir") + 1].endswith("tmaze-curriculum-greedy-onerun/rnn")
    assert "--skip-after-fail" not in sweep
    cell = ["--task=TMaze", "--memory_length=100", "--core=rnn", "--seed=0"]
    cfg = build_config([*cell, *sweep[sweep.index("--") + 1 :]])
    assert cfg.curriculum == [5, 20] and cfg.stage_results and cfg.chrono_init == "off"

    for recipe in ("plain", "defaults"):
        with pytest.raises(SystemExit) as exit_info:
            horizon.parse_args(["--one-run", f"--recipe={recipe}"])
        assert exit_info.value.code == 2


def test_the_defaults_recipe_is_the_agents_defaults_and_a_budget() -> None:
    for core in CORES:
        options = RECIPES["defaults"].cell_options(core, 2_000_000, None, 10)
        assert options == ["--total_timesteps=2000000", "--eval_length_factor=10"]
    cell = ["--task=TMaze", "--memory_length=200", "--core=gru", "--seed=4"]
    cfg = build_config([*cell, *RECIPES["defaults"].cell_options("gru", 2_000_000, None, 10)])
    defaults = build_config(cell)
    differs = {k for k, v in cfg.to_dict().items() if defaults.to_dict()[k] != v}
    assert differs == {"total_timesteps", "eval_length_factor"}


def test_a_core_of_your_own_runs_in_its_own_sweep_dir(monkeypatch, tmp_path) -> None:
    from bench.frontier import horizon

    (tmp_path / "mine_mod.py").write_text(
        "from recurrent_agents import register_core\n"
        "from recurrent_agents.cores import GRUCore\n"
        "register_core('mine')(GRUCore)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    commands: list[list[str]] = []
    monkeypatch.setattr(horizon, "run", commands.append)
    argv = ["--tasks=TMaze", "--cores=mine_mod:mine", "--lengths=5", "--recipe=defaults"]
    assert horizon.main([*argv, f"--sweeps-dir={tmp_path / 'sweeps'}"]) == 0
    (sweep,) = commands
    assert sweep[sweep.index("--cores") + 1] == "mine_mod:mine"
    assert sweep[sweep.index("--sweep-dir") + 1].endswith("tmaze-defaults/mine_mod_mine")
