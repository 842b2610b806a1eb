"""How a truncation's reward compares with the rewards that went before it, per task: the
evidence behind ``bootstrap_truncated="auto"``'s deadline rules (``DEADLINE_*`` in
``recurrent_agents/defaults.py``).

Plays 60k env steps on 8 envs with actions sampled from a trained model (a suite cell's run
directory) or uniformly at random (``random``), and counts the truncations whose reward lies
outside, by more than a tenth of the width of the run's range of going-on rewards (the margin
the rules use):
- ``out_global``: the range of every going-on step played (the first rule);
- ``out_k1`` / ``out_k4`` / ``out_k16``: the range of the episode's last 1 / 4 / 16 going-on
  steps;
- ``out_kep``: the range of the episode's going-on steps (the second rule);
- ``out_k16_jump``: the last 16 steps' range widened by their largest step-to-step change.

    PYTHONPATH=. python bench/suite/results/time_limits_auto/episode_lines.py OUT.csv \
        LABEL=RUN_DIR ... TASK[@MEMORY_LENGTH]=random ...
"""

import sys
from pathlib import Path

import numpy as np
import torch as th

import bench.suite.suite_envs  # noqa: F401  registers suite/*
from envs.sb3 import make_sb3_vec_env
from recurrent_agents import RecurrentPPO
from recurrent_agents.run.rundir import read_config
from recurrent_agents.study.frontier import write_csv

STEPS, N_ENVS, MARGIN = 60_000, 8, 0.1
WINDOWS = {"out_k1": 1, "out_k4": 4, "out_k16": 16, "out_kep": None}


def play(task: str, memory_length: int | None, prev_action_reward, model) -> tuple[list, list]:
    """Each truncation's reward with its episode's going-on rewards, and every going-on reward."""
    kwargs = {"memory_length": memory_length} if memory_length else {}
    env = make_sb3_vec_env(
        task, N_ENVS, seed=123, monitor=False, prev_action_reward=prev_action_reward, **kwargs
    )
    env.action_space.seed(0)
    th.manual_seed(0)  # the model's sampled actions
    obs, state, starts = env.reset(), None, np.ones(N_ENVS, dtype=bool)
    episodes = [[] for _ in range(N_ENVS)]
    truncations, going_on = [], []
    for _ in range(STEPS // N_ENVS):
        if model is None:
            actions = np.array([env.action_space.sample() for _ in range(N_ENVS)])
        else:
            actions, state = model.predict(obs, state=state, episode_start=starts)
        obs, rewards, dones, infos = env.step(actions)
        for i in range(N_ENVS):
            if not dones[i]:
                episodes[i].append(float(rewards[i]))
                going_on.append(float(rewards[i]))
                continue
            if infos[i].get("TimeLimit.truncated", False):
                truncations.append((float(rewards[i]), episodes[i]))
            episodes[i] = []
        starts = dones
    env.close()
    return truncations, going_on


def outside(paid: float, rewards: list[float], margin: float, slack: float = 0.0) -> bool:
    return paid < min(rewards) - margin - slack or paid > max(rewards) + margin + slack


def row(label: str, source: str) -> dict[str, object]:
    if source == "random":
        task, _, length = label.partition("@")
        memory_length, prev_action_reward, model = int(length) if length else None, "auto", None
    else:
        cfg = read_config(source)
        if cfg is None:
            raise SystemExit(f"no run config in {source}")
        task, memory_length = cfg["task"], cfg["memory_length"]
        prev_action_reward = cfg["prev_action_reward"]
        model = RecurrentPPO.load(f"{source}/model.zip", device="cpu")
    truncations, going_on = play(task, memory_length, prev_action_reward, model)
    low, high = min(going_on), max(going_on)
    margin = MARGIN * (high - low) + 1e-6
    result: dict[str, object] = {
        "task": task if model is not None else label,
        "policy": "random" if model is None else source.rstrip("/").split("/")[-1],
        "truncations": len(truncations),
        "going_on_low": round(low, 4),
        "going_on_high": round(high, 4),
        "out_global": sum(outside(paid, going_on, margin) for paid, _ in truncations),
    }
    for key, window in WINDOWS.items():
        recent = [(paid, steps[-window:] if window else steps) for paid, steps in truncations]
        result[key] = sum(outside(paid, steps, margin) for paid, steps in recent if steps)
    jumps = 0
    for paid, steps in truncations:
        last = steps[-16:]
        if len(last) >= 2:
            jump = float(np.max(np.abs(np.diff(last))))
            jumps += outside(paid, last, margin, jump)
    result["out_k16_jump"] = jumps
    return result


def main(out: str, specs: list[str]) -> None:
    rows = []
    for spec in specs:
        label, source = spec.split("=", 1)
        rows.append(row(label, source))
        print(rows[-1], flush=True)
    write_csv(rows, Path(out), columns=list(rows[0]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
