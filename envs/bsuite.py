"""bsuite's memory experiments (MemoryChain) as Gymnasium envs, through the real ``bsuite``.

bsuite's own gym wrapper needs the old ``gym`` package; ``DmEnvAdapter`` is a small dm_env ->
Gymnasium adapter instead. Importing this module registers ``bsuite/MemoryLen-v0`` and
``bsuite/MemorySize-v0`` (needs the optional extra ``suite``: ``pip install -e .[suite]``)::

    python train.py --task envs.bsuite:bsuite/MemoryLen-v0 --memory_length=10
    python train.py --task envs.bsuite:bsuite/MemorySize-v0 --env_options='{"num_bits": 10}'

The env is bsuite's ``memory_len`` experiment at one of its ``memory_length`` settings
(``MEMORY_LENGTHS``, bsuite's sweep of 23 lengths): an episode lasts ``memory_length + 1`` steps,
the context bit is shown on the first, and the final action must repeat it (reward +1, else -1,
``info["is_success"]`` from that sign). bsuite runs each length for ``NUM_EPISODES`` episodes and
counts a length as learned by its own ``analysis.score`` (see ``bsuite_score``).

``bsuite/MemorySize-v0`` is bsuite's ``memory_size`` experiment at one of its ``num_bits``
settings (``NUM_BITS``, 17 of them from 1 to 40): the same chain at bsuite's fixed
``memory_length`` of 2 (3 steps), ``num_bits`` context bits shown on the first two steps, the
index of one of them (a number, not one-hot) on the last, whose bit the final action must repeat:
how much a memory holds rather than how long.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import dm_env
import gymnasium as gym
import numpy as np
from bsuite.experiments.memory_len import analysis, memory_len, sweep
from bsuite.experiments.memory_size import memory_size
from bsuite.experiments.memory_size import sweep as size_sweep
from dm_env import specs

from envs._validation import check_positive_int

ENV_ID = "bsuite/MemoryLen-v0"
SIZE_ENV_ID = "bsuite/MemorySize-v0"
#: bsuite's memory_len sweep: the 23 memory lengths, and episodes per length.
MEMORY_LENGTHS: tuple[int, ...] = tuple(s["memory_length"] for s in sweep.SETTINGS)
#: bsuite's memory_size sweep: the 17 numbers of context bits (each for the same episodes).
NUM_BITS: tuple[int, ...] = tuple(s["num_bits"] for s in size_sweep.SETTINGS)
#: bsuite's memory_size chain length, fixed for every ``num_bits`` (``memory_size.load``).
SIZE_MEMORY_LENGTH = 2
NUM_EPISODES: int = sweep.NUM_EPISODES
#: The column that names an experiment's setting in bsuite's logs, per env id.
SETTING_COLUMNS = {ENV_ID: "memory_length", SIZE_ENV_ID: "num_bits"}


def _box(spec: specs.Array) -> gym.spaces.Box:
    """The Box of a dm_env array spec (unbounded unless it is a ``BoundedArray``)."""
    if isinstance(spec, specs.BoundedArray):
        low = np.broadcast_to(spec.minimum, spec.shape)
        high = np.broadcast_to(spec.maximum, spec.shape)
        return gym.spaces.Box(low=low, high=high, shape=spec.shape, dtype=spec.dtype)
    return gym.spaces.Box(low=-np.inf, high=np.inf, shape=spec.shape, dtype=spec.dtype)


class DmEnvAdapter(gym.Env[np.ndarray, int]):
    """A dm_env environment with an array observation and ``DiscreteArray`` actions as a
    Gymnasium env.

    ``make_env(seed)`` builds the dm_env; ``reset(seed=s)`` builds a new one seeded with ``s``
    (dm_env has no reseeding). An episode's last timestep ends it as ``terminated`` when its
    discount is 0 (a true terminal) and as ``truncated`` otherwise (dm_env's ``truncation``: the
    agent should bootstrap from the final observation).
    """

    metadata = {"render_modes": []}

    def __init__(self, make_env: Callable[[int | None], dm_env.Environment]) -> None:
        self._make_env = make_env
        self._env = make_env(None)
        action_spec = self._env.action_spec()
        if not isinstance(action_spec, specs.DiscreteArray):
            raise ValueError(f"DmEnvAdapter needs DiscreteArray actions, got {action_spec!r}")
        self.observation_space = _box(self._env.observation_spec())
        self.action_space = gym.spaces.Discrete(action_spec.num_values)

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        super().reset(seed=seed)
        if seed is not None:
            self._env = self._make_env(seed)
        return np.asarray(self._env.reset().observation), {}

    def step(self, action: int) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        timestep = self._env.step(int(action))
        terminated = timestep.last() and timestep.discount == 0
        truncated = timestep.last() and not terminated
        return np.asarray(timestep.observation), float(timestep.reward), terminated, truncated, {}


class _MemoryChainEnv(DmEnvAdapter):
    """A bsuite MemoryChain experiment: ``info["is_success"]`` on the final step says whether the
    reward was +1, and ``episode_log`` (a file path) gets each finished episode's final reward,
    one line each, so that ``bsuite_score`` can count bsuite's "learned" over training."""

    def __init__(
        self, make_env: Callable[[int | None], dm_env.Environment], episode_log: str | None
    ) -> None:
        self.episode_log = None if episode_log is None else Path(episode_log)
        super().__init__(make_env)

    def step(self, action: int) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        obs, reward, terminated, truncated, info = super().step(action)
        if terminated or truncated:
            info["is_success"] = reward > 0
            if self.episode_log is not None:
                with self.episode_log.open("a") as log:
                    log.write(f"{reward:g}\n")
        return obs, reward, terminated, truncated, info


class MemoryLenEnv(_MemoryChainEnv):
    """bsuite's memory_len experiment at ``memory_length`` (bsuite's ``memory_len.load``).

    ``episode_horizon = memory_length + 1`` (every episode lasts exactly that long and ends
    ``terminated``).
    """

    def __init__(self, memory_length: int = 10, episode_log: str | None = None) -> None:
        self.memory_length = check_positive_int("memory_length", memory_length)
        self.episode_horizon = self.memory_length + 1
        super().__init__(lambda seed: memory_len.load(self.memory_length, seed=seed), episode_log)


class MemorySizeEnv(_MemoryChainEnv):
    """bsuite's memory_size experiment at ``num_bits`` (bsuite's ``memory_size.load``): recall
    the queried one of ``num_bits`` bits after ``SIZE_MEMORY_LENGTH`` steps.

    ``episode_horizon = SIZE_MEMORY_LENGTH + 1`` for every ``num_bits``.
    """

    def __init__(self, num_bits: int = 1, episode_log: str | None = None) -> None:
        self.num_bits = check_positive_int("num_bits", num_bits)
        self.memory_length = SIZE_MEMORY_LENGTH
        self.episode_horizon = SIZE_MEMORY_LENGTH + 1
        super().__init__(lambda seed: memory_size.load(self.num_bits, seed=seed), episode_log)


def read_episode_log(path: str | Path) -> np.ndarray:
    """The final rewards an ``episode_log`` holds, in the order the episodes finished."""
    text = Path(path).read_text() if Path(path).exists() else ""
    return np.array([float(line) for line in text.split()], dtype=float)


def learning_curve(setting: int, rewards: Sequence[float], group_col: str = "memory_length") -> Any:
    """bsuite's logged columns (``episode``, ``total_perfect`` and the experiment's setting,
    ``group_col``: ``memory_length`` for memory_len, ``num_bits`` for memory_size) after each of
    the first ``NUM_EPISODES`` episodes whose final rewards are ``rewards``: a pandas DataFrame
    as bsuite's analysis reads it."""
    import pandas as pd

    allowed = sorted(SETTING_COLUMNS.values())
    if group_col not in allowed:
        raise ValueError(f"group_col must be one of {', '.join(allowed)}, got {group_col!r}")
    perfect = np.cumsum(np.asarray(rewards[:NUM_EPISODES]) > 0)
    return pd.DataFrame(
        {
            "episode": np.arange(1, len(perfect) + 1),
            "total_perfect": perfect,
            group_col: setting,
        }
    )


def bsuite_score(curves: Sequence[Any], group_col: str = "memory_length") -> float:
    """bsuite's score of one agent on memory_len (``group_col="memory_length"``) or memory_size
    (``"num_bits"``): the fraction of the settings learned (bsuite's ``analysis.score`` on the
    concatenated ``learning_curve``s; a setting is learned when fewer than ``LEARNING_THRESH`` of
    bsuite's random-agent regret was incurred over its first ``NUM_EPISODES`` episodes, i.e.
    more than 62.5% of them correct; memory_size's analysis is memory_len's by ``num_bits``)."""
    import pandas as pd

    return float(analysis.score(pd.concat(list(curves), ignore_index=True), group_col=group_col))


gym.register(id=ENV_ID, entry_point="envs.bsuite:MemoryLenEnv")
gym.register(id=SIZE_ENV_ID, entry_point="envs.bsuite:MemorySizeEnv")
