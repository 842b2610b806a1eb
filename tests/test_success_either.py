"""``success_measure="either"``: the training window's stop, and spaced greedy judgements too."""

from __future__ import annotations

from recurrent_agents.run import training
from recurrent_agents.run.callbacks import GREEDY_JUDGEMENT_SHARE, TrainingCallback
from recurrent_agents.run.config import build_config
from tests.test_success_measure import ROLLOUT, small_model

#: Env steps of one judgement's episodes worth three rollouts of training at the share.
THREE_ROLLOUTS_SHARE = round(3 * ROLLOUT * GREEDY_JUDGEMENT_SHARE)


def spaced_run(p_success: float, scores: list[float]) -> tuple[TrainingCallback, list[int]]:
    model = small_model(p_success)
    measured_at: list[int] = []
    remaining = iter(scores)

    def spaced_greedy_success() -> tuple[float, int]:
        measured_at.append(model.num_timesteps)
        return next(remaining, 0.0), THREE_ROLLOUTS_SHARE

    callback = TrainingCallback(
        total_timesteps=12 * ROLLOUT,
        stop_at_success=0.95,
        spaced_greedy_success=spaced_greedy_success,
    )
    model.learn(12 * ROLLOUT, callback=callback)
    return callback, measured_at


def test_greedy_passes_twice_in_a_row_stop_a_run_whose_sampled_episodes_all_fail() -> None:
    # Judged from the second rollout on (after an update), spaced after the miss, at once
    # after the pass.
    callback, measured_at = spaced_run(p_success=0.0, scores=[0.5, 1.0, 0.97])
    assert measured_at == [ROLLOUT, 4 * ROLLOUT, 5 * ROLLOUT]
    assert callback.stopped_at == 5 * ROLLOUT and callback.stopped_by == "success"


def test_one_greedy_pass_is_not_a_stop() -> None:
    callback, measured_at = spaced_run(p_success=0.0, scores=[1.0, 0.9, 1.0, 0.94])
    assert measured_at == [ROLLOUT, 2 * ROLLOUT, 5 * ROLLOUT, 6 * ROLLOUT, 9 * ROLLOUT]
    assert callback.stopped_at is None


def test_the_training_window_still_stops_the_run_between_judgements() -> None:
    # Every sampled episode succeeds: the window fills (100 episodes) and stops the run before
    # the greedy judgements, which all miss, could.
    callback, measured_at = spaced_run(p_success=1.0, scores=[])
    assert callback.stopped_by == "success"
    assert callback.stopped_at is not None and callback.stopped_at < 12 * ROLLOUT
    assert all(step < callback.stopped_at for step in measured_at)


def test_a_task_that_reports_no_success_is_judged_once() -> None:
    model = small_model(p_success=0.0)
    measured_at: list[int] = []

    def no_success() -> tuple[float | None, int]:
        measured_at.append(model.num_timesteps)
        return None, 0

    callback = TrainingCallback(
        total_timesteps=8 * ROLLOUT, stop_at_success=0.95, spaced_greedy_success=no_success
    )
    model.learn(8 * ROLLOUT, callback=callback)
    assert measured_at == [ROLLOUT] and callback.stopped_at is None


def test_either_keeps_the_greedy_confirmation_of_training_stops() -> None:
    model = small_model(p_success=1.0)
    cfg = build_config(["--success_measure=either"])
    assert training._stop_confirmation(cfg, model) is not None
    assert training._spaced_greedy_success(cfg, model) is not None
    assert training._greedy_success_probe(cfg, model) is None  # not after every update
    unstopped = build_config(["--success_measure=either", "--stop_at_success=None"])
    assert training._spaced_greedy_success(unstopped, model) is None
    assert training._spaced_greedy_success(build_config([]), model) is None


def test_a_run_stops_solved_on_spaced_greedy_episodes(tmp_path, monkeypatch) -> None:
    # The T-maze's sampled success stays near chance over this short budget; fresh greedy
    # episodes (here: 100 that all succeed, 300 env steps) stop it after two judgements.
    asked: list[int] = []

    def fresh_greedy_episodes(cfg, model, memory_length=None):
        asked.append(model.num_timesteps)
        return {"success_rate": 1.0, "mean_length": 3.0, "episodes": 100}

    monkeypatch.setattr(training, "_fresh_greedy_episodes", fresh_greedy_episodes)
    args = ["--task=TMaze", "--memory_length=2", "--hidden_size=8", "--n_steps=16"]
    args += ["--batch_size=64", "--n_epochs=1", "--total_timesteps=4096", "--eval_episodes=8"]
    args += ["--video=false", "--checkpoint_every=0", "--wandb_mode=disabled"]
    args += ["--success_measure=either", f"--run_dir={tmp_path / 'run'}"]
    result = training.run_training(build_config(args))
    rollout = 16 * 8
    assert asked == [rollout, 2 * rollout]
    assert result.stopped_at_success is True and result.env_steps == 2 * rollout + 8


def test_the_greedy_judgements_leave_training_as_it_was(tmp_path, monkeypatch) -> None:
    # "either" changes when a run ends, not what it learns: seeded runs with and without the
    # judgements (real ones, all missing at L=20 in 1k env steps) end with the same parameters.
    import torch

    from recurrent_agents import RecurrentPPO

    real = training._fresh_greedy_episodes
    asked: list[int] = []

    def counted(cfg, model, memory_length=None):
        asked.append(model.num_timesteps)
        return real(cfg, model, memory_length)

    monkeypatch.setattr(training, "_fresh_greedy_episodes", counted)
    args = ["--task=TMaze", "--memory_length=20", "--hidden_size=8", "--n_steps=32"]
    args += ["--batch_size=64", "--n_epochs=1", "--total_timesteps=1024", "--eval_episodes=4"]
    args += ["--video=false", "--checkpoint_every=0", "--wandb_mode=disabled"]
    params = {}
    for measure in ("training", "either"):
        run_dir = tmp_path / measure
        training.run_training(
            build_config([*args, f"--success_measure={measure}", f"--run_dir={run_dir}"])
        )
        params[measure] = RecurrentPPO.load(run_dir / "model.zip").policy.state_dict()
    assert asked, "no greedy judgement was made"
    for name, tensor in params["training"].items():
        assert torch.equal(tensor, params["either"][name]), name
