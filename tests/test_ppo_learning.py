"""Every core learns both memory tasks at memory length 10 and keeps the skill (slow)."""

import pytest

from envs.sb3 import make_sb3_vec_env
from recurrent_agents import RecurrentPPO
from recurrent_agents.run.evaluation import evaluate

# Same settings as bench/robustness.py (seed 0), whose full grid is in bench/results/.
BUDGET = 65_536  # env steps before the first evaluation
MORE = 16_384  # further training that must not undo it


def greedy_success(model: RecurrentPPO, task: str, n_episodes: int = 100) -> float:
    """Greedy success with ``predict`` on fresh episodes (one per env)."""
    result = evaluate(
        model, task, {"memory_length": 10}, n_episodes, seed=12_345, n_envs=n_episodes
    )
    return result["success_rate"]


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
