"""bench/delay_generalisation.py: a saved model evaluated at other memory lengths."""

from __future__ import annotations

import csv

import pytest

from bench.delay_generalisation import main
from envs.sb3 import make_sb3_vec_env
from recurrent_agents import RecurrentPPO


@pytest.mark.parametrize("prev_action_reward", [False, True, "reward"])
def test_rows_per_model_and_length(tmp_path, prev_action_reward) -> None:
    env = make_sb3_vec_env("TMaze", n_envs=2, seed=0, prev_action_reward=prev_action_reward)
    path = tmp_path / "model.zip"
    RecurrentPPO("MlpPolicy", env, n_steps=8, policy_kwargs=dict(hidden_size=4)).save(path)
    out = tmp_path / "gen"
    flag = [f"--prev-action-reward={str(prev_action_reward).lower()}"]
    args = ["--task=TMaze", "--lengths=2,5", f"--model=m={path}", "--episodes=3", "--envs=3"]
    main([*args, f"--out={out}", *flag])
    rows = list(csv.DictReader((tmp_path / "gen.csv").open()))
    assert [(r["model"], r["memory_length"], r["episodes"]) for r in rows] == [
        ("m", "2", "3"),
        ("m", "5", "3"),
    ]
    # An episode of the T-maze lasts L + 1 steps, whatever the policy does.
    assert [float(r["mean_length"]) for r in rows] == [3.0, 6.0]
