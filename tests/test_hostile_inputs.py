"""Bad input never destroys or silently restarts a run (issue: "Nothing lost").

Every case: exit status 2, exactly one line on stderr naming the bad value and what is allowed,
no traceback, and the directory it aims at (a finished run's, or a sweep's) byte-identical
before and after. `train.main` runs in-process, so the whole table takes seconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TINY = [
    "--memory_length=2",
    "--n_envs=2",
    "--n_steps=32",
    "--batch_size=64",
    "--hidden_size=8",
    "--total_timesteps=128",
    "--checkpoint_every=64",
    "--eval_episodes=2",
    "--video=false",
    "--progress=false",
    "--wandb_mode=disabled",
]


@pytest.fixture(scope="module")
def train(train_cli):
    return train_cli


@pytest.fixture(scope="module")
def finished_run(train, tmp_path_factory) -> Path:
    run_dir = tmp_path_factory.mktemp("finished") / "run"
    assert train.main([*TINY, f"--run_dir={run_dir}"]) == 0
    return run_dir


@pytest.fixture
def run_dir(finished_run: Path, tmp_path: Path) -> Path:
    """A copy of a finished run: result.json, model.zip, checkpoints/, config.yaml, .run.lock."""
    copy = tmp_path / "run"
    shutil.copytree(finished_run, copy)
    return copy


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative path -> content)."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def assert_rejected(train, argv: list[str], expected: list[str], root: Path, capsys) -> None:
    before = snapshot(root)
    status = train.main(argv)
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert status == 2, err
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for text in expected:
        assert text in lines[0], lines[0]
    assert snapshot(root) == before


def _file(tmp: Path, name: str, content: bytes) -> str:
    path = tmp / name
    path.write_bytes(content)
    return str(path)


LATIN1 = "core: gr\xfc".encode("latin-1")
# (extra argv given the run dir and a scratch dir, phrases the error line must contain)
Case = tuple[Callable[[Path, Path], list[str]], list[str]]
TRAIN_CASES: dict[str, Case] = {
    # non-finite numbers
    "lr_inf": (lambda r, t: ["--learning_rate=inf"], ["learning_rate", "inf", "finite"]),
    "gamma_nan": (lambda r, t: ["--gamma=nan"], ["gamma", "nan", "finite"]),
    "ent_coef_-inf": (lambda r, t: ["--ent_coef=-inf"], ["ent_coef", "-inf", "finite"]),
    "forget_bias_nan": (lambda r, t: ["--forget_bias=nan"], ["forget_bias", "nan", "finite"]),
    "target_kl_inf": (lambda r, t: ["--target_kl=inf"], ["target_kl", "inf", "finite"]),
    "yaml_inf": (
        lambda r, t: [f"--config={_file(t, 'inf.yaml', b'vf_coef: .inf')}"],
        ["vf_coef", "inf", "finite"],
    ),
    # silently accepted before
    "batch_over_rollout": (
        lambda r, t: ["--batch_size=100000"],
        ["batch_size", "100,000", "at most n_steps * n_envs = 64"],
    ),
    "max_grad_norm_-1": (lambda r, t: ["--max_grad_norm=-1"], ["max_grad_norm", "-1", "> 0"]),
    "max_grad_norm_0": (lambda r, t: ["--max_grad_norm=0"], ["max_grad_norm", "0", "> 0"]),
    "target_kl_-1": (lambda r, t: ["--target_kl=-1"], ["target_kl", "-1", "> 0 or None"]),
    "clip_range_vf_0": (lambda r, t: ["--clip_range_vf=0"], ["clip_range_vf", "> 0 or None"]),
    "seed_-5": (lambda r, t: ["--seed=-5"], ["seed", "-5", ">= 0"]),
    "seed_1e30": (lambda r, t: ["--seed=1e30"], ["seed", "at most 4,294,967,295"]),
    "n_steps_1e30": (lambda r, t: ["--n_steps=1e30"], ["n_steps", "at most 16,777,216"]),
    "memory_length_1e12": (
        lambda r, t: ["--memory_length=1e12"],
        ["memory_length", "1,000,000,000,000", "at most 1,000,000"],
    ),
    "n_envs_1e9": (lambda r, t: ["--n_envs=1e9"], ["n_envs=1,000,000,000", "at most 16,777,216"]),
    "hidden_size_1e6": (lambda r, t: ["--hidden_size=1e6"], ["hidden_size", "at most 4,096"]),
    "gae_lambda_2": (lambda r, t: ["--gae_lambda=2"], ["gae_lambda", "2.0", "in [0, 1]"]),
    "stop_at_success_2": (lambda r, t: ["--stop_at_success=2"], ["stop_at_success", "(0, 1]"]),
    "wandb_mode": (lambda r, t: ["--wandb_mode=loud"], ["wandb_mode", "'loud'", "offline"]),
    "core": (lambda r, t: ["--core=tcn"], ["core", "'tcn'", "lstm"]),
    # devices
    "device_banana": (lambda r, t: ["--device=banana"], ["device", "'banana'", "cpu, cuda"]),
    "device_meta": (lambda r, t: ["--device=meta"], ["device", "'meta'", "cpu, cuda"]),
    # paths and files
    "run_dir_empty": (lambda r, t: ["--run_dir="], ["run_dir", "''", "directory path"]),
    "config_empty": (lambda r, t: ["--config="], ["config", "''", "YAML file"]),
    "config_not_utf8": (
        lambda r, t: [f"--config={_file(t, 'latin1.yaml', LATIN1)}"],
        ["latin1.yaml", "UTF-8", "0xfc"],
    ),
    "yaml_config_key": (
        lambda r, t: [f"--config={_file(t, 'nested.yaml', b'config: other.yaml')}"],
        ["key config in nested.yaml", "cannot name another", "allowed: task, memory_length"],
    ),
    "misspelled_flag": (lambda r, t: ["--resum"], ["unknown option --resum", "resume"]),
    "resume_and_overwrite": (
        lambda r, t: ["--resume", "--overwrite"],
        ["resume and overwrite exclude each other"],
    ),
    "run_dir_is_a_file": (
        lambda r, t: [f"--run_dir={_file(t, 'a_file', b'x')}"],
        ["run_dir must be a directory", "a_file is a file"],
    ),
    "run_dir_under_a_file": (
        lambda r, t: [f"--run_dir={_file(t, 'b_file', b'x')}/sub"],
        ["run_dir must be a directory", "is under a file", "b_file"],
    ),
    # errors only the env or the agent find: raised before --overwrite deletes anything
    "variant": (
        lambda r, t: ["--overwrite", "--variant=zigzag"],
        ["variant", "'zigzag'", "passive"],
    ),
    "num_cues": (
        lambda r, t: ["--overwrite", "--task=DelayedCue", "--num_cues=1"],
        ["num_cues", "1"],
    ),
    "forget_bias_rnn": (
        lambda r, t: ["--overwrite", "--core=rnn", "--forget_bias=1"],
        ["forget_bias"],
    ),
    "action_epsilon": (
        lambda r, t: ["--overwrite", "--action_epsilon=1.5"],
        ["action_epsilon", "1.5", "[0, 1)"],
    ),
    # the run directory holds an earlier run
    "new_run_over_earlier_run": (
        lambda r, t: [],
        ["holds an earlier run", "result.json", "--resume", "--overwrite"],
    ),
    "resume_other_core": (
        lambda r, t: ["--resume", "--core=gru"],
        ["config differs", "core ('lstm' -> 'gru')", "only total_timesteps"],
    ),
    "resume_other_length": (
        lambda r, t: ["--resume", "--memory_length=3", "--total_timesteps=512"],
        ["config differs", "memory_length (2 -> 3)", "total_timesteps"],
    ),
}


@pytest.mark.parametrize("case", sorted(TRAIN_CASES))
def test_bad_train_input_changes_nothing(case, train, run_dir, tmp_path, capsys):
    make_argv, expected = TRAIN_CASES[case]
    argv = [*TINY, f"--run_dir={run_dir}", *make_argv(run_dir, tmp_path)]
    assert_rejected(train, argv, expected, run_dir, capsys)


@pytest.mark.skipif(__import__("torch").cuda.is_available(), reason="this machine has a CUDA GPU")
def test_cuda_without_a_gpu_is_one_line(train, run_dir, capsys):
    argv = [*TINY, f"--run_dir={run_dir}", "--device=cuda"]
    assert_rejected(train, argv, ["device 'cuda'", "no", "cpu"], run_dir, capsys)


def test_read_only_run_dir(train, run_dir, monkeypatch, capsys):
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda path, mode: Path(path) != run_dir and real_access(path, mode)
    )
    argv = [*TINY, f"--run_dir={run_dir}", "--resume"]
    assert_rejected(train, argv, ["run_dir must be writable", str(run_dir)], run_dir, capsys)


def _damage(run_dir: Path, how: str) -> None:
    ckpt = run_dir / "checkpoints"
    for path in ckpt.glob("model_*.zip"):
        if how == "empty":
            path.write_bytes(b"")
        else:
            path.write_bytes(path.read_bytes()[:100])


@pytest.mark.parametrize("how", ["empty", "truncated"])
def test_resume_with_no_loadable_checkpoint_stops(how, train, run_dir, capsys):
    _damage(run_dir, how)
    argv = [*TINY, f"--run_dir={run_dir}", "--resume"]
    expected = ["no checkpoint", "loads", "model_000000000128.zip: ", "--overwrite"]
    assert_rejected(train, argv, expected, run_dir, capsys)


def test_resume_of_a_run_without_checkpoints_stops(train, tmp_path, capsys):
    run_dir = tmp_path / "run"
    argv = [*TINY, f"--run_dir={run_dir}", "--checkpoint_every=0"]
    assert train.main(argv) == 0
    capsys.readouterr()
    expected = ["no checkpoints", "nothing to resume", "--overwrite"]
    assert_rejected(train, [*argv, "--resume"], expected, run_dir, capsys)


def test_run_dir_held_by_another_process(train, run_dir, capsys):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import sys
                from recurrent_agents.run.rundir import RunDirLock
                lock = RunDirLock(sys.argv[1])
                lock.acquire()
                print("locked", flush=True)
                sys.stdin.read()
                """
            ),
            str(run_dir),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        for extra in ([], ["--resume"], ["--overwrite"]):
            expected = ["in use by another run", f"pid {holder.pid}", "since", "-c"]
            assert_rejected(
                train, [*TINY, f"--run_dir={run_dir}", *extra], expected, run_dir, capsys
            )
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


# ------------------------------------------------------------------ subcommands and the API


def _not_a_zip(tmp: Path) -> str:
    return _file(tmp, "model.zip", b"not a zip")


SUBCOMMAND_CASES: dict[str, Case] = {
    "sweep_no_dir": (lambda s, t: ["sweep"], ["required", "--sweep-dir"]),
    "sweep_unknown_option": (
        lambda s, t: ["sweep", f"--sweep_dir={s}", "--seed=0"],
        ["unknown option --seed", "did you mean --seeds?"],
    ),
    "sweep_bad_int": (
        lambda s, t: ["sweep", f"--sweep-dir={s}", "--workers=x"],
        ["--workers", "invalid int value: 'x'"],
    ),
    "sweep_bad_seeds": (
        lambda s, t: ["sweep", f"--sweep_dir={s}", "--seeds=-1"],
        ["seeds", "'-1'", "ints >= 0"],
    ),
    "sweep_misspelled_override": (
        lambda s, t: ["sweep", f"--sweep-dir={s}", "--dry-run", "--", "--memroy_length=3"],
        ["override after --", "--memroy_length", "memory_length"],
    ),
    "sweep_bad_override_value": (
        lambda s, t: ["sweep", f"--sweep_dir={s}", "--dry-run", "--", "--gamma=nan"],
        ["override after --", "gamma", "finite"],
    ),
    "sweep_override_replaces_grid": (
        lambda s, t: ["sweep", f"--sweep-dir={s}", "--", "core=gru"],
        ["must not set core", "memory_length, core, seed, run_dir"],
    ),
    "report_missing_dir": (
        lambda s, t: ["report", f"--sweep_dir={t / 'nowhere'}"],
        ["sweep_dir", "existing directory", "nowhere"],
    ),
    "report_threshold_nan": (
        lambda s, t: ["report", f"--sweep-dir={s}", "--threshold=nan", "--wandb-mode=disabled"],
        ["threshold", "(0, 1]", "nan"],
    ),
    "dashboard_no_manifest": (
        lambda s, t: ["dashboard", f"--sweep_dir={t / 'nowhere'}"],
        ["sweep_dir", "sweep.json", "nowhere"],
    ),
    "gradient_flow_not_a_zip": (
        lambda s, t: ["gradient-flow", "--cores=", f"--model=x={_not_a_zip(t)}"],
        ["--model", "model.zip", "not a zip file"],
    ),
    "gradient_flow_missing_model": (
        lambda s, t: ["gradient-flow", "--cores=", f"--model=x={t / 'gone.zip'}"],
        ["--model", "gone.zip", "does not exist"],
    ),
    "gradient_flow_long": (
        lambda s, t: ["gradient-flow", "--memory_length=10000000"],
        ["memory_length", "1 .. 1,000,000", "10000000"],
    ),
    "gradient_flow_unknown_option": (
        lambda s, t: ["gradient-flow", "--memory_lenght=5"],
        ["unknown option --memory_lenght", "--memory-length"],
    ),
}


@pytest.fixture
def sweep_dir(tmp_path: Path, finished_run: Path) -> Path:
    """A sweep directory with one finished run in it."""
    sweep = tmp_path / "sweep"
    shutil.copytree(finished_run, sweep / "runs" / "TMaze-lstm-L2-s0")
    return sweep


@pytest.mark.parametrize("case", sorted(SUBCOMMAND_CASES))
def test_bad_subcommand_input_changes_nothing(case, train, sweep_dir, tmp_path, capsys):
    make_argv, expected = SUBCOMMAND_CASES[case]
    argv = make_argv(sweep_dir, tmp_path)
    assert_rejected(train, argv, expected, tmp_path, capsys)


@pytest.mark.parametrize("hidden_size", [0, -4, 2.5])
def test_api_rejects_bad_hidden_size_with_a_value_error(hidden_size):
    from envs.sb3 import make_sb3_vec_env
    from recurrent_agents import RecurrentPPO

    env = make_sb3_vec_env("TMaze", n_envs=2, seed=0, memory_length=2)
    with pytest.raises(
        ValueError, match=rf"^hidden_size must be a positive int, got {hidden_size}$"
    ):
        RecurrentPPO("MlpPolicy", env, policy_kwargs=dict(hidden_size=hidden_size))


@pytest.mark.slow
def test_a_real_process_prints_one_line_and_no_warning(run_dir):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "train.py"), *TINY, f"--run_dir={run_dir}"]
        + ["--overwrite", "--core=rnn", "--forget_bias=1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("train.py: error:"), proc.stderr
    assert (run_dir / "result.json").exists() and (run_dir / "checkpoints").is_dir()
