"""How a model's greedy episodes of PositionOnlyCartPole end: the length and the cart-pole
state (x, x_dot, theta, theta_dot) on the last step before the end.

    python bench/suite/results/diagnosis/pocp_easy_greedy/episode_ends.py RUN_DIR/model.zip
"""

from __future__ import annotations

import argparse

import numpy as np

from envs.sb3 import make_sb3_vec_env
from recurrent_agents import RecurrentPPO

TASK = "popgym:popgym-PositionOnlyCartPoleEasy-v0"


def cartpole_of(vec_env):
    """The gymnasium CartPole inside the suite's one-env vector env (it holds ``state``)."""
    inner = vec_env.venv
    while not hasattr(inner, "envs"):
        inner = getattr(inner, "env", None) or inner.venv
    env = inner.envs[0].unwrapped
    while not hasattr(env, "state") and hasattr(env, "env"):
        env = env.env
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--episodes", type=int, default=6)
    args = parser.parse_args()
    model = RecurrentPPO.load(args.model, device="cpu")
    env = make_sb3_vec_env(TASK, n_envs=1, seed=99, monitor=False, prev_action_reward="reward")
    cartpole = cartpole_of(env)
    for _ in range(args.episodes):
        obs, state, start, steps = env.reset(), None, np.ones(1, dtype=bool), 0
        while True:
            action, state = model.predict(obs, state=state, episode_start=start, deterministic=True)
            last_state = np.array(cartpole.state)
            obs, _, start, _ = env.step(action)
            steps += 1
            if start[0]:
                print(f"length {steps}: x, x_dot, theta, theta_dot = {last_state.round(2)}")
                break


if __name__ == "__main__":
    main()
