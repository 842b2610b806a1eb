"""``stage_results``: one curriculum run writes every stage's result, as the run with that length
as its target would have (so one run per seed gives a whole curriculum frontier)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import torch

from recurrent_agents import RecurrentPPO
from recurrent_agents.run.config import ConfigError, build_config
from recurrent_agents.run.curriculum import MemoryCurriculum
from recurrent_agents.run.training import run_training
from recurrent_agents.study.frontier import build_cells, load_results
from tests.test_curriculum import make_vec

ROLLOUT = 4 * 8  # env steps per rollout of the unit test's model (4 envs x 8 steps)

# DelayedCue: an untrained greedy policy answers one way, right for about half the cues, so a
# greedy threshold of 0.3 passes each stage at its first judgement (the second rollout).
TINY = [
    "--task=DelayedCue",
    "--n_envs=4",
    "--n_steps=16",
    "--batch_size=32",
    "--n_epochs=1",
    "--hidden_size=8",
    "--eval_episodes=20",
    "--success_measure=greedy",
    "--curriculum_threshold=0.3",
    "--stop_at_success=0.3",
    "--checkpoint_every=0",
    "--video=false",
    "--progress=false",
    "--wandb_mode=disabled",
]


def _run(tmp_path: Path, name: str, *args: str):
    cfg = build_config([*TINY, f"--run_dir={tmp_path / name}", *args])
    return run_training(cfg)


def _stage(run_dir: Path, length: int) -> dict:
    return json.loads((run_dir / "stages" / f"L{length}" / "result.json").read_text())


def test_the_hook_gets_each_passed_stage_and_what_its_model_learned_from() -> None:
    model = RecurrentPPO(
        "MlpPolicy",
        make_vec(2, 0.0),
        n_steps=8,
        batch_size=16,
        n_epochs=1,
        seed=0,
        policy_kwargs=dict(hidden_size=8),
    )
    passed: list[tuple[int, int]] = []
    curriculum = MemoryCurriculum(
        [2, 3, 5, 12],
        lambda length: make_vec(length, 0.0),
        greedy_success=lambda length: 1.0 if length < 12 else 0.0,
        judge_at_entry=True,
        on_stage_passed=lambda length, steps, seconds: passed.append((length, steps)),
    )
    model.learn(8 * ROLLOUT, callback=curriculum)
    # Stage 2 is judged after its 2nd rollout, whose update has not happened yet: its model
    # learned from the first rollout only. 3 and 5 pass on entry with that same model; the
    # target (12) is never a stage of its own.
    assert passed == [(2, ROLLOUT), (3, ROLLOUT), (5, ROLLOUT)]
    assert curriculum.final


def test_a_stage_result_is_the_run_that_targets_that_length(tmp_path) -> None:
    whole = _run(tmp_path, "whole", "--memory_length=4", "--curriculum=2,3", "--stage_results")
    cell = _run(tmp_path, "cell", "--memory_length=3", "--curriculum=2,3")
    assert whole.curriculum_completed and cell.curriculum_completed

    stage = _stage(tmp_path / "whole", 3)
    assert stage["memory_length"] == 3 and stage["stopped_at_success"] is True
    # The same config but for the length, so the frontier files it under the same cell.
    assert stage["config"] | {"run_dir": None} == cell.config | {"run_dir": None}
    # The run for L=3 stops at the first env step of the rollout after the judged one.
    assert cell.env_steps - stage["env_steps"] in (0, 4)
    assert stage["eval_success_rate"] == cell.eval_success_rate
    stage_model = RecurrentPPO.load(stage["model_path"])
    cell_model = RecurrentPPO.load(cell.model_path)
    for a, b in zip(stage_model.policy.parameters(), cell_model.policy.parameters(), strict=True):
        assert torch.equal(a, b)

    cells = build_cells(load_results(tmp_path / "whole"))
    assert [(c.memory_length, c.regime) for c in cells] == [
        (2, "curriculum"),
        (3, "curriculum"),
        (4, "curriculum"),
    ]


def test_stages_never_passed_are_judged_with_the_final_model(tmp_path) -> None:
    # The threshold cannot be met: the budget (3 rollouts) ends in the first stage.
    result = _run(
        tmp_path,
        "r",
        "--memory_length=5",
        "--curriculum=2,3",
        "--stage_results",
        "--curriculum_threshold=1.0",
        "--total_timesteps=192",
    )
    assert not result.curriculum_completed
    for length in (2, 3):
        stage = _stage(tmp_path / "r", length)
        assert stage["stopped_at_success"] is False
        assert stage["env_steps"] == result.env_steps == 192
        assert stage["eval_episodes"] == 20 and stage["eval_success_rate"] is not None


def test_overwrite_removes_the_earlier_runs_stages(tmp_path) -> None:
    _run(tmp_path, "r", "--memory_length=4", "--curriculum=2,3", "--stage_results")
    assert (tmp_path / "r" / "stages" / "L3" / "result.json").exists()
    _run(tmp_path, "r", "--memory_length=4", "--curriculum=2,3", "--overwrite")
    assert not (tmp_path / "r" / "stages").exists()


@pytest.mark.parametrize("curriculum", [[], ["--curriculum=10"]])
def test_stage_results_without_a_stage_below_the_target_is_refused(tmp_path, curriculum) -> None:
    # train.py turns a ConfigError into one line and exit status 2 before writing anything.
    run_dir = tmp_path / "r"
    args = ["--memory_length=5", "--stage_results", f"--run_dir={run_dir}", *curriculum]
    expected = "stage_results needs a curriculum with a length below memory_length (5), got"
    with pytest.raises(ConfigError, match=re.escape(expected)):
        build_config(args)
    assert not run_dir.exists()


def test_the_w_and_b_run_holds_every_stage_and_the_report_reads_them_back(tmp_path) -> None:
    from recurrent_agents.study.frontier import load_wandb_offline

    args = ["--memory_length=4", "--curriculum=2,3", "--stage_results", "--wandb_mode=offline"]
    result = _run(tmp_path, "r", *args, "--eval_length_factor=2")
    from_files = {r.memory_length: r for r in load_results(tmp_path / "r")}
    from_wandb = {r.memory_length: r for r in load_wandb_offline(tmp_path / "r" / "wandb")}
    assert sorted(from_wandb) == sorted(from_files) == [2, 3, 4]
    for length, stage in from_files.items():
        logged = from_wandb[length]
        assert logged.eval_success_rate == stage.eval_success_rate
        assert logged.long_eval_memory_length == 2 * length
        assert logged.long_eval_success_rate == stage.long_eval_success_rate
        assert logged.regime == "curriculum" and logged.config["memory_length"] == length
    assert from_wandb[4].eval_success_rate == result.eval_success_rate
