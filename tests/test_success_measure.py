"""``success_measure="greedy"``: the curriculum and the early stop judged by greedy episodes."""

from __future__ import annotations

import json

import pytest

from recurrent_agents import RecurrentPPO
from recurrent_agents.run.callbacks import TrainingCallback
from recurrent_agents.run.config import ConfigError, build_config
from recurrent_agents.run.curriculum import MemoryCurriculum
from tests.test_curriculum import make_vec

ROLLOUT = 4 * 8  # env steps per rollout of the models below (4 envs x 8 steps)


def small_model(p_success: float) -> RecurrentPPO:
    # One epoch per update: these tests are about when training is judged, not learning.
    return RecurrentPPO(
        "MlpPolicy",
        make_vec(2, p_success),
        n_steps=8,
        batch_size=16,
        n_epochs=1,
        seed=0,
        policy_kwargs=dict(hidden_size=8),
    )


def test_curriculum_advances_on_greedy_success_from_a_stages_second_rollout() -> None:
    # Every training episode fails: only the greedy measure can move the stages on.
    model = small_model(p_success=0.0)
    calls: list[tuple[int, int]] = []

    def greedy_success(length: int) -> float:
        calls.append((length, model.num_timesteps))
        return 1.0

    curriculum = MemoryCurriculum(
        [2, 5, 12],
        lambda length: make_vec(length, 0.0),
        threshold=0.95,
        min_rollout=lambda length: length + 2,
        greedy_success=greedy_success,
    )
    model.learn(8 * ROLLOUT, callback=curriculum)
    assert curriculum.final and curriculum.memory_length == 12
    # Judged after a stage's 2nd rollout: stage 2 after rollouts 1-2, stage 5 after 3-4 (its
    # episodes fit in the 8-step rollouts, so they do not grow before stage 12).
    assert calls == [(2, 2 * ROLLOUT), (5, 4 * ROLLOUT)]
    assert [h["env_steps"] for h in curriculum.history] == [0, 2 * ROLLOUT, 4 * ROLLOUT]


def test_curriculum_stays_below_the_greedy_threshold_whatever_training_success() -> None:
    model = small_model(p_success=1.0)
    curriculum = MemoryCurriculum(
        [2, 5], lambda length: make_vec(length, 1.0), threshold=0.95, greedy_success=lambda _: 0.9
    )
    model.learn(10 * ROLLOUT, callback=curriculum)
    assert curriculum.stage == 0 and len(curriculum.history) == 1
    assert list(model.ep_success_buffer).count(True) == 100  # training success alone would move


@pytest.mark.parametrize(
    ("p_success", "greedy", "stops_at"), [(0.0, 1.0, ROLLOUT), (1.0, 0.5, None)]
)
def test_early_stop_uses_greedy_success_after_one_update(p_success, greedy, stops_at) -> None:
    model = small_model(p_success)
    measured_at: list[int] = []

    def greedy_success() -> float:
        measured_at.append(model.num_timesteps)
        return greedy

    callback = TrainingCallback(
        total_timesteps=6 * ROLLOUT, stop_at_success=0.95, greedy_success=greedy_success
    )
    model.learn(6 * ROLLOUT, callback=callback)
    assert callback.stopped_at == stops_at
    # Measured at the start of every rollout but the first (right after each update).
    expected = [ROLLOUT] if stops_at else [k * ROLLOUT for k in range(1, 6)]
    assert measured_at == expected


def test_early_stop_waits_for_an_update_in_the_allowed_phase() -> None:
    model = small_model(p_success=0.0)
    allowed_from = 3 * ROLLOUT  # e.g. a curriculum's last stage begins here
    callback = TrainingCallback(
        total_timesteps=10 * ROLLOUT,
        stop_at_success=0.95,
        stop_allowed=lambda: model.num_timesteps >= allowed_from,
        greedy_success=lambda: 1.0,
    )
    model.learn(10 * ROLLOUT, callback=callback)
    assert callback.stopped_at == allowed_from + ROLLOUT


def test_judge_at_entry_passes_stages_the_model_already_solves_untrained() -> None:
    # Lengths up to 5 are solved only after an update on them; longer ones already at entry
    # (a memory that holds beyond its training length).
    model = small_model(p_success=0.0)
    calls: list[tuple[int, int]] = []

    def greedy_success(length: int) -> float:
        calls.append((length, model.num_timesteps))
        return 1.0 if length > 5 or len(calls) > 1 else 0.0

    curriculum = MemoryCurriculum(
        [2, 6, 7, 12],
        lambda length: make_vec(length, 0.0),
        min_rollout=lambda length: length + 2,
        greedy_success=greedy_success,
        judge_at_entry=True,
    )
    model.learn(6 * ROLLOUT, callback=curriculum)
    # Stage 2: not judged at entry (the first stage), failed after rollout 2, passed after 3;
    # then 6 and 7 passed on entry at once, with no rollout of their own; 12 is the target.
    assert calls == [(2, 2 * ROLLOUT), (2, 3 * ROLLOUT), (6, 3 * ROLLOUT), (7, 3 * ROLLOUT)]
    assert [h["memory_length"] for h in curriculum.history] == [2, 6, 7, 12]
    assert curriculum.final


def test_early_stop_with_judge_at_entry_is_measured_before_the_first_update() -> None:
    model = small_model(p_success=0.0)
    allowed_from = 3 * ROLLOUT
    measured_at: list[int] = []

    def greedy_success() -> float:
        measured_at.append(model.num_timesteps)
        return 1.0

    callback = TrainingCallback(
        total_timesteps=10 * ROLLOUT,
        stop_at_success=0.95,
        stop_allowed=lambda: model.num_timesteps >= allowed_from,
        greedy_success=greedy_success,
        judge_at_entry=True,
    )
    model.learn(10 * ROLLOUT, callback=callback)
    assert measured_at == [allowed_from] and callback.stopped_at == allowed_from


def test_judge_at_entry_needs_the_greedy_measure_and_a_known_value() -> None:
    with pytest.raises(ConfigError, match="judge_at_entry=target needs success_measure=greedy"):
        build_config(["--judge_at_entry=target"])
    with pytest.raises(ConfigError, match="judge_at_entry must be one of none, target, all"):
        build_config(["--judge_at_entry=true", "--success_measure=greedy"])
    cfg = build_config(["--judge_at_entry=all", "--success_measure=greedy"])
    assert cfg.judge_at_entry == "all" and build_config([]).judge_at_entry == "none"


def test_bad_success_measure_is_rejected() -> None:
    with pytest.raises(
        ConfigError, match="success_measure must be one of training, greedy, either, got 'best'"
    ):
        build_config(["--success_measure=best"])
    assert build_config([]).success_measure == "training"


@pytest.mark.slow
def test_train_py_curriculum_and_stop_on_greedy_success(tmp_path) -> None:
    from tests.test_train import _train

    run_dir = tmp_path / "run"
    args = ["--task=TMaze", "--memory_length=10", "--curriculum=4", "--success_measure=greedy"]
    args += ["--stop_at_success=0.95", "--total_timesteps=300000", f"--run_dir={run_dir}"]
    done = _train([*args, "--video=false", "--checkpoint_every=0", "--wandb_mode=disabled"])
    assert done.returncode == 0, done.stderr
    result = json.loads((run_dir / "result.json").read_text())
    assert result["stopped_at_success"] and result["curriculum_completed"]
    assert result["eval_success_rate"] >= 0.95  # the greedy measure's verdict holds on new seeds
    assert result["env_steps"] < 300_000


@pytest.mark.parametrize(("value", "stages_judged"), [("target", False), ("all", True)])
def test_judge_at_entry_target_leaves_the_curriculum_stages_to_training(value, stages_judged):
    from recurrent_agents.run.training import _build_curriculum, make_env, new_model

    options = ["--task=TMaze", "--memory_length=10", "--curriculum=4", "--hidden_size=8"]
    cfg = build_config([*options, "--success_measure=greedy", f"--judge_at_entry={value}"])
    model = new_model(cfg, make_env(cfg, cfg.seed, 4))
    curriculum = _build_curriculum(cfg, model, [4, 10], 0, None, 0.0)
    assert curriculum.judge_at_entry == stages_judged


@pytest.mark.slow
def test_train_py_judge_at_entry_target_stops_without_training_at_the_target(tmp_path) -> None:
    from tests.test_train import _train

    run_dir = tmp_path / "run"
    args = ["--task=TMaze", "--memory_length=10", "--curriculum=8", "--success_measure=greedy"]
    args += ["--judge_at_entry=target", "--stop_at_success=0.95", "--total_timesteps=300000"]
    args += [f"--run_dir={run_dir}", "--video=false", "--checkpoint_every=0"]
    done = _train([*args, "--wandb_mode=disabled"])
    assert done.returncode == 0, done.stderr
    result = json.loads((run_dir / "result.json").read_text())
    # The L=8 model already solves L=10: judged on entering it, it stops there, untrained at 10.
    assert result["stopped_at_success"] and result["curriculum_completed"]
    # (SB3 steps the 8 envs once before a callback can end the rollout; no update follows.)
    assert result["env_steps"] == result["curriculum"][-1]["env_steps"] + 8
    assert result["eval_success_rate"] >= 0.95


def test_training_success_stop_waits_for_greedy_confirmation_once_per_update() -> None:
    # Training episodes all succeed; the greedy policy fails twice, then confirms.
    model = small_model(p_success=1.0)
    measured_at: list[int] = []

    def confirm() -> float:
        measured_at.append(model.num_timesteps)
        return 1.0 if len(measured_at) > 2 else 0.0

    callback = TrainingCallback(
        total_timesteps=40 * ROLLOUT, stop_at_success=0.95, confirm_success=confirm
    )
    model.learn(40 * ROLLOUT, callback=callback)
    first = measured_at[0]  # the step the 100-episode window first read >= 95%
    # Refused twice; tried once more after each of the next two updates, not on every step.
    assert [steps for steps, _, _ in callback.refused_stops] == measured_at[:2]
    assert [greedy for _, _, greedy in callback.refused_stops] == [0.0, 0.0]
    assert all(train >= 0.95 for _, train, _ in callback.refused_stops)
    rollouts = [(steps - 1) // ROLLOUT for steps in measured_at]
    assert rollouts == [(first - 1) // ROLLOUT + k for k in range(3)]
    assert callback.stopped_at == measured_at[-1]


def test_confirmed_training_success_stops_where_training_success_alone_does() -> None:
    stops = []
    for confirm in (None, lambda: 1.0):
        model = small_model(p_success=1.0)
        callback = TrainingCallback(
            total_timesteps=40 * ROLLOUT, stop_at_success=0.95, confirm_success=confirm
        )
        model.learn(40 * ROLLOUT, callback=callback)
        stops.append(callback.stopped_at)
    assert stops[0] is not None and stops[0] == stops[1]
    assert not callback.refused_stops


@pytest.mark.parametrize(
    ("options", "greedy", "stops", "confirmed"),
    [([], 0.0, False, True), ([], 1.0, True, True), (["--confirm_stop=false"], 0.0, True, False)],
)
def test_train_py_confirms_a_training_success_stop_greedily(
    tmp_path, monkeypatch, capsys, options, greedy, stops, confirmed
) -> None:
    from recurrent_agents.run import training

    asked: list[int] = []

    def fake_greedy_success(cfg, model):
        def greedy_success(memory_length=None):
            asked.append(model.num_timesteps)
            return greedy

        return greedy_success

    monkeypatch.setattr(training, "_greedy_success", fake_greedy_success)
    args = ["--task=DelayedCue", "--memory_length=2", "--hidden_size=8", "--n_steps=16"]
    args += ["--batch_size=64", "--n_epochs=1"]
    # A random policy succeeds on half the episodes: the window reaches 0.3 at once.
    args += ["--stop_at_success=0.3", "--total_timesteps=1024", "--eval_episodes=8"]
    args += ["--video=false", "--checkpoint_every=0", "--wandb_mode=disabled"]
    cfg = build_config([*args, f"--run_dir={tmp_path / 'run'}", *options])
    result = training.run_training(cfg)
    assert result.stopped_at_success is stops
    assert bool(asked) is confirmed
    if stops:
        assert result.env_steps < 1024 and result.refused_stops is None
    else:
        assert result.env_steps >= 1024
        # Asked once per update once the window was full, each refusal recorded.
        assert len(asked) == len(set(asked)) == len(result.refused_stops) > 1
        assert all(r["greedy_success"] == 0.0 for r in result.refused_stops)
        assert "not taken: the greedy policy fell short" in capsys.readouterr().err
        saved = json.loads((tmp_path / "run" / "result.json").read_text())
        assert saved["refused_stops"] == result.refused_stops
