"""bench/active_tmaze.py's diagnostic: the forced first step and the variant parsing."""

from __future__ import annotations

import numpy as np
import pytest

from bench.active_tmaze import LEFT, FirstActionLeft, parse_variant
from envs.sb3 import make_sb3_vec_env
from envs.tmaze import MOVES

RIGHT = MOVES.index((1, 0))


def _first_cues(p: float, episodes: int = 3) -> list[np.ndarray]:
    """The cue entry after each episode's first step when the agent always walks right."""
    env = FirstActionLeft(
        make_sb3_vec_env(
            "TMaze", n_envs=4, seed=0, monitor=False, memory_length=2, variant="active"
        ),
        p,
        seed=0,
    )
    env.reset()
    cues, first = [], True
    for _ in range(episodes * 4):  # episodes last L + 2 = 4 steps
        obs, _, dones, _ = env.step(np.full(4, RIGHT))
        if first:
            cues.append(obs[:, 0].copy())
        first = bool(dones.all())
    return cues


def test_forced_first_step_shows_the_cue_only_when_forced():
    assert all(np.all(np.abs(c) == 1) for c in _first_cues(1.0))  # every episode stepped back
    assert all(np.all(c == 0) for c in _first_cues(0.0))
    assert LEFT == 2


def test_variant_parsing():
    variant = parse_variant("forced=--first-left=0.3 --normalize_obs=false")
    assert (variant.name, variant.first_left, variant.options) == (
        "forced",
        0.3,
        ("--normalize_obs=false",),
    )
    assert parse_variant("defaults=").options == ()
    with pytest.raises(ValueError, match="NAME=OPTIONS"):
        parse_variant("no-equals-sign")
    with pytest.raises(ValueError, match="first-left must be in"):
        parse_variant("x=--first-left=1.5")
