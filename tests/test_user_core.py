"""A user's own core named as ``module:NAME``: found by importing its module, in make_core,
``train.py --core``, sweeps and a saved model loaded in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from recurrent_agents import RecurrentPPO
from recurrent_agents.cores import check_cores, core_class, make_core
from recurrent_agents.run.config import ConfigError, build_config
from recurrent_agents.study.gradient_flow import parse_core_spec
from recurrent_agents.study.sweep import GridPoint

ROOT = Path(__file__).resolve().parent.parent
USER_CORES = textwrap.dedent(
    """
    from torch import nn

    from recurrent_agents import RecurrentCore, register_core


    @register_core("normed-gru")
    class NormedGRU(RecurrentCore):
        num_states = 1

        def __init__(self, input_size, hidden_size=64, num_layers=1):
            super().__init__(input_size, hidden_size, num_layers)
            self.cell = nn.GRU(input_size, hidden_size, num_layers)
            self.out = nn.Sequential(nn.LayerNorm(hidden_size), nn.Tanh())

        def forward_sequence(self, inputs, state):
            outputs, last = self.cell(inputs, state[0])
            return self.out(outputs), (last,)
    """
)


@pytest.fixture
def user_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A module ``user_cores_mod`` on sys.path (and PYTHONPATH, for child processes) that
    registers ``normed-gru`` when imported."""
    (tmp_path / "user_cores_mod.py").write_text(USER_CORES)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), str(ROOT)]))
    monkeypatch.delitem(sys.modules, "user_cores_mod", raising=False)
    return tmp_path


def test_module_name_imports_the_module_that_registers_the_core(user_module: Path) -> None:
    core = make_core("user_cores_mod:normed-gru", input_size=3, hidden_size=8)
    assert type(core).__name__ == "NormedGRU"
    assert core_class("normed-gru") is type(core)  # registered under its own name too
    check_cores(["lstm", "user_cores_mod:normed-gru"])


def test_unknown_module_or_name_is_one_clear_error(user_module: Path) -> None:
    with pytest.raises(ValueError, match=r"cannot import module 'no_such_mod'"):
        core_class("no_such_mod:normed-gru")
    with pytest.raises(ValueError, match=r"or module:NAME .*got 'user_cores_mod:tcn'"):
        core_class("user_cores_mod:tcn")
    with pytest.raises(ValueError, match=r"got user_cores_mod:tcn, tcn$"):
        check_cores(["lstm", "user_cores_mod:tcn", "tcn"])
    with pytest.raises(ConfigError, match=r"cannot import module 'no_such_mod'"):
        build_config(["--core=no_such_mod:x"])


def test_default_run_dir_and_group_name_the_core_without_its_module(user_module: Path) -> None:
    cfg = build_config(["--core=user_cores_mod:normed-gru", "--memory_length=5"])
    assert cfg.run_dir == str(Path("runs") / "TMaze-normed-gru-L5-s0")
    assert cfg.wandb_group == "TMaze-normed-gru"


def test_sweep_cell_names_carry_no_colon() -> None:
    point = GridPoint("TMaze", 5, "user_cores_mod:normed-gru", 0)
    assert point.name == "TMaze-user_cores_mod_normed-gru-L5-s0"


@pytest.mark.slow  # two train.py processes of a few hundred env steps
def test_train_py_trains_a_user_core_and_a_fresh_process_loads_it(
    user_module: Path, tmp_path: Path
) -> None:
    from tests.test_train import TINY, _train

    run_dir = tmp_path / "run"
    core = "--core=user_cores_mod:normed-gru"
    proc = _train([*TINY, "--total_timesteps=256", "--video=false", core, f"--run_dir={run_dir}"])
    assert proc.returncode == 0, proc.stderr
    result = json.loads((run_dir / "result.json").read_text())
    assert result["status"] == "finished" and result["core"] == "user_cores_mod:normed-gru"
    # A new interpreter knows nothing of the core until the saved name imports its module.
    load = (
        "from recurrent_agents import RecurrentPPO; "
        f"m = RecurrentPPO.load({str(run_dir / 'model.zip')!r}); "
        "print(type(m.policy.core_actor).__name__)"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", load], capture_output=True, text=True, timeout=120
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "NormedGRU"
    assert isinstance(RecurrentPPO.load(run_dir / "model.zip"), RecurrentPPO)


@pytest.mark.parametrize(
    "spec,parsed",
    [
        ("lstm", ("lstm", {})),
        ("lstm:chrono_init=20,init=pytorch", ("lstm", {"chrono_init": 20, "init": "pytorch"})),
        ("user_cores_mod:normed-gru", ("user_cores_mod:normed-gru", {})),
        ("user_cores_mod:normed-gru:dropout=0.1", ("user_cores_mod:normed-gru", {"dropout": 0.1})),
    ],
)
def test_gradient_flow_core_specs_take_a_module(spec: str, parsed: tuple) -> None:
    assert parse_core_spec(spec) == parsed
