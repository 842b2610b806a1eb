"""Mean and std of the return of the uniform random policy over 100 episodes (seeds 0-99), per
POPGym game, as CSV rows ``game,mean,std``:

    python bench/suite/results/held_out/random_policy.py CountRecallEasy,HigherLowerEasy,...
"""

import sys

import gymnasium as gym
import numpy as np
import popgym  # noqa: F401 - registers the popgym ids


def random_returns(game: str, episodes: int = 100) -> list[float]:
    """Returns of ``episodes`` episodes of uniformly random actions in ``popgym-{game}-v0``."""
    env = gym.make(f"popgym-{game}-v0")
    env.action_space.seed(0)
    returns = []
    for episode in range(episodes):
        env.reset(seed=episode)
        total, done = 0.0, False
        while not done:
            _, reward, terminated, truncated, _ = env.step(env.action_space.sample())
            total += float(reward)
            done = terminated or truncated
        returns.append(total)
    return returns


if __name__ == "__main__":
    for game in sys.argv[1].split(","):
        returns = random_returns(game)
        print(f"{game},{np.mean(returns):.3f},{np.std(returns):.3f}")
