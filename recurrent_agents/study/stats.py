"""Statistics over seeds that hold up with few runs, computed by ``rliable`` (Agarwal et al. 2021).

- The **interquartile mean** (IQM) of a set of per-seed scores: the mean of the middle 50%
  (``rliable.metrics.aggregate_iqm``, a 25% trimmed mean; with fewer than 4 seeds nothing is
  trimmed and it is the mean). Less swayed by one collapsed seed than the mean, less noisy than
  the median.
- The **probability of improvement** P(X > Y): the chance that a random seed of X scores higher
  than a random seed of Y, ties counting half (``rliable.metrics.probability_of_improvement``, the
  Mann-Whitney U statistic over n_x * n_y); 0.5 is no difference.
- A **95% stratified-bootstrap confidence interval** for each
  (``rliable.library.get_interval_estimates``, percentile method): the seeds are resampled with
  replacement, each set of scores (a stratum) on its own.

With one seed there is nothing to resample: the estimate has no interval (``None``).

rliable (and the heavy ``arch`` / ``scipy.stats`` it imports) is imported inside the functions,
so importing this module stays light.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

#: Bootstrap resamples per interval: enough for stable 95% percentile bounds, and the bootstrap of
#: a report with dozens of cells takes a fraction of a second (sets of one seed count share a call).
BOOTSTRAP_REPS = 2000
#: Seed of the bootstrap, so that a report rebuilt from the same results is the same file.
BOOTSTRAP_SEED = 0
CONFIDENCE = 0.95

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Estimate:
    """A point estimate and its bootstrap confidence interval (None without one: one seed)."""

    value: float
    low: float | None = None
    high: float | None = None


def iqm_estimates(
    scores: Mapping[K, Sequence[float]],
    *,
    reps: int = BOOTSTRAP_REPS,
    seed: int = BOOTSTRAP_SEED,
    confidence: float = CONFIDENCE,
) -> dict[K, Estimate]:
    """Per key: the IQM of its per-seed scores and a stratified-bootstrap confidence interval.

    Keys with one score get the score and no interval. Reproducible: the same input and ``seed``
    give the same intervals (sets estimated together share the bootstrap's random stream, so
    adding a set moves the others' bounds by resampling noise).
    """
    if not scores:
        return {}
    from rliable import metrics

    estimates = {
        key: Estimate(float(metrics.aggregate_iqm(np.asarray(values, dtype=float))))
        for key, values in scores.items()
    }
    # Sets with the same number of seeds are the columns (strata) of one runs x sets matrix: the
    # stratified bootstrap resamples each column on its own, so each column's interval is that of
    # its own bootstrap, and one call covers them all.
    groups = _group_by_size({key: (values,) for key, values in scores.items() if len(values) > 1})
    score_dict = {
        name: np.column_stack([scores[key] for key in keys]).astype(float)
        for name, keys in groups.items()
    }
    intervals = _interval_estimates(score_dict, _column_iqm, reps, seed, confidence)
    return _with_intervals(estimates, groups, intervals)


def improvement_estimates(
    pairs: Mapping[K, tuple[Sequence[float], Sequence[float]]],
    *,
    reps: int = BOOTSTRAP_REPS,
    seed: int = BOOTSTRAP_SEED,
    confidence: float = CONFIDENCE,
) -> dict[K, Estimate]:
    """Per key ``(x_scores, y_scores)``: the probability that X beats Y and its confidence interval.

    X's and Y's seeds are resampled independently, so their numbers may differ; a pair with one
    seed on either side gets no interval. Reproducible as ``iqm_estimates``.
    """
    if not pairs:
        return {}
    from rliable import metrics

    estimates = {
        key: Estimate(
            float(
                metrics.probability_of_improvement(
                    np.asarray(x, dtype=float)[:, None], np.asarray(y, dtype=float)[:, None]
                )
            )
        )
        for key, (x, y) in pairs.items()
    }
    groups = _group_by_size({key: pair for key, pair in pairs.items() if min(map(len, pair)) > 1})
    score_dict = {
        name: tuple(
            np.column_stack([pairs[key][side] for key in keys]).astype(float) for side in (0, 1)
        )
        for name, keys in groups.items()
    }
    intervals = _interval_estimates(score_dict, _column_improvement, reps, seed, confidence)
    return _with_intervals(estimates, groups, intervals)


def _column_iqm(scores: np.ndarray) -> np.ndarray:
    """``rliable.metrics.aggregate_iqm`` of each column of a runs x sets matrix.

    rliable's IQM is ``scipy.stats.trim_mean(scores, 0.25)`` over all scores; the same call along
    axis 0 gives every column's in one call (the bootstrap makes thousands; a test checks both
    agree).
    """
    from scipy import stats

    return stats.trim_mean(scores, 0.25, axis=0)


def _column_improvement(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``rliable.metrics.probability_of_improvement`` of each column pair (one column: one task).

    For one task rliable computes the Mann-Whitney U over n_x * n_y, i.e. the share of seed pairs
    with x > y, ties counting half; here for all columns at once (scipy's test costs ~2 ms a call).
    """
    greater = (x[:, None, :] > y[None, :, :]).mean(axis=(0, 1))
    ties = (x[:, None, :] == y[None, :, :]).mean(axis=(0, 1))
    return greater + 0.5 * ties


def _group_by_size(data: Mapping[K, tuple[Sequence[float], ...]]) -> dict[str, list[K]]:
    """Keys grouped by the number of scores of each of their sets (e.g. ``"3x3"`` for a pair of
    three-seed sets), in the order of ``data``: each group stacks into matrices."""
    groups: dict[str, list[K]] = {}
    for key, sets in data.items():
        groups.setdefault("x".join(str(len(s)) for s in sets), []).append(key)
    return groups


@contextmanager
def _seeded_global_rng(seed: int) -> Iterator[None]:
    """NumPy's global RNG seeded with ``seed``, restored afterwards.

    rliable 1.2's bootstraps draw their resampling indices with ``np.random.choice`` (the global
    RNG), not from the ``random_state`` they accept, so only this makes the intervals
    reproducible; restoring the state keeps the report from changing anyone else's draws.
    """
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def _interval_estimates(
    score_dict: dict[str, np.ndarray | tuple[np.ndarray, ...]],
    func: Callable[..., np.ndarray],
    reps: int,
    seed: int,
    confidence: float,
) -> dict[str, np.ndarray]:
    """``rliable.library.get_interval_estimates`` (percentile bootstrap) of ``func`` per group:
    a 2 x columns array of lower and upper bounds."""
    if not score_dict:
        return {}
    from rliable import library

    with _seeded_global_rng(seed):
        _, intervals = library.get_interval_estimates(
            score_dict, func, reps=reps, confidence_interval_size=confidence
        )
    return intervals


def _with_intervals(
    estimates: dict[K, Estimate], groups: dict[str, list[K]], intervals: dict[str, np.ndarray]
) -> dict[K, Estimate]:
    """``estimates`` with the bounds of each grouped key (column j of its group's interval)."""
    out = dict(estimates)
    for name, keys in groups.items():
        bounds = np.asarray(intervals[name]).reshape(2, len(keys))
        for j, key in enumerate(keys):
            out[key] = Estimate(estimates[key].value, float(bounds[0, j]), float(bounds[1, j]))
    return out
