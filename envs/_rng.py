"""Counter-based random numbers shared by the single and the batched environments.

Every environment copy owns a 64-bit ``key``. The randomness of its ``e``-th episode is a pure
function of ``(key, e)`` and, within the episode, of the step ``t`` (splitmix64's finaliser as the
hash). Because nothing is carried from draw to draw, thousands of copies are advanced with a few
numpy operations on ``uint64`` arrays, and a batched copy ``i`` seeded with ``s + i`` reproduces the
single environment seeded with ``s`` exactly.

Keys come from an explicit seed (``key_from_seed``) or, when no seed was ever given, from the
environment's ``np_random`` (``key_from_generator``), so unseeded runs use Gymnasium's entropy.
"""

from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_SEED_SALT = np.uint64(0x6A09E667F3BCC909)


def mix(z: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser on a ``uint64`` array (returns a new array; wraps modulo 2**64)."""
    z = z ^ (z >> np.uint64(30))
    z *= _M1
    z ^= z >> np.uint64(27)
    z *= _M2
    z ^= z >> np.uint64(31)
    return z


def key_from_seed(seeds: np.ndarray | int) -> np.ndarray:
    """Keys for integer seeds (an int or an array of them), as a ``uint64`` array."""
    s = np.asarray(seeds, dtype=np.uint64).reshape(-1)
    return mix(mix(s ^ _SEED_SALT) + _GOLDEN)


def key_from_generator(rng: np.random.Generator, size: int) -> np.ndarray:
    """``size`` keys drawn from a numpy Generator (used when no seed was given)."""
    return rng.integers(0, 2**64, size=size, dtype=np.uint64)


def next_episode(
    key: np.ndarray | None, episode: int, seed: int | None, rng: np.random.Generator
) -> tuple[np.ndarray, int]:
    """A single env's ``(key, episode index)`` after ``reset(seed=seed)``.

    A seed restarts the episode sequence; the first reset of a never-seeded env takes its key from
    ``rng`` (the env's ``np_random``); any other reset moves on to the next episode.
    """
    if seed is not None:
        return key_from_seed(seed), 0
    if key is None:
        return key_from_generator(rng, 1), 0
    return key, episode + 1


def episode_key(keys: np.ndarray, episodes: np.ndarray | int) -> np.ndarray:
    """Per-episode hash: the source of an episode's cue and of its per-step draws."""
    e = np.atleast_1d(np.asarray(episodes, dtype=np.uint64))
    return mix(keys + (e + np.uint64(1)) * _GOLDEN)


def step_draw(ep_keys: np.ndarray, t: np.ndarray | int) -> np.ndarray:
    """Hash for step ``t`` of an episode (``uint64``); independent of other steps and episodes."""
    # 1-d on purpose: numpy warns on wrapping scalar arithmetic but not on arrays.
    steps = np.atleast_1d(np.asarray(t, dtype=np.uint64))
    return mix(ep_keys ^ (steps * _GOLDEN + _SEED_SALT))


def uniform_int(draws: np.ndarray, n: int) -> np.ndarray:
    """Map ``uint64`` hashes to ints in ``[0, n)`` (high bits; the modulo bias is < n / 2**32)."""
    return ((draws >> np.uint64(32)) % np.uint64(n)).astype(np.int64)
