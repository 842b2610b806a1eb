"""bench/robustness.py: each cell trains and is evaluated with what its observations hold."""

from __future__ import annotations

import pytest

from bench.robustness import main, run_cell
from envs.wrappers import PREV_ACTION_REWARD_VALUES


@pytest.mark.parametrize("prev_action_reward", [False, True, "reward"])
def test_a_cell_is_evaluated_with_the_observation_it_trained_on(prev_action_reward) -> None:
    rows = run_cell("DelayedCue", 3, "gru", 0, 512, 2, {"n_steps": 32}, {}, prev_action_reward)
    assert [r["env_steps"] for r in rows] == [256, 512]
    assert all(0.0 <= r["greedy_success"] <= 1.0 for r in rows)


def test_prev_action_reward_values(capsys) -> None:
    assert [PREV_ACTION_REWARD_VALUES[v] for v in ("true", "false", "reward")] == [
        True,
        False,
        "reward",
    ]
    with pytest.raises(SystemExit) as exit_info:
        main(["--prev-action-reward", "bogus"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'bogus'" in capsys.readouterr().err
