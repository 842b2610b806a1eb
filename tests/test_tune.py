"""train.py tune: one Optuna study per core with the same budget, resumable, with a stand-in
train script (the real one is covered by a tiny real search in the slow suite)."""

from __future__ import annotations

import csv
import json
import textwrap
from pathlib import Path

import optuna
import pytest
import yaml

from recurrent_agents import cores
from recurrent_agents.defaults import default_learning_rate
from recurrent_agents.run.config import build_config, ppo_defaults
from recurrent_agents.study import tune

# Scores a run by its options: the higher the learning rate the better, gru a little better;
# a run of core 'broken' fails. Its config holds the options typed as train.py resolves them.
FAKE_TRAIN = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    args = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--"))
    run_dir = Path(args["run_dir"])
    run_dir.mkdir(parents=True, exist_ok=True)
    with open(run_dir.parents[3] / "calls.txt", "a") as fh:
        fh.write(" ".join(sys.argv[1:]) + "\\n")
    if args["core"] == "broken":
        sys.exit(3)
    def typed(text):
        try:
            return json.loads(text)
        except ValueError:
            return text
    config = {k: typed(v) for k, v in args.items()}
    lr = float(args["learning_rate"])
    score = min(1.0, lr * 1000) * (1.0 if args["core"] == "gru" else 0.9)
    result = {"task": args["task"], "core": args["core"], "memory_length": 5,
              "seed": int(args["seed"]), "env_steps": 1000, "eval_success_rate": score,
              "status": "finished", "config": config}
    (run_dir / "result.json").write_text(json.dumps(result))
    """
)


@pytest.fixture
def fake_train(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    script = tmp_path / "fake_train.py"
    script.write_text(FAKE_TRAIN)
    monkeypatch.setitem(cores._REGISTRY, "broken", cores.LSTMCore)
    return script


def _argv(tune_dir: Path, script: Path, *more: str) -> list[str]:
    return [
        *("--memory-length", "5", "--trials", "4", "--seeds", "0,1", "--workers", "2"),
        *("--tune-dir", str(tune_dir), "--train-script", str(script), *more),
    ]


def _studies(tune_dir: Path) -> dict[str, optuna.Study]:
    storage = f"sqlite:///{tune_dir / tune.STORAGE_FILE}"
    names = optuna.get_all_study_names(storage)
    return {name: optuna.load_study(study_name=name, storage=storage) for name in names}


def test_every_core_gets_the_same_budget_the_defaults_first_and_a_config(
    tmp_path: Path, fake_train: Path
) -> None:
    out = tmp_path / "t"
    extra = ["--", "--total_timesteps=3000"]
    assert tune.main([*_argv(out, fake_train, "--cores", "lstm,gru"), *extra]) == 0
    studies = _studies(out)
    assert sorted(studies) == ["gru", "lstm"]
    defaults = ppo_defaults()
    for core, study in studies.items():
        assert [t.state.name for t in study.trials] == ["COMPLETE"] * 4
        assert study.trials[0].params["learning_rate"] == default_learning_rate(core)
        assert study.trials[0].params["n_steps"] == defaults["n_steps"]
    calls = (out / "calls.txt").read_text().splitlines()
    assert len(calls) == 2 * 4 * 2  # cores x trials x seeds
    assert all("--total_timesteps=3000" in call for call in calls)

    best = max(studies["gru"].trials, key=lambda t: t.value)
    config = yaml.safe_load((out / "gru.yaml").read_text())
    assert config["core"] == "gru" and config["memory_length"] == 5
    assert config["total_timesteps"] == 3000
    assert config["learning_rate"] == best.params["learning_rate"]
    cfg = build_config([f"--config={out / 'gru.yaml'}"])  # a train.py config as it is
    assert (cfg.core, cfg.learning_rate) == ("gru", best.params["learning_rate"])

    rows = list(csv.DictReader((out / tune.TRIALS_FILE).open()))
    assert len(rows) == 8 and {r["core"] for r in rows} == {"lstm", "gru"}
    assert json.loads(rows[0]["scores"]).keys() == {"0", "1"}
    report = (out / tune.REPORT_FILE).read_text()
    assert "| learning_rate | log-uniform [0.0001, 0.003] |" in report
    assert "4 trials" in report and "| gru | 4 |" in report

    # rerunning the finished search runs nothing more
    assert tune.main([*_argv(out, fake_train, "--cores", "lstm,gru"), *extra]) == 0
    assert len((out / "calls.txt").read_text().splitlines()) == len(calls)


def test_the_default_trial_holds_what_each_core_trains_with() -> None:
    # Options the config leaves to the core (None) enter the first trial as RecurrentPPO
    # resolves them: the core's learning rate and actor value head (none for the RNN, whose
    # critic reads its actor's core).
    space = tune.parse_space(
        {"learning_rate": {"log": [1e-4, 3e-3]}, "actor_value_coef": {"uniform": [0.0, 1.0]}}
    )
    by_core = {core: tune.default_params(space, [], core) for core in ("lstm", "gru", "rnn")}
    assert by_core == {
        "lstm": {"learning_rate": 5e-4, "actor_value_coef": 0.25},
        "gru": {"learning_rate": 1e-3, "actor_value_coef": 0.25},
        "rnn": {"learning_rate": 5e-4, "actor_value_coef": 0.0},
    }
    given = tune.default_params(space, ["--actor_value_coef=0.5"], "gru")
    assert given["actor_value_coef"] == 0.5


def test_an_interrupted_trial_is_tried_again_and_not_counted(
    tmp_path: Path, fake_train: Path
) -> None:
    out = tmp_path / "t"
    argv = _argv(out, fake_train, "--cores", "lstm")
    assert tune.main([*argv[:3], "2", *argv[4:]]) == 0  # two trials first
    study = _studies(out)["lstm"]
    stale = study.ask(tune.load_space(None))  # left running, as by a killed invocation
    # ... whose seed-0 run had finished: it is read back, not trained again
    finished = out / "runs" / "lstm" / f"p-{tune.params_digest(stale.params)}" / "s0"
    finished.mkdir(parents=True)
    result = {"core": "lstm", "memory_length": 5, "seed": 0, "eval_success_rate": 0.125}
    (finished / "result.json").write_text(json.dumps({**result, "status": "finished"}))
    assert tune.main(argv) == 0
    trials = _studies(out)["lstm"].trials
    assert trials[stale.number].state.name == "FAIL"
    retried = trials[stale.number + 1]
    assert retried.state.name == "COMPLETE" and retried.params == stale.params
    assert retried.user_attrs["scores"]["0"] == 0.125
    assert not any(f"--run_dir={finished}" in call for call in (out / "calls.txt").open())
    assert tune.budget_used(_studies(out)["lstm"]) == 4


def test_failed_runs_use_the_budget_and_the_exit_status_says_so(
    tmp_path: Path, fake_train: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "t"
    assert tune.main(_argv(out, fake_train, "--cores", "broken", "--trials", "2")) == 1
    trials = _studies(out)["broken"].trials
    assert [t.state.name for t in trials] == ["FAIL", "FAIL"]
    assert all(tune.FAILED_RUN in t.user_attrs for t in trials)
    assert "no trial of broken completed" in capsys.readouterr().err


@pytest.mark.parametrize(
    "space,message",
    [
        ({"seed": {"int": [0, 9]}}, "space option 'seed' must be a train.py option other than"),
        ({"lerning_rate": {"log": [1e-4, 1e-3]}}, "space option 'lerning_rate' must be"),
        (
            {"learning_rate": {"log": [0, 1e-3]}},
            "log needs [low, high] with low < high and low > 0",
        ),
        ({"gamma": {"uniform": [0.99]}}, "uniform needs [low, high] with low < high, got [0.99]"),
        ({"n_steps": {"choices": []}}, "choices must be a non-empty list"),
        ({"n_steps": [64, 128]}, "must be one of {log|uniform|int: [low, high]} or {choices"),
        ({"n_steps": {"choices": [64]}, "hidden_size": {"choices": [0]}}, "hidden_size must be"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    tmp_path: Path, fake_train: Path, capsys: pytest.CaptureFixture, space: dict, message: str
) -> None:
    path = tmp_path / "space.yaml"
    path.write_text(yaml.safe_dump(space))
    out = tmp_path / "t"
    assert tune.main(_argv(out, fake_train, "--space", str(path))) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize(
    "args,message",
    [
        (["--memory-length", "0"], "memory-length must be a positive int for task TMaze, got 0"),
        (["--trials", "0"], "trials must be a positive int, got 0"),
        (["--cores", "tcn"], "or module:NAME, got tcn"),
        (["--", "--core=gru"], "overrides after -- must not set core or run_dir"),
        (["--", "--n_envs=zero"], "n_envs must be an int"),
    ],
)
def test_bad_options_are_one_line_and_write_nothing(
    tmp_path: Path, fake_train: Path, capsys: pytest.CaptureFixture, args: list, message: str
) -> None:
    out = tmp_path / "t"
    assert tune.main([*_argv(out, fake_train), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not out.exists()


def test_a_second_search_in_the_same_dir_is_refused(tmp_path: Path, fake_train: Path) -> None:
    from filelock import FileLock

    out = tmp_path / "t"
    out.mkdir()
    with FileLock(out / tune.LOCK_FILE):
        assert tune.main(_argv(out, fake_train)) == 2
    assert not (out / tune.STORAGE_FILE).exists()


@pytest.mark.slow
def test_a_tiny_real_search(tmp_path: Path) -> None:
    out = tmp_path / "t"
    tiny = ["--total_timesteps=1024", "--n_envs=4", "--batch_size=128", "--eval_episodes=8"]
    tiny += ["--checkpoint_every=0", "--video=false"]
    argv = ["--memory-length", "2", "--cores", "rnn", "--trials", "2", "--tune-dir", str(out)]
    assert tune.main([*argv, "--workers", "2", "--", *tiny]) == 0
    trials = _studies(out)["rnn"].trials
    assert [t.state.name for t in trials] == ["COMPLETE", "COMPLETE"]
    assert all(0.0 <= t.value <= 1.0 for t in trials)
    cfg = build_config([f"--config={out / 'rnn.yaml'}"])
    best = tune.best_trial(_studies(out)["rnn"])
    assert cfg.core == "rnn" and cfg.n_steps == best.params["n_steps"]
    assert cfg.total_timesteps == 1024
