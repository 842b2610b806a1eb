"""bench/update_cliff.py: the update that made a solved policy fail, and its fractions."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import update_cliff  # noqa: E402

TINY = ["--task=TMaze", "--memory_length=2", "--n_envs=2", "--n_steps=16", "--batch_size=32"]
TINY += ["--hidden_size=8", "--learning_rate=0.05", "--wandb_mode=disabled"]


def test_the_collapse_is_the_first_drop_from_solved_to_lost():
    successes = {10: 0.5, 20: 1.0, 30: 0.97, 40: 0.5, 50: 1.0, 60: 0.4}
    assert update_cliff.first_collapse(successes, solved=0.95, lost=0.6) == 40
    assert update_cliff.first_collapse({10: 1.0, 20: 0.8, 30: 0.5}, 0.95, 0.6) is None


def test_flips_are_counted_from_the_first_solved_policy_on():
    successes = {10: 0.5, 20: 1.0, 30: 0.97, 40: 0.5, 50: 1.0, 60: 0.4, 70: 0.8}
    counts = update_cliff.flip_counts(successes, solved=0.95, lost=0.6)
    assert counts["first_solved_env_steps"] == 20
    assert counts["policies_from_first_solved"] == 6
    assert counts["solved_fraction_from_first_solved"] == pytest.approx(3 / 6)
    assert counts["solved_then_lost"] == 2
    never = update_cliff.flip_counts({10: 0.5, 20: 0.4}, solved=0.95, lost=0.6)
    assert never["first_solved_env_steps"] is None and never["solved_then_lost"] == 0


@pytest.mark.parametrize(
    "options, message",
    [
        (["--from-step=50", "--to-step=10"], "need 0 <= --from-step < --to-step"),
        (["--from-step=0", "--to-step=10", "--episodes=0"], "--episodes must be >= 1"),
        (["--from-step=0", "--to-step=10", "--lost=0.9", "--solved=0.5"], "need 0 <= --lost"),
    ],
)
def test_bad_options_exit_2_before_writing(tmp_path, capsys, options, message):
    with pytest.raises(SystemExit) as exc:
        update_cliff.main([str(tmp_path / "out"), *options])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_every_kept_policy_is_evaluated(tmp_path):
    out = tmp_path / "out"
    argv = [str(out), "--from-step=32", "--to-step=320", "--episodes=8", *TINY]
    assert update_cliff.main(argv) == 0
    rows = list(csv.DictReader(open(out / "updates.csv")))
    assert [int(r["env_steps"]) for r in rows] == list(range(32, 321, 32))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["policies"] == len(rows)


def test_the_fractions_run_from_the_policy_before_to_its_core_after():
    import copy

    import torch as th

    from recurrent_agents.run.config import build_config

    cfg = build_config(TINY)
    model, kept = update_cliff.train_keeping_policies(cfg, 64, 320)
    before, after = kept[64], kept[320]
    fractions = update_cliff.core_fractions(model, before, after, cfg, episodes=8)
    assert len(fractions) == len(update_cliff.ALPHAS) == 21
    model.policy.load_state_dict(before)
    log_probs, success = update_cliff.last_decisions(cfg, model, 8)
    assert fractions[0] == pytest.approx((success.mean(), log_probs.max(1).mean()))
    mixed = copy.deepcopy(before)  # the rest as before, the actor core as after
    model.policy.load_state_dict(after)
    core = {id(p) for p in model.policy.core_actor.parameters()}
    core_after = {
        n: p.detach().clone() for n, p in model.policy.named_parameters() if id(p) in core
    }
    model.policy.load_state_dict(mixed)
    with th.no_grad():
        for name, param in model.policy.named_parameters():
            if name in core_after:
                param.copy_(core_after[name])
    assert fractions[-1][0] == update_cliff.last_decisions(cfg, model, 8)[1].mean()
    assert all(log_prob <= 0 for _, log_prob in fractions)
