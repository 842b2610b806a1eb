"""Every core learns both memory tasks at memory length 10 and keeps the skill (slow)."""

import numpy as np
import pytest

from envs.sb3 import make_sb3_vec_env
from recurrent_agents import RecurrentPPO

# Same settings as bench/robustness.py (seed 0), whose full grid is in bench/results/.
BUDGET = 81_920  # env steps before the first evaluation
MORE = 16_384  # further training that must not undo it


def greedy_success(model: RecurrentPPO, task: str, n_episodes: int = 100) -> float:
    """Greedy success with ``predict`` on fresh episodes (one per env; fixed-length tasks)."""
    env = make_sb3_vec_env(task, n_episodes, seed=12_345, monitor=False, memory_length=10)
    obs, state = env.reset(), None
    starts = np.ones(n_episodes, dtype=bool)
    done_once = np.zeros(n_episodes, dtype=bool)
    success = np.zeros(n_episodes, dtype=bool)
    while not done_once.all():
        action, state = model.predict(obs, state=state, episode_start=starts, deterministic=True)
        obs, _, dones, infos = env.step(action)
        for i in np.flatnonzero(dones & ~done_once):
            success[i] = infos[i]["is_success"]
        done_once |= dones
        starts = dones
    return float(success.mean())


@pytest.mark.slow
@pytest.mark.parametrize("task", ["TMaze", "DelayedCue"])
@pytest.mark.parametrize("core", ["lstm", "gru", "rnn"])
def test_core_solves_task_and_does_not_collapse(core: str, task: str) -> None:
    env = make_sb3_vec_env(task, 8, seed=0, memory_length=10)
    model = RecurrentPPO("MlpPolicy", env, policy_kwargs=dict(core=core, hidden_size=32), seed=0)
    model.learn(BUDGET)
    first = greedy_success(model, task)
    model.learn(MORE, reset_num_timesteps=False)
    after = greedy_success(model, task)
    assert first >= 0.95 and after >= 0.95, (first, after)
