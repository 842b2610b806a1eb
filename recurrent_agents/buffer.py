"""Rollout buffer that trains on whole episode segments, for cores with any state tuple.

Each environment's column of the rollout is cut at its episode starts into sequences. A
sequence that starts mid-episode (only possible at the first step of the rollout) starts from
the core state stored at the rollout's start; every other sequence starts an episode and so
starts from zero. Minibatches are made of whole sequences, padded at the end to the longest
one, so gradients flow from any step back to the first step of its segment.

With a history of earlier rollouts (``history``), a mid-episode sequence also comes with its
episode's earlier steps (its :class:`Prefix`), so that the policy can carry the gradient back
across the rollout boundary to the episode's first step (or as far as the history reaches).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from typing import NamedTuple, TypeAlias

import numpy as np
import torch as th
from sb3_contrib.common.recurrent.type_aliases import RNNStates

#: A batch of observations: one tensor, or one per key of a Dict observation space.
Observations: TypeAlias = th.Tensor | dict[str, th.Tensor]


def map_observations(
    fn: Callable[..., th.Tensor], obs: Observations, *args: object
) -> Observations:
    """``fn(x, *args)`` for an observation tensor ``x``, or for each tensor of a Dict one."""
    if isinstance(obs, dict):
        return {key: fn(x, *args) for key, x in obs.items()}
    return fn(obs, *args)


def leading_shape(obs: Observations, n_dims: int) -> tuple[int, ...]:
    """The first ``n_dims`` sizes of observations (the batch dimensions every key shares)."""
    first = next(iter(obs.values())) if isinstance(obs, dict) else obs
    return tuple(first.shape[:n_dims])


class Prefix(NamedTuple):
    """The earlier steps of the episodes that some of a minibatch's sequences continue.

    Every prefix of one ``Prefix`` has the same length ``P`` and ends at the rollout's start.
    ``states`` is where they begin: zeroed where ``episode_starts`` is 1 (the prefix starts
    the episode), else the core state stored at the start of the oldest rollout kept.
    ``columns`` are the indices of the continuing sequences in the minibatch.
    """

    observations: Observations  # [P, g, ...]
    states: RNNStates
    episode_starts: th.Tensor  # [g]
    columns: th.Tensor  # [g]


class _PastRollout(NamedTuple):
    observations: Observations  # [n_steps, n_envs, ...]
    episode_starts: np.ndarray  # [n_steps, n_envs]
    initial_states: RNNStates


class SequenceBatch(NamedTuple):
    """A minibatch of padded sequences; padded tensors are time-major ``[T, B, ...]``.

    ``valid`` holds the flat indices (into ``[T * B]``) of the non-padding steps, in row-major
    order: ``x.reshape(-1)[valid]`` equals ``x[mask]`` without a boolean-mask scan.
    ``targets`` holds, for those steps, the columns of :data:`TARGETS` (advantages already
    normalised with the scale passed to ``get``); ``old_values`` and ``old_log_prob`` are the
    same rollout values padded like the inputs. ``prefixes`` hold the earlier steps of the
    episodes that sequences starting mid-episode continue (empty without a buffer history).
    ``time_discount`` holds, for the valid steps, the discount left to the episode's time limit
    (None when ``get`` was given no limit).
    """

    observations: Observations
    actions: th.Tensor
    old_values: th.Tensor
    old_log_prob: th.Tensor
    states: RNNStates
    episode_starts: th.Tensor
    mask: th.Tensor
    valid: th.Tensor
    targets: th.Tensor
    prefixes: tuple[Prefix, ...] = ()
    time_discount: th.Tensor | None = None


def discount_to_limit(episode_steps: th.Tensor, time_limit: int, gamma: float) -> th.Tensor:
    """``gamma ** (time_limit - t)`` for observations ``t`` steps into their episode: the share
    of a constant reward's discounted return that a time limit ending the return there cuts
    off (1 at or past the limit)."""
    steps_left = (time_limit - episode_steps).clamp(min=0)
    return th.pow(th.as_tensor(gamma, dtype=th.float32), steps_left.to(th.float32))


#: Columns of ``SequenceBatch.targets``.
TARGETS = ("old_values", "old_log_prob", "advantages", "returns")


class SequenceRolloutBuffer:
    """Stores one rollout of ``n_steps x n_envs`` transitions and serves whole sequences.

    :param n_steps: steps per env per rollout.
    :param n_envs: number of environments.
    :param device: torch device of the stored tensors.
    :param gamma: discount factor.
    :param gae_lambda: GAE lambda.
    :param history: how many earlier rollouts to keep, whose steps of a still running episode
        become the :class:`Prefix` of its sequence in the next rollout (0: none, the sequence
        starts from its stored state alone).
    """

    def __init__(
        self,
        n_steps: int,
        n_envs: int,
        device: th.device | str = "cpu",
        gamma: float = 0.99,
        gae_lambda: float = 0.95,
        history: int = 0,
    ) -> None:
        self.n_envs = n_envs
        self.device = th.device(device)
        self.gamma = gamma
        self.gae_lambda = gae_lambda
        self.initial_states: RNNStates | None = None
        self._next_n_steps: int | None = None
        self._history: deque[_PastRollout] = deque(maxlen=0)
        self.set_history(history)
        self._allocate(n_steps)

    def set_history(self, history: int) -> None:
        """Keep the last ``history`` rollouts for prefixes from the next :meth:`reset` on (the
        newest ones already kept stay)."""
        if not isinstance(history, int) or isinstance(history, bool) or history < 0:
            raise ValueError(f"history must be a non-negative int, got {history!r}")
        self._history = deque(list(self._history)[-history:] if history else [], maxlen=history)

    def _allocate(self, n_steps: int) -> None:
        self.n_steps = n_steps
        shape = (n_steps, self.n_envs)
        # Observations and actions are allocated at the first add(), when their shape is known.
        self.observations: Observations | None = None
        self.actions: th.Tensor | None = None
        self.rewards = np.zeros(shape, dtype=np.float32)
        self.episode_starts = np.zeros(shape, dtype=np.float32)
        self.values = th.zeros(shape, device=self.device)
        self.log_probs = th.zeros(shape, device=self.device)
        # How far into its episode each observation is (the time-aware critic's input).
        self.episode_steps = th.zeros(shape, device=self.device)
        self.advantages = np.zeros(shape, dtype=np.float32)
        self.returns = np.zeros(shape, dtype=np.float32)
        self.pos = 0
        self._sequences: dict[str, th.Tensor] | None = None

    def resize(self, n_steps: int) -> None:
        """Hold ``n_steps`` steps per env from the next :meth:`reset` on (the stored rollout
        stays readable until then, e.g. for the update that follows it)."""
        if not isinstance(n_steps, int) or n_steps < 1:
            raise ValueError(f"n_steps must be a positive int, got {n_steps!r}")
        self._next_n_steps = n_steps

    @property
    def full(self) -> bool:
        """True once ``n_steps`` steps have been added."""
        return self.pos == self.n_steps

    def reset(self, initial_states: RNNStates) -> None:
        """Start a new rollout whose envs begin in ``initial_states`` (copied)."""
        if self._history.maxlen and self.full and self.observations is not None:
            self._history.append(
                _PastRollout(self.observations, self.episode_starts.copy(), self.initial_states)
            )
            # add() writes in place: the kept rollout's tensors must not be reused.
            self.observations = self.actions = None
        if self._next_n_steps is not None:
            self._allocate(self._next_n_steps)
            self._next_n_steps = None
        self.initial_states = RNNStates(
            tuple(s.detach().clone() for s in initial_states.pi),
            tuple(s.detach().clone() for s in initial_states.vf),
        )
        self.pos = 0
        self._sequences = None

    def add(
        self,
        obs: Observations,
        actions: th.Tensor,
        rewards: np.ndarray,
        episode_starts: np.ndarray,
        values: th.Tensor,
        log_probs: th.Tensor,
        episode_steps: np.ndarray | None = None,
    ) -> None:
        """Store one step for all envs (``obs`` and ``actions`` as the policy saw/produced;
        ``episode_steps``: the steps each env's episode had taken before ``obs``, default 0)."""
        if self.observations is None:
            self.observations = map_observations(self._zeros_like_step, obs)
            self.actions = self._zeros_like_step(actions)
        if isinstance(obs, dict):
            for key, x in obs.items():
                self.observations[key][self.pos] = x
        else:
            self.observations[self.pos] = obs
        self.actions[self.pos] = actions
        self.rewards[self.pos] = rewards
        self.episode_starts[self.pos] = episode_starts
        self.values[self.pos] = values.reshape(-1)
        self.log_probs[self.pos] = log_probs.reshape(-1)
        if episode_steps is not None:
            self.episode_steps[self.pos] = th.as_tensor(episode_steps, device=self.device)
        self.pos += 1

    def _zeros_like_step(self, x: th.Tensor) -> th.Tensor:
        """Zeros for ``n_steps`` steps of ``x`` (one step of all envs)."""
        return th.zeros((self.n_steps, *x.shape), dtype=x.dtype, device=self.device)

    def compute_returns_and_advantage(self, last_values: th.Tensor, dones: np.ndarray) -> None:
        """GAE(lambda) advantages and TD(lambda) returns, exactly as SB3's RolloutBuffer."""
        values = self.values.cpu().numpy()
        last_values = last_values.detach().cpu().numpy().reshape(-1)
        last_gae = np.zeros(self.n_envs, dtype=np.float32)
        for step in reversed(range(self.n_steps)):
            if step == self.n_steps - 1:
                next_non_terminal = 1.0 - dones.astype(np.float32)
                next_values = last_values
            else:
                next_non_terminal = 1.0 - self.episode_starts[step + 1]
                next_values = values[step + 1]
            delta = self.rewards[step] + self.gamma * next_values * next_non_terminal - values[step]
            last_gae = delta + self.gamma * self.gae_lambda * next_non_terminal * last_gae
            self.advantages[step] = last_gae
        self.returns = self.advantages + values

    def _build_sequences(self) -> dict[str, th.Tensor | np.ndarray]:
        """Cut each env's column at episode starts and pad all sequences to ``[T_max, N]``.

        Built once per rollout, so a minibatch is a few ``index_select`` calls on these.
        Index arrays and masks stay in numpy: slicing them costs far less than a torch op.
        """
        starts = self.episode_starts.T.copy()  # [n_envs, n_steps], env-major like the flat index
        starts[:, 0] = 1.0
        flat_starts = np.flatnonzero(starts.reshape(-1))
        lengths = np.diff(np.append(flat_starts, self.n_steps * self.n_envs))
        t_max = int(lengths.max())
        offsets = np.arange(t_max)[:, None]
        valid = offsets < lengths[None, :]
        # Padding repeats the last valid step; it is masked out of every loss.
        flat_idx = flat_starts[None, :] + np.minimum(offsets, lengths[None, :] - 1)
        env_np, time_np = np.divmod(flat_idx, self.n_steps)
        time_idx = th.as_tensor(time_np, device=self.device)
        env_idx = th.as_tensor(env_np, device=self.device)
        # Rollout tensors are time-major [n_steps, n_envs]; flat_idx is env-major.
        rollout_idx = time_np * self.n_envs + env_np
        per_step = th.stack(
            [
                self.values,
                self.log_probs,
                th.as_tensor(self.advantages, device=self.device),
                th.as_tensor(self.returns, device=self.device),
            ],
            dim=-1,
        )  # [n_steps, n_envs, len(TARGETS)]
        return {
            "observations": map_observations(lambda x: x[time_idx, env_idx], self.observations),
            "actions": self.actions[time_idx, env_idx],
            "old_values_log_prob": per_step[time_idx, env_idx, :2],
            "targets": per_step.reshape(-1, len(TARGETS)),
            "episode_starts": self.episode_starts[time_np, env_np] * valid,
            "valid": valid,
            "rollout_idx": rollout_idx,
            "lengths": lengths,
            "envs": flat_starts // self.n_steps,
            "prefixes": self._prefixes(flat_starts),
        }

    def _prefixes(self, flat_starts: np.ndarray) -> dict[int, tuple[Observations, int, int]]:
        """For each sequence that continues an episode from the kept rollouts: its episode's
        steps there, the kept rollout whose start state it begins from (its index, counted
        back from the newest) and 1 if the prefix starts the episode."""
        if not self._history:
            return {}
        prefixes = {}
        for seq in np.flatnonzero(flat_starts % self.n_steps == 0):
            env = int(flat_starts[seq] // self.n_steps)
            if self.episode_starts[0, env]:
                continue
            pieces, starts_episode = [], 0
            for oldest in range(len(self._history)):  # newest first
                past = self._history[-1 - oldest]
                episode_starts = np.flatnonzero(past.episode_starts[:, env])
                first = int(episode_starts[-1]) if len(episode_starts) else 0
                pieces.append(
                    map_observations(lambda x, t, e: x[t:, e], past.observations, first, env)
                )
                if len(episode_starts):
                    starts_episode = 1
                    break
            prefixes[int(seq)] = (_concat_time(pieces[::-1]), oldest, starts_episode)
        return prefixes

    def sequences(self) -> dict[str, th.Tensor | np.ndarray]:
        """All sequences of the rollout, padded, time-major (built once per rollout)."""
        if not self.full:
            raise ValueError(f"buffer must be full before sampling, got {self.pos}/{self.n_steps}")
        if self._sequences is None:
            self._sequences = self._build_sequences()
        return self._sequences

    def get(
        self,
        batch_size: int | None = None,
        shuffle: bool = True,
        advantage_scale: tuple[float, float] = (0.0, 1.0),
        time_limit: int | None = None,
    ) -> Iterator[SequenceBatch]:
        """Yield minibatches of whole sequences holding about ``batch_size`` valid steps each.

        The number of minibatches is ``round(n_steps * n_envs / batch_size)``; shuffled
        sequences are assigned to them by their cumulative length, so no sequence is cut.
        ``advantage_scale`` (mean, std) normalises the advantages in ``targets``. With a
        ``time_limit``, each batch holds its steps' :func:`discount_to_limit`.
        """
        seqs = self.sequences()
        lengths = seqs["lengths"]
        total = int(lengths.sum())
        n_seq = len(lengths)
        n_batches = 1 if batch_size is None else max(1, min(n_seq, round(total / batch_size)))
        order = np.random.permutation(n_seq) if shuffle else np.arange(n_seq)
        cum_before = np.cumsum(lengths[order]) - lengths[order]
        batch_of = (cum_before * n_batches) // total
        adv_mean, adv_std = advantage_scale
        targets = seqs["targets"].clone()
        targets[:, TARGETS.index("advantages")].sub_(adv_mean).div_(adv_std)
        time_discount = None
        if time_limit is not None:
            steps = self.episode_steps.reshape(-1)
            time_discount = discount_to_limit(steps, time_limit, self.gamma).to(self.device)
        for b in range(n_batches):
            idx_np = order[batch_of == b]
            if len(idx_np) == 0:
                continue
            t_len = int(lengths[idx_np].max())
            mask_np = seqs["valid"][:t_len, idx_np]
            idx = th.as_tensor(idx_np, device=self.device)
            envs = th.as_tensor(seqs["envs"][idx_np], device=self.device)
            old = seqs["old_values_log_prob"][:t_len].index_select(1, idx)
            rollout_idx = th.as_tensor(
                seqs["rollout_idx"][:t_len, idx_np][mask_np], device=self.device
            )
            old_values, old_log_prob = old.unbind(-1)
            yield SequenceBatch(
                observations=map_observations(_take, seqs["observations"], t_len, idx),
                actions=_take(seqs["actions"], t_len, idx),
                old_values=old_values,
                old_log_prob=old_log_prob,
                states=RNNStates(
                    tuple(s.index_select(1, envs) for s in self.initial_states.pi),
                    tuple(s.index_select(1, envs) for s in self.initial_states.vf),
                ),
                episode_starts=th.as_tensor(
                    seqs["episode_starts"][:t_len, idx_np], device=self.device
                ),
                mask=th.as_tensor(mask_np, device=self.device),
                valid=th.as_tensor(np.flatnonzero(mask_np), device=self.device),
                targets=targets.index_select(0, rollout_idx),
                prefixes=self._batch_prefixes(seqs["prefixes"], seqs["envs"], idx_np),
                time_discount=(
                    None if time_discount is None else time_discount.index_select(0, rollout_idx)
                ),
            )

    def _batch_prefixes(
        self,
        prefixes: dict[int, tuple[Observations, int, int]],
        envs: np.ndarray,
        batch_seqs: np.ndarray,
    ) -> tuple[Prefix, ...]:
        """The prefixes of a minibatch's sequences, grouped by length (one core call each)."""
        groups: dict[int, list[int]] = {}
        for column, seq in enumerate(batch_seqs):
            if int(seq) in prefixes:
                observations = prefixes[int(seq)][0]
                groups.setdefault(leading_shape(observations, 1)[0], []).append(column)
        batch = []
        for columns in groups.values():
            seqs = [int(batch_seqs[c]) for c in columns]
            starts = [(self._history[-1 - prefixes[s][1]].initial_states, envs[s]) for s in seqs]
            batch.append(
                Prefix(
                    observations=_stack_columns([prefixes[s][0] for s in seqs]),
                    states=RNNStates(
                        _state_columns([(states.pi, env) for states, env in starts]),
                        _state_columns([(states.vf, env) for states, env in starts]),
                    ),
                    episode_starts=th.as_tensor(
                        [float(prefixes[s][2]) for s in seqs], device=self.device
                    ),
                    columns=th.as_tensor(columns, device=self.device),
                )
            )
        return tuple(batch)


def _state_columns(columns: list[tuple[tuple[th.Tensor, ...], int]]) -> tuple[th.Tensor, ...]:
    """One core state of the given env column of each stored state (batch dimension 1)."""
    n_tensors = len(columns[0][0])
    return tuple(
        th.cat([state[k][:, env : env + 1] for state, env in columns], dim=1)
        for k in range(n_tensors)
    )


def _concat_time(pieces: list[Observations]) -> Observations:
    """Observations ``[T_i, ...]`` joined along time."""
    if isinstance(pieces[0], dict):
        return {key: th.cat([p[key] for p in pieces]) for key in pieces[0]}
    return th.cat(pieces)


def _stack_columns(columns: list[Observations]) -> Observations:
    """Observations ``[P, ...]`` of equal length stacked into ``[P, g, ...]``."""
    if isinstance(columns[0], dict):
        return {key: th.stack([c[key] for c in columns], dim=1) for key in columns[0]}
    return th.stack(columns, dim=1)


def _take(padded: th.Tensor, t_len: int, idx: th.Tensor) -> th.Tensor:
    """The first ``t_len`` steps of the padded sequences ``idx`` (``padded`` is ``[T, N, ...]``)."""
    return padded[:t_len].index_select(1, idx)
