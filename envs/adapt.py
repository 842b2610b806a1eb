"""Observations an SB3 policy can take, from any Gymnasium observation space.

SB3's policies take a ``Box`` (a vector or an image) or a ``Dict`` of them. Many Gymnasium envs
observe ``Discrete``, ``MultiDiscrete``, ``Tuple`` or nested ``Dict`` spaces instead, and some
hold text (MiniGrid's ``mission``). ``adapt_observations(env)`` wraps such an env:

- numeric leaves (``Box``, ``Discrete``, ``MultiDiscrete``, ``MultiBinary``) are flattened into
  one float32 vector, ``Discrete`` and ``MultiDiscrete`` one-hot (``gymnasium.spaces.flatten``);
- a MiniGrid grid view (its ``image``: an object, colour and state code per cell, stored as a
  uint8 ``Box`` that looks like intensities) is one-hot per cell and channel: standardised as
  numbers, codes such as "key" (5) and "ball" (6) would differ by a small shift, and a policy fed
  them stays at chance on MiniGrid's memory rooms;
- with ``keep_images``, images big enough for SB3's ``NatureCNN`` stay images: the observation is
  then a ``Dict`` of the images and ``"vector"`` (the rest), for a ``MultiInputPolicy``;
- other leaves (``Text``, ``Graph``, ``Sequence``, MiniGrid's ``MissionSpace``) are dropped.

A ``Box`` observation is left as it is, but for a MiniGrid view alone (``ImgObsWrapper``).

>>> import gymnasium as gym, minigrid
>>> env = adapt_observations(gym.make("MiniGrid-MemoryS7-v0"))
>>> env.observation_space.shape  # the direction (one-hot), the 7x7 view one-hot; no mission
(1033,)
"""

from __future__ import annotations

import sys
from collections.abc import Hashable, Iterator
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from stable_baselines3.common.preprocessing import is_image_space, is_image_space_channels_first

__all__ = ["VECTOR_KEY", "AdaptObservation", "adapt_observations", "needs_adapting"]

#: The key of the flattened non-image part of a ``Dict`` observation with images.
VECTOR_KEY = "vector"
#: The smallest image side NatureCNN takes (8x8 stride 4, 4x4 stride 2, 3x3 stride 1 filters);
#: smaller images (MiniGrid's 7x7 view) are flattened into the vector.
MIN_IMAGE_SIDE = 36
_NUMERIC = (spaces.Box, spaces.Discrete, spaces.MultiDiscrete, spaces.MultiBinary)

Path = tuple[Hashable, ...]


def needs_adapting(space: spaces.Space) -> bool:
    """Whether SB3 needs ``space`` adapted (every observation space but a ``Box``)."""
    return not isinstance(space, spaces.Box)


def _leaves(space: spaces.Space, path: Path = ()) -> Iterator[tuple[Path, spaces.Space]]:
    """Every non-composite subspace of ``space`` with its path of Dict keys / Tuple indices."""
    if isinstance(space, spaces.Dict):
        for key, subspace in space.spaces.items():
            yield from _leaves(subspace, (*path, key))
    elif isinstance(space, spaces.Tuple):
        for index, subspace in enumerate(space.spaces):
            yield from _leaves(subspace, (*path, index))
    else:
        yield path, space


def _is_cnn_image(space: spaces.Space) -> bool:
    """A uint8 image (channels first or last) that NatureCNN can take."""
    if not is_image_space(space, check_channels=True):
        return False
    sides = space.shape[1:] if is_image_space_channels_first(space) else space.shape[:2]
    return min(sides) >= MIN_IMAGE_SIDE


def _minigrid_view(env: gym.Env) -> tuple[Path, tuple[int, ...]] | None:
    """The path of ``env``'s MiniGrid grid view of codes (partial or full) and how many codes
    each of its channels (object type, colour, state) has, if it has such a view.

    An RGB rendering of the view (``RGBImgObsWrapper``) or a view already one-hot has another
    shape, so it is left as it is."""
    minigrid_env = sys.modules.get("minigrid.minigrid_env")
    unwrapped = env.unwrapped
    if minigrid_env is None or not isinstance(unwrapped, minigrid_env.MiniGridEnv):
        return None
    from minigrid.core.constants import COLOR_TO_IDX, OBJECT_TO_IDX, STATE_TO_IDX

    # The state channel holds a door's state and, in a fully observed grid, the agent's
    # direction (0-3).
    sizes = (len(OBJECT_TO_IDX), len(COLOR_TO_IDX), max(len(STATE_TO_IDX), 4))
    space = env.observation_space
    # minigrid's ImgObsWrapper observes the view alone
    path: Path = ("image",) if isinstance(space, spaces.Dict) else ()
    view = space.spaces.get("image") if path else space
    grids = {(unwrapped.agent_view_size,) * 2, (unwrapped.width, unwrapped.height)}
    if isinstance(view, spaces.Box) and view.shape[2:] == (len(sizes),) and view.shape[:2] in grids:
        return path, sizes
    return None


def _one_hot_codes(codes: np.ndarray, sizes: tuple[int, ...]) -> np.ndarray:
    """``codes`` (..., channels) as one-hot float32 (..., sum(sizes)), channel by channel."""
    offsets = np.cumsum((0, *sizes[:-1]))
    out = np.zeros((*codes.shape[:-1], sum(sizes)), np.float32)
    np.put_along_axis(out, codes.astype(np.int64) + offsets, 1.0, axis=-1)
    return out


def _float32_box(box: spaces.Box) -> spaces.Box:
    return spaces.Box(box.low.astype(np.float32), box.high.astype(np.float32), dtype=np.float32)


def _at(obs: Any, path: Path) -> Any:
    for key in path:
        obs = obs[key]
    return obs


class AdaptObservation(gym.ObservationWrapper, gym.utils.RecordConstructorArgs):
    """An env whose observations are a float32 vector, or with ``keep_images`` and images big
    enough for a CNN a ``Dict`` of those images and ``VECTOR_KEY`` (see the module docstring).

    Raises:
        ValueError: the observation space has no numeric part.
    """

    def __init__(self, env: gym.Env, keep_images: bool = False) -> None:
        gym.utils.RecordConstructorArgs.__init__(self, keep_images=keep_images)
        gym.ObservationWrapper.__init__(self, env)
        leaves = [(p, s) for p, s in _leaves(env.observation_space) if isinstance(s, _NUMERIC)]
        if not leaves:
            raise ValueError(
                f"observation space must hold a Box, Discrete, MultiDiscrete or MultiBinary "
                f"part, got {env.observation_space}"
            )
        self._images = [(p, s) for p, s in leaves if keep_images and _is_cnn_image(s)]
        self._vector = [(p, s) for p, s in leaves if not (keep_images and _is_cnn_image(s))]
        self._codes = _minigrid_view(env)
        self._vector = [(p, self._one_hot_space(p, s)) for p, s in self._vector]
        self._vector_space = spaces.Tuple([s for _, s in self._vector])
        vector = _float32_box(spaces.flatten_space(self._vector_space)) if self._vector else None
        if not self._images:
            self.observation_space = vector
            return
        # "/" joins nested keys: torch module names (CombinedExtractor's) may not contain ".".
        parts = {"/".join(map(str, p)): s for p, s in self._images}
        self.observation_space = spaces.Dict(parts | ({VECTOR_KEY: vector} if vector else {}))

    def _one_hot_space(self, path: Path, space: spaces.Space) -> spaces.Space:
        if self._codes is None or path != self._codes[0]:
            return space
        return spaces.Box(0.0, 1.0, (*space.shape[:-1], sum(self._codes[1])), np.float32)

    def _value(self, observation: Any, path: Path) -> Any:
        value = _at(observation, path)
        if self._codes is None or path != self._codes[0]:
            return value
        return _one_hot_codes(value, self._codes[1])

    def observation(self, observation: Any) -> np.ndarray | dict[str, np.ndarray]:
        """The adapted observation (see the class docstring)."""
        values = tuple(self._value(observation, p) for p, _ in self._vector)
        vector = spaces.flatten(self._vector_space, values).astype(np.float32)
        if not self._images:
            return vector
        out = {"/".join(map(str, p)): np.asarray(_at(observation, p)) for p, _ in self._images}
        return out | ({VECTOR_KEY: vector} if self._vector else {})


def adapt_observations(env: gym.Env, keep_images: bool = False) -> gym.Env:
    """``env`` itself when SB3 takes its observations as they are, else
    ``AdaptObservation(env, keep_images)``."""
    if needs_adapting(env.observation_space) or _minigrid_view(env) is not None:
        return AdaptObservation(env, keep_images)
    return env
