"""Recurrent PPO for any core, trained on whole episode segments (extends sb3-contrib's)."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import numpy as np
import torch as th
from gymnasium import spaces
from sb3_contrib import RecurrentPPO as _ContribRecurrentPPO
from sb3_contrib.common.recurrent.type_aliases import RNNStates
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.policies import BasePolicy
from stable_baselines3.common.type_aliases import GymEnv, MaybeCallback, Schedule
from stable_baselines3.common.utils import (
    FloatSchedule,
    explained_variance,
    obs_as_tensor,
    update_learning_rate,
)
from stable_baselines3.common.vec_env import VecEnv

from recurrent_agents.buffer import (
    SequenceBatch,
    SequenceRolloutBuffer,
    discount_to_limit,
    map_observations,
)
from recurrent_agents.cores import CORE_SPECIFIC_OPTIONS, core_takes, is_core
from recurrent_agents.defaults import (
    ACTOR_VALUE_COEF,
    ACTOR_VALUE_COEF_BY_CORE,
    ALIGN_AUTO,
    BOOTSTRAP_IN_RANGE,
    BPTT_HORIZON,
    CHRONO_FRACTION_BY_CORE,
    CHRONO_HORIZON,
    CRITIC_CORE_BY_CORE,
    DEADLINE_EVIDENCE,
    DEADLINE_MARGIN,
    DEADLINE_SHARE,
    ENTROPY_WEIGHTINGS,
    FLOOR_AUTO,
    GATED_CORE_DEFAULTS,
    LR_ADAPT_RANGE,
    LR_ADAPT_STEP,
    PPO_DEFAULTS,
    default_learning_rate,
    is_advantage_floor_discounted,
    is_align_rollouts,
    is_bootstrap_truncated,
    is_bptt_rollouts,
    is_coefficient,
    rollout_for_budget,
)
from recurrent_agents.horizon import (
    bptt_reach,
    declared_time_limit,
    episode_horizon,
    whole_episode_rollout,
)
from recurrent_agents.policy import (
    RecurrentActorCriticCnnPolicy,
    RecurrentActorCriticPolicy,
    RecurrentMultiInputActorCriticPolicy,
    resolve_critic_core,
)

_D = PPO_DEFAULTS
#: Policy options that choose what the critic reads (the toolkit's and sb3-contrib's names).
_CRITIC_OPTIONS = ("critic_core", "shared_core", "shared_lstm", "enable_critic_lstm")
#: Weight of each rollout in the running mean square of the value targets: about the last ten
#: rollouts, so the critic's units follow a return scale that grows as the agent learns.
VALUE_SCALE_RATE = 0.1


@th.no_grad()
def clip_grad_norm(grads: list[th.Tensor], max_norm: float) -> th.Tensor:
    """``torch.nn.utils.clip_grad_norm_`` for same-device grads, with identical numerics.

    The torch version regroups the tensors by device twice per call and takes a norm of each
    per-tensor norm; for a small policy that Python overhead costs as much as the Adam step.
    """
    total_norm = th.linalg.vector_norm(th.stack(th._foreach_norm(grads)))
    th._foreach_mul_(grads, th.clamp(max_norm / (total_norm + 1e-6), max=1.0))
    return total_norm


def max_policy_entropy(action_space: spaces.Space) -> float | None:
    """The largest entropy a policy over ``action_space`` can have (the uniform policy's), in
    nats; None for spaces without one (Box: Gaussian policies)."""
    if isinstance(action_space, spaces.Discrete):
        return math.log(int(action_space.n))
    if isinstance(action_space, spaces.MultiDiscrete):
        return float(np.log(action_space.nvec).sum())
    if isinstance(action_space, spaces.MultiBinary):
        return float(np.prod(action_space.shape)) * math.log(2.0)
    return None


def _policy_core(policy_kwargs: dict[str, Any] | None) -> str:
    """The core ``policy_kwargs`` choose (the policy's default, the LSTM, when none)."""
    return (policy_kwargs or {}).get("core", "lstm")


def _gives_critic_option(policy_kwargs: dict[str, Any]) -> bool:
    """Whether ``policy_kwargs`` choose what the critic reads, under any of its names."""
    return any(policy_kwargs.get(name) is not None for name in _CRITIC_OPTIONS)


def _default_critic_core(policy_kwargs: dict[str, Any] | None) -> str | None:
    """The ``critic_core`` the policy gets when ``policy_kwargs`` give no critic option: the
    core's entry in :data:`~recurrent_agents.defaults.CRITIC_CORE_BY_CORE`, else
    ``"separate"``; None when an option is given."""
    kwargs = policy_kwargs or {}
    if _gives_critic_option(kwargs):
        return None
    default = CRITIC_CORE_BY_CORE.get(_policy_core(kwargs), "separate")
    if default.startswith("shared") and not kwargs.get("share_features_extractor", True):
        return "separate"  # a shared core needs the shared features extractor
    return default


def _default_actor_value_coef(
    policy_kwargs: dict[str, Any] | None, critic_core_default: str | None
) -> float:
    """The ``actor_value_coef`` given as None: when the critic has a core of its own
    (``critic_core_default``, or the critic option given), the core's entry in
    :data:`~recurrent_agents.defaults.ACTOR_VALUE_COEF_BY_CORE`, else
    :data:`~recurrent_agents.defaults.ACTOR_VALUE_COEF`; 0 for a critic on the actor's core
    (its value loss trains that core already)."""
    kwargs = policy_kwargs or {}
    critic_core = critic_core_default or resolve_critic_core(
        *(kwargs.get(name) for name in _CRITIC_OPTIONS),
        share_features_extractor=kwargs.get("share_features_extractor", True),
    )
    if critic_core != "separate":
        return 0.0
    return ACTOR_VALUE_COEF_BY_CORE.get(_policy_core(kwargs), ACTOR_VALUE_COEF)


def resolve_core_defaults(
    policy_kwargs: dict[str, Any] | None,
    actor_value_coef: float | None,
    learning_rate: float | Schedule | None,
    loading: bool = False,
) -> tuple[float, float | Schedule]:
    """``actor_value_coef`` and ``learning_rate`` as :class:`RecurrentPPO` trains with them: the
    ones given as None resolved for the policy's core (:mod:`recurrent_agents.defaults`).
    ``loading``: for :meth:`RecurrentPPO.load`, where a file saved before ``actor_value_coef``
    existed has none and was trained without the head."""
    if actor_value_coef is None:
        default = _default_actor_value_coef(policy_kwargs, _default_critic_core(policy_kwargs))
        actor_value_coef = 0 if loading else default
    if learning_rate is None:
        learning_rate = default_learning_rate(_policy_core(policy_kwargs))
    return float(actor_value_coef), learning_rate


def _check_arguments(
    n_steps: Any,
    min_updates: Any,
    batch_size: Any,
    advantage_floor_ratio: float,
    advantage_floor_discounted: Any,
    torch_threads: Any,
    entropy_target: float,
    entropy_weighting: str,
    ent_anneal_fraction: float,
    start_epsilon: float,
    align_rollouts: Any,
    bptt_rollouts: Any,
    log_barrier_coef: float,
    actor_value_coef: float | None,
    desired_kl: float | None,
    bootstrap_truncated: Any,
    time_aware_critic: Any,
) -> None:
    """Raise ValueError naming the first of RecurrentPPO's own arguments out of its range."""
    if not isinstance(n_steps, int) or n_steps < 1:
        raise ValueError(f"n_steps must be a positive int, got {n_steps!r}")
    if not isinstance(min_updates, int) or isinstance(min_updates, bool) or min_updates < 0:
        raise ValueError(f"min_updates must be an int >= 0, got {min_updates!r}")
    if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
        raise ValueError(f"batch_size must be a positive int or None, got {batch_size!r}")
    if not 0 <= advantage_floor_ratio <= 1:
        raise ValueError(f"advantage_floor_ratio must be in [0, 1], got {advantage_floor_ratio!r}")
    if not is_advantage_floor_discounted(advantage_floor_discounted):
        raise ValueError(
            f"advantage_floor_discounted must be True, False or {FLOOR_AUTO!r}, "
            f"got {advantage_floor_discounted!r}"
        )
    threads_ok = isinstance(torch_threads, int) and not isinstance(torch_threads, bool)
    if torch_threads is not None and not (threads_ok and torch_threads >= 1):
        raise ValueError(f"torch_threads must be a positive int or None, got {torch_threads!r}")
    if not 0 < entropy_target <= 1:
        raise ValueError(f"entropy_target must be in (0, 1], got {entropy_target!r}")
    if entropy_weighting not in ENTROPY_WEIGHTINGS:
        raise ValueError(
            f"entropy_weighting must be one of {', '.join(map(repr, ENTROPY_WEIGHTINGS))}, "
            f"got {entropy_weighting!r}"
        )
    if not is_align_rollouts(align_rollouts):
        raise ValueError(f"align_rollouts must be True, False or 'auto', got {align_rollouts!r}")
    if not 0 <= ent_anneal_fraction <= 1:
        raise ValueError(f"ent_anneal_fraction must be in [0, 1], got {ent_anneal_fraction!r}")
    if not 0 <= start_epsilon <= 1:
        raise ValueError(f"start_epsilon must be in [0, 1], got {start_epsilon!r}")
    if not is_coefficient(log_barrier_coef):
        raise ValueError(f"log_barrier_coef must be a finite float >= 0, got {log_barrier_coef!r}")
    if actor_value_coef is not None and not is_coefficient(actor_value_coef):
        raise ValueError(
            f"actor_value_coef must be a finite float >= 0 or None, got {actor_value_coef!r}"
        )
    if desired_kl is not None and not (is_coefficient(desired_kl) and desired_kl > 0):
        raise ValueError(f"desired_kl must be a finite float > 0 or None, got {desired_kl!r}")
    if not is_bptt_rollouts(bptt_rollouts):
        raise ValueError(
            f"bptt_rollouts must be a non-negative int or {BPTT_HORIZON!r}, got {bptt_rollouts!r}"
        )
    if not is_bootstrap_truncated(bootstrap_truncated):
        raise ValueError(
            f"bootstrap_truncated must be True, False or {BOOTSTRAP_IN_RANGE!r}, "
            f"got {bootstrap_truncated!r}"
        )
    if not isinstance(time_aware_critic, bool):
        raise ValueError(f"time_aware_critic must be True or False, got {time_aware_critic!r}")
    if time_aware_critic and bootstrap_truncated is not False:
        raise ValueError(
            f"time_aware_critic=True needs bootstrap_truncated=False, got {bootstrap_truncated!r} "
            "(the time left means nothing at a bootstrapped truncation)"
        )


class RecurrentPPO(_ContribRecurrentPPO):
    """PPO with a recurrent policy whose core is any registered :class:`RecurrentCore`.

    Same API as ``sb3_contrib.RecurrentPPO`` (learn / predict / save / load / callbacks), with
    these changes:

    * any core and state tuple (``policy_kwargs=dict(core="gru", hidden_size=64)``);
    * minibatches are whole episode segments (never cut at a minibatch boundary), so the
      gradient of a decision reaches the cue step of the same episode inside the rollout;
    * each minibatch runs through the core in one call (state reset once, at t=0), with no
      Python loop over time steps;
    * advantages are normalised over the whole rollout with a floor on the scale: a fraction
      (``advantage_floor_ratio``) of the largest std of episode returns so far, so critic
      noise is not blown up to unit scale once the task is solved (the collapse described in the
      README), whatever the task's reward scale;
    * robust defaults from :data:`recurrent_agents.defaults.PPO_DEFAULTS`
      (fewer epochs, entropy bonus, ``target_kl`` early stopping);
    * the critic learns values in units of its targets' spread (``normalize_value_targets``),
      and a time-limit truncation ends the return as a terminal does (``bootstrap_truncated``);
    * logs ``train/grad_norm`` (before clipping);
    * ``set_env`` also works between two rollouts of a running ``learn()`` (it resets the env
      and the recurrent rollout state at once), and ``set_rollout_length`` changes the rollout
      length from the next rollout on;
    * ``learn()`` and ``predict()`` run with ``torch_threads`` torch threads (default 1);
    * ``policy_kwargs=dict(chrono_init="horizon")`` sizes the gated cores' chrono init by the
      env's declared episode horizon (:func:`recurrent_agents.horizon.episode_horizon`; the
      rollout length when it declares none; ignored by cores without a keep gate); a gated
      core given no keep-gate init gets it on half its units by default, three quarters for
      the GRU (:data:`recurrent_agents.defaults.GATED_CORE_DEFAULTS`; ``chrono_init=None``: off).
    * given no critic option, the vanilla RNN's critic reads the actor's core
      (``critic_core="shared"``, :data:`recurrent_agents.defaults.CRITIC_CORE_BY_CORE`); every
      other core's critic has its own core, as in sb3-contrib.
    * given no ``actor_value_coef``, a core whose critic has its own core also trains a value
      head on its actor's latent (0.25, :data:`recurrent_agents.defaults.ACTOR_VALUE_COEF`;
      the vanilla RNN only with its critic on the actor's core, its default).
    * given no ``learning_rate``, the GRU trains at 1e-3 and every other core at 5e-4
      (:data:`recurrent_agents.defaults.LEARNING_RATE_BY_CORE`).
    * a short run is split into at least ``min_updates`` (64) updates: ``learn()`` shortens the
      rollouts (and minibatches) of a budget that ``n_steps`` would split into fewer, never
      below the env's episode horizon (:meth:`rollout_length_for`).

    Policies: ``"MlpLstmPolicy"`` / ``"MlpPolicy"``, ``"CnnLstmPolicy"`` / ``"CnnPolicy"``
    (images), ``"MultiInputLstmPolicy"`` / ``"MultiInputPolicy"`` (Dict observations), or a
    :class:`RecurrentActorCriticPolicy` subclass; ``policy_kwargs`` take sb3-contrib's names too.

    :param advantage_floor_ratio: lower bound on the advantage std used for normalisation, as a
        fraction of the largest std of episode returns seen so far (0: plain normalisation).
    :param advantage_floor_discounted: the floor's episode returns are discounted back from
        each episode's end (each reward times ``gamma`` to the power of the steps after it),
        the units of the advantages: a reward at the episode's end counts in full, as in the
        summed return, but an episode of rewards all along counts about ``1 / (1 - gamma)``
        steps of them, the most any of its values can hold, where its summed return grows with
        its length. False: summed. ``"auto"`` (the default): discounted while the run
        bootstraps its time-limit truncations (``bootstrap_truncated``: a continuing task cut
        short), from the first update where a Gymnasium ``TimeLimit`` declares the limit,
        else from its first truncation; summed before it and where truncations end the return.
    :param bootstrap_truncated: True: at a time-limit truncation, add
        ``gamma * V(final observation)`` to the last reward (SB3's treatment, as if the task went
        on). False: every episode end ends the return, since the final observation is never a
        training input and its value can be any extrapolation (README, "What RecurrentPPO
        changes"). ``"auto"`` (the default): bootstrap only where the final observation lies in
        the range of the observations trained on (the ``normalize_obs`` standardisation would
        clip none of its entries; never without that standardisation), so the critic's value
        there is no extrapolation, and only until the time limit shows itself the task's
        deadline (:attr:`time_limit_is_deadline`: its truncations pay rewards that no step
        going on pays, as a T-maze's arm at its deadline, or that no other step of their own
        episode paid), after which truncations end the return.
    :param time_aware_critic: with ``bootstrap_truncated=False`` (needed), where truncations
        end the return, the value heads also get the discount left to the task's time limit,
        ``gamma ** (time_limit - t)`` (the policy's ``time_aware_critic``), so that a critic
        that cannot count an episode's steps itself (one without memory, the vanilla RNN's
        shared core) fits how values fall over the last ``~1 / (1 - gamma)`` steps before the
        limit, which the observation does not show. What the policy is trained on does not
        change (README, "A critic that knows the time left"). The time limit is learnt
        (``time_limit``: the longest episode a truncation has ended); before the first
        truncation, and on tasks that never truncate, training is exactly that without it.
    :param entropy_target: the entropy bonus acts on a step only while the policy's entropy
        there is below this fraction of the action space's maximum (``log n`` for ``n``
        actions): it keeps a decision from going deterministic without pulling one that still
        explores towards uniform. 1 (the default) is SB3's bonus everywhere; actions without a
        maximum entropy (Gaussian) always get SB3's bonus.
    :param entropy_weighting: how the entropy bonus is spread over the steps. ``"uniform"``
        (the default, SB3's): ``ent_coef`` on every step. ``"advantage"``: each step's bonus is
        scaled by the size of its normalised advantage, so the bonus keeps one ratio to the
        policy gradient on every step: a decision whose outcome is still uncertain keeps its
        actions sampled, while the many steps of a long episode where nothing is at stake (a
        corridor to walk) get almost none, whatever the episode's length (README, "LSTM at
        memory length 1000 from scratch"). ``"floor"``: ``ent_coef`` on every step,
        scaled down in each update by the factor by which the advantage floor
        (``advantage_floor_ratio``) scales that rollout's advantages down, so that the bonus
        keeps its ratio to the policy gradient when the floor binds. It keeps a long walk
        from being lost to the bonus, but lets a decision go deterministic (README, "At
        L=1000, with nothing but the defaults").
    :param ent_anneal_fraction: over this last fraction of the training budget
        (``total_timesteps`` of ``learn``) the entropy coefficient falls linearly from
        ``ent_coef`` to 0. Where two actions are worth about the same, the bonus outweighs the
        policy gradient and keeps moving the choice between them from update to update; the
        greedy policy after the last update inherits whichever it was. Without the bonus the
        last updates follow the advantages alone (README, "The entropy bonus annealed over the
        last fifth of the budget"). 0 (the default): ``ent_coef`` throughout. The budget is each
        ``learn`` call's, as for SB3's schedules: a loop of short ``learn`` calls anneals in
        each.
    :param log_barrier_coef: coefficient of the log-barrier regulariser (Agarwal et al. 2021,
        "On the Theory of Policy Gradient Methods"): ``-coef * mean_a log pi(a | s)`` per step,
        added to the loss (discrete actions). Its pull on an action towards ``1 / n`` does not
        vanish as the action's probability does, as the entropy bonus's does: a decision that
        went deterministic while no action was better on average (a T-maze junction before
        the cue is remembered, with a critic that predicts the guess's outcome) is pulled back
        to sampling the other actions, while an action the advantages keep punishing stays
        rare. It pulls on every step alike, so a long stretch of steps that must each be
        exact (a T-maze corridor) slips more (README, "What RecurrentPPO changes";
        bench/results/log_barrier/). 0 (the default): off.
    :param actor_value_coef: coefficient of a second value loss, on a value head that reads the
        actor's latent (the policy's ``actor_value_head``, added when this is above 0), trained
        on the critic's targets: its gradient trains the actor's core to carry what predicts
        the return (the cue), as a critic on the actor's core does, while the advantages keep
        the critic's own values (Phasic Policy Gradient's auxiliary value head, Cobbe et al.
        2021, trained jointly). 0: off. None (the default): when the critic has a core of its
        own, :data:`~recurrent_agents.defaults.ACTOR_VALUE_COEF` (0.25), or the core's entry in
        :data:`~recurrent_agents.defaults.ACTOR_VALUE_COEF_BY_CORE` (the vanilla RNN: 0); else 0.
    :param start_epsilon: probability that an episode's first action is drawn uniformly at
        random instead of from the policy (discrete actions), and learned from with the policy's
        own log-probability of it. Exploration placed where the agent knows least, at the start
        of an episode, that leaves the rest of the episode on-policy, and whose learning signal
        does not vanish with the action's probability (README, "The active T-maze"). 0 (the
        default): off.
    :param min_updates: the fewest PPO updates ``learn(total_timesteps)`` splits its env steps
        into: where rollouts of ``n_steps`` would make fewer, each rollout is shortened to
        ``total_timesteps // (min_updates * n_envs)`` steps per env, but never below the env's
        episode horizon (a shorter rollout cuts every episode; on CartPole without velocities
        at 50k env steps, 97-step rollouts of its 500-step episodes passed the 450 bar on 6 of
        15 seeds x cores against 12) nor :data:`~recurrent_agents.defaults.MIN_ROLLOUT_STEPS`
        (``set_rollout_length``, so the minibatch shrinks alike and ``align_rollouts`` still
        applies). Each update moves the policy a bounded step (the clip range, ``target_kl``),
        so a short run of a few long rollouts cannot move it far. 0: ``n_steps`` whatever the
        budget; with 64 (the default) only runs shorter than 64 rollouts of ``n_steps`` change.
    :param align_rollouts: round ``n_steps`` to the nearest whole number of the env's episode
        horizon (:func:`recurrent_agents.horizon.whole_episode_rollout`; again on ``set_env``),
        so that episodes of a fixed length, which start together, each lie whole in one rollout
        and their decisions' gradients reach their first steps. Without it a rollout boundary
        cuts every episode it crosses (all of them when the horizon exceeds ``n_steps``). The
        minibatch size stays. ``"auto"``: only where the horizon exceeds ``n_steps`` (the
        rollout becomes one horizon) and episodes last the horizon: once an episode ends before
        it (CartPole, a MiniGrid room), rollouts go back to ``n_steps`` after the one collected,
        since whole-episode rollouts are for fixed-length episodes (the default: from scratch
        at L=1000 the T-maze's junction was never tried with 256-step rollouts on 3 of 5 seeds;
        README, "What RecurrentPPO changes"). False: ``n_steps`` as given. An env that
        declares no horizon keeps it with either.
    :param bptt_rollouts: how many earlier rollouts the gradient of a sequence that continues an
        episode reaches back into: its episode's steps there are run through the cores again at
        each minibatch, and the stored state the sequence starts from passes their gradient on
        while keeping its value (so the PPO ratio stays exact). A rollout boundary then no
        longer cuts the gradient from a decision back to its cue, whatever the horizon and
        whether episodes have a fixed length or not, at the cost of running those steps.
        ``"horizon"``: far enough for the env's episode horizon (one rollout when it declares
        none; :func:`recurrent_agents.horizon.bptt_reach`). 0 (the default): sb3-contrib's cut
        at the rollout start.
    :param normalize_value_targets: the critic predicts values in units of the running root mean
        square of the value targets, and its loss is measured in those units, so that neither
        its gradient nor (through the shared gradient clip) the actor's depends on the scale of
        the task's rewards. Values reported in the rollout stay in the task's units.
    :param learning_rate: Adam's step size, or a schedule of the progress remaining. None (the
        default): the core's (:func:`recurrent_agents.defaults.default_learning_rate`).
    :param desired_kl: adapt the learning rate between updates toward this KL per update
        (``lr_factor``: x1.5 after an update whose KL was below half of it, /1.5 above twice
        it, within 1/4 to 4 times ``learning_rate``; the schedule of rsl_rl's PPO, per update).
        How far one update moves the policy differs between tasks (a dense control task's
        updates moved it up to 4x less than a memory task's); None (the default): a fixed rate.
    :param torch_threads: torch's intra-op threads inside ``learn()`` and ``predict()`` (the
        previous count is restored after); None leaves torch's setting alone. The policy's ops
        are small, so more threads cost more in synchronisation than they gain (see the README).
    Other parameters as in ``sb3_contrib.RecurrentPPO``.
    """

    policy_aliases: ClassVar[dict[str, type[BasePolicy]]] = {
        "MlpPolicy": RecurrentActorCriticPolicy,
        "MlpLstmPolicy": RecurrentActorCriticPolicy,
        "CnnPolicy": RecurrentActorCriticCnnPolicy,
        "CnnLstmPolicy": RecurrentActorCriticCnnPolicy,
        "MultiInputPolicy": RecurrentMultiInputActorCriticPolicy,
        "MultiInputLstmPolicy": RecurrentMultiInputActorCriticPolicy,
    }

    def __init__(
        self,
        policy: str | type[RecurrentActorCriticPolicy],
        env: GymEnv | str,
        learning_rate: float | Schedule | None = _D["learning_rate"],
        n_steps: int = _D["n_steps"],
        min_updates: int = _D["min_updates"],
        align_rollouts: bool | str = _D["align_rollouts"],
        batch_size: int | None = _D["batch_size"],
        n_epochs: int = _D["n_epochs"],
        gamma: float = _D["gamma"],
        gae_lambda: float = _D["gae_lambda"],
        clip_range: float | Schedule = _D["clip_range"],
        clip_range_vf: float | Schedule | None = _D["clip_range_vf"],
        normalize_advantage: bool = _D["normalize_advantage"],
        advantage_floor_ratio: float = _D["advantage_floor_ratio"],
        advantage_floor_discounted: bool | str = _D["advantage_floor_discounted"],
        ent_coef: float = _D["ent_coef"],
        entropy_target: float = _D["entropy_target"],
        entropy_weighting: str = _D["entropy_weighting"],
        ent_anneal_fraction: float = _D["ent_anneal_fraction"],
        log_barrier_coef: float = _D["log_barrier_coef"],
        actor_value_coef: float | None = _D["actor_value_coef"],
        start_epsilon: float = _D["start_epsilon"],
        bptt_rollouts: int | str = _D["bptt_rollouts"],
        vf_coef: float = _D["vf_coef"],
        max_grad_norm: float = _D["max_grad_norm"],
        use_sde: bool = False,
        sde_sample_freq: int = -1,
        target_kl: float | None = _D["target_kl"],
        desired_kl: float | None = _D["desired_kl"],
        bootstrap_truncated: bool | str = _D["bootstrap_truncated"],
        time_aware_critic: bool = _D["time_aware_critic"],
        normalize_value_targets: bool = _D["normalize_value_targets"],
        stats_window_size: int = 100,
        tensorboard_log: str | None = None,
        policy_kwargs: dict[str, Any] | None = None,
        verbose: int = 0,
        seed: int | None = None,
        device: th.device | str = "auto",
        torch_threads: int | None = 1,
        _init_setup_model: bool = True,
    ) -> None:
        _check_arguments(
            n_steps=n_steps,
            min_updates=min_updates,
            batch_size=batch_size,
            advantage_floor_ratio=advantage_floor_ratio,
            advantage_floor_discounted=advantage_floor_discounted,
            torch_threads=torch_threads,
            entropy_target=entropy_target,
            entropy_weighting=entropy_weighting,
            ent_anneal_fraction=ent_anneal_fraction,
            start_epsilon=start_epsilon,
            align_rollouts=align_rollouts,
            bptt_rollouts=bptt_rollouts,
            log_barrier_coef=log_barrier_coef,
            actor_value_coef=actor_value_coef,
            desired_kl=desired_kl,
            bootstrap_truncated=bootstrap_truncated,
            time_aware_critic=time_aware_critic,
        )
        self.desired_kl = desired_kl
        # learning_rate's multiplier under desired_kl (saved with the model: a resumed run
        # goes on at the rate it had reached).
        self.lr_factor = 1.0
        self.bptt_rollouts = bptt_rollouts
        self.log_barrier_coef = float(log_barrier_coef)
        # Saved with the model, unlike a policy default, so that a model saved before a core's
        # default changed loads with the critic it has (a file without it predates the per-core
        # defaults: "separate", as any core gets here without policy_kwargs).
        self.critic_core_default = _default_critic_core(policy_kwargs)
        # load() builds the model without setup and then applies the file's values.
        self.actor_value_coef, learning_rate = resolve_core_defaults(
            policy_kwargs, actor_value_coef, learning_rate, loading=not _init_setup_model
        )
        self.torch_threads = torch_threads
        self.entropy_target = float(entropy_target)
        self.entropy_weighting = entropy_weighting
        self.ent_anneal_fraction = float(ent_anneal_fraction)
        self.start_epsilon = float(start_epsilon)
        self.align_rollouts = align_rollouts
        # A saved model that predates min_updates keeps its rollouts (load() applies the
        # file's value over this one).
        self.min_updates = min_updates if _init_setup_model else 0
        self.advantage_floor_ratio = float(advantage_floor_ratio)
        # A saved model that predates the option sums its episode returns (load() applies the
        # file's value over this one).
        self.advantage_floor_discounted = advantage_floor_discounted if _init_setup_model else False
        self.bootstrap_truncated = bootstrap_truncated
        # A saved model that predates the option has no time heads (load() applies the file's
        # value over this one).
        self.time_aware_critic = bool(time_aware_critic) if _init_setup_model else False
        # The longest episode a truncation has ended so far (saved: the task's time limit),
        # and each env's steps in its current episode.
        self.time_limit: int | None = None
        self._episode_steps: np.ndarray | None = None
        # bootstrap_truncated="auto" (saved, so a resumed run keeps its verdict): the range of
        # the rewards of steps that did not end an episode; how many truncations paid a reward
        # outside it, how many paid one outside the range of their own episode's other steps,
        # of how many judged; and the verdict.
        self.ongoing_reward_range: tuple[float, float] | None = None
        self.deadline_payoffs = 0
        self.episode_payoffs = 0
        self.judged_truncations = 0
        self.deadline_verdict = False
        # Each truncation's reward with its episode's range, judged when the rollout ends, and
        # each env's range of the rewards of its current episode's steps that went on.
        self._truncation_rewards: list[tuple[float, float, float]] = []
        self._episode_reward_range: np.ndarray | None = None
        self.normalize_value_targets = bool(normalize_value_targets)
        # Running mean of the squared value targets (None before the first update).
        self.value_target_mean_square: float | None = None
        # Largest spread of summed episode returns so far, and of discounted ones: the task's
        # own return scale (saved with the model, so a resumed run keeps its floor).
        self.return_std_peak = 0.0
        self.discounted_return_std_peak = 0.0
        # Returns of the last episodes in the units of the rewards this algorithm receives
        # (after any reward-scaling wrapper, e.g. VecNormalize: the advantages' units; a
        # Monitor inside the wrapper records the env's own), summed and discounted back from
        # each episode's end, and each env's running sums.
        self.episode_returns: deque[float] = deque(maxlen=stats_window_size)
        self.discounted_episode_returns: deque[float] = deque(maxlen=stats_window_size)
        self._episode_reward_sums: np.ndarray | None = None
        self._episode_discounted_sums: np.ndarray | None = None
        # set_rollout_length's minibatch size, applied when the next rollout starts.
        self._next_batch_size: int | None = None
        # align_rollouts="auto": the rollout length asked for, and whether an episode has
        # ended before the horizon (no fixed length).
        self._requested_n_steps = n_steps
        self.episodes_end_early = False
        super().__init__(
            policy,
            env,
            learning_rate=learning_rate,
            n_steps=n_steps,
            batch_size=batch_size,
            n_epochs=n_epochs,
            gamma=gamma,
            gae_lambda=gae_lambda,
            clip_range=clip_range,
            clip_range_vf=clip_range_vf,
            normalize_advantage=normalize_advantage,
            ent_coef=ent_coef,
            vf_coef=vf_coef,
            max_grad_norm=max_grad_norm,
            use_sde=use_sde,
            sde_sample_freq=sde_sample_freq,
            target_kl=target_kl,
            stats_window_size=stats_window_size,
            tensorboard_log=tensorboard_log,
            policy_kwargs=policy_kwargs,
            verbose=verbose,
            seed=seed,
            device=device,
            _init_setup_model=_init_setup_model,
        )

    def _setup_model(self) -> None:
        self._setup_lr_schedule()
        self.set_random_seed(self.seed)
        self.policy = self.policy_class(
            self.observation_space,
            self.action_space,
            self.lr_schedule,
            use_sde=self.use_sde,
            **self._resolved_policy_kwargs(),
        ).to(self.device)
        if not isinstance(self.policy, RecurrentActorCriticPolicy):
            raise ValueError(
                f"policy must subclass recurrent_agents.RecurrentActorCriticPolicy, "
                f"got {type(self.policy).__name__}"
            )
        if self.log_barrier_coef > 0 and max_policy_entropy(self.action_space) is None:
            raise ValueError(
                "log_barrier_coef needs a discrete action space (Discrete, MultiDiscrete, "
                f"MultiBinary), got {self.action_space}"
            )
        if self.start_epsilon > 0 and not isinstance(self.action_space, spaces.Discrete):
            raise ValueError(
                f"start_epsilon needs a Discrete action space, got {self.action_space}"
            )
        self._last_lstm_states = self.policy.initial_state(self.n_envs)
        self.n_steps = self._aligned(self.n_steps)
        self.rollout_buffer = SequenceRolloutBuffer(
            self.n_steps,
            self.n_envs,
            self.device,
            gamma=self.gamma,
            gae_lambda=self.gae_lambda,
            history=self._bptt_history(),
        )
        self.clip_range = FloatSchedule(self.clip_range)
        if self.clip_range_vf is not None:
            if isinstance(self.clip_range_vf, (float, int)) and self.clip_range_vf <= 0:
                raise ValueError(
                    f"clip_range_vf must be positive or None, got {self.clip_range_vf!r}"
                )
            self.clip_range_vf = FloatSchedule(self.clip_range_vf)
        # The entropy each step's bonus counts up to (None: no cap), fixed by the action space.
        max_entropy = max_policy_entropy(self.action_space)
        self._entropy_cap = (
            self.entropy_target * max_entropy
            if max_entropy is not None and self.entropy_target < 1.0
            else None
        )

    def _resolved_policy_kwargs(self) -> dict[str, Any]:
        """``policy_kwargs`` as the policy is built with them.

        * A gated core given no keep-gate init (``chrono_init``, ``forget_bias``) and not
          PyTorch's init gets :data:`~recurrent_agents.defaults.GATED_CORE_DEFAULTS`: chrono
          init for the env's horizon on half the units (three quarters for the GRU,
          :data:`~recurrent_agents.defaults.CHRONO_FRACTION_BY_CORE`), so some units integrate
          (a memory with no phase to lose) beside the ``"elman"`` init's fast units (a memory
          that does not need its gates learned first). ``chrono_init=None`` turns it off.
        * Given no critic option, ``critic_core`` is the core's default
          (:data:`~recurrent_agents.defaults.CRITIC_CORE_BY_CORE`).
        * ``chrono_init="horizon"`` is replaced by the env's episode horizon (the rollout length
          when the env declares none).
        * For a core without a keep gate, ``chrono_init="horizon"`` is dropped, and for every
          built-in core the ``core_kwargs`` of :data:`CORE_SPECIFIC_OPTIONS` it does not take,
          so one sweep command fits every core.
        """
        kwargs = dict(self.policy_kwargs)
        if self.actor_value_coef > 0:
            kwargs["actor_value_head"] = True
        if self._time_critic:
            kwargs["time_aware_critic"] = True
        if self.critic_core_default is not None and not _gives_critic_option(kwargs):
            kwargs["critic_core"] = self.critic_core_default
        core = _policy_core(kwargs)
        core_kwargs = dict(kwargs.get("core_kwargs") or {})
        registered = is_core(core)
        if registered:
            dropped = [o for o in CORE_SPECIFIC_OPTIONS if not core_takes(core, o)]
            core_kwargs = {k: v for k, v in core_kwargs.items() if k not in dropped}
            if "core_kwargs" in kwargs:
                kwargs["core_kwargs"] = core_kwargs
        if registered and not core_takes(core, "chrono_init"):
            if kwargs.get("chrono_init") == CHRONO_HORIZON:
                del kwargs["chrono_init"]
            return kwargs
        own_init = "chrono_init" in kwargs or kwargs.get("forget_bias") is not None
        if registered and not own_init and core_kwargs.get("init") != "pytorch":
            kwargs["chrono_init"] = GATED_CORE_DEFAULTS["chrono_init"]
            fraction = CHRONO_FRACTION_BY_CORE.get(core, GATED_CORE_DEFAULTS["chrono_fraction"])
            core_kwargs.setdefault("chrono_fraction", fraction)
            kwargs["core_kwargs"] = core_kwargs
        if kwargs.get("chrono_init") != CHRONO_HORIZON:
            return kwargs
        horizon = episode_horizon(self.env) if self.env is not None else None
        kwargs["chrono_init"] = max(2, horizon or self.n_steps)
        return kwargs

    def set_env(self, env: GymEnv, force_reset: bool = True) -> None:
        """Train on ``env`` from now on, also between two rollouts of a running ``learn()``
        (e.g. from a callback's ``on_rollout_end``: a curriculum's next stage).

        Checks ``env`` as SB3's ``set_env`` does, but raises ``ValueError`` for any mismatch
        (number of envs, observation or action space). With ``force_reset`` (default) the
        switch is complete at once: ``env`` is reset now, its episodes start from zero core
        states, and the episode statistics (``ep_info_buffer``, ``ep_success_buffer``) restart so
        that they describe ``env`` alone. The rollout already collected and its update are not
        affected. The previous env is not closed (the caller owns it).
        """
        env = self._wrap_env(env, self.verbose)
        if env.num_envs != self.n_envs:
            raise ValueError(f"env must have the model's {self.n_envs} envs, got {env.num_envs}")
        super().set_env(env, force_reset=force_reset)
        self.rollout_buffer.set_history(self._bptt_history())
        if not force_reset:
            return
        self._last_obs = self.env.reset()
        self._last_episode_starts = np.ones(self.n_envs, dtype=bool)
        if self._aligned(self.n_steps) != self.n_steps:
            self.set_rollout_length(self.n_steps)  # whole episodes of the new env's horizon
        self._last_lstm_states = self.policy.initial_state(self.n_envs)
        for buffer in (self.ep_info_buffer, self.ep_success_buffer):
            if buffer is not None:  # None before the first learn()
                buffer.clear()
        self.episode_returns.clear()
        self._episode_reward_sums = None
        self._episode_reward_range = None
        self.episodes_end_early = False

    def _bptt_history(self) -> int:
        """The earlier rollouts the buffer keeps for ``bptt_rollouts``."""
        if self.bptt_rollouts != BPTT_HORIZON:
            return int(self.bptt_rollouts)
        horizon = episode_horizon(self.env) if self.env is not None else None
        return bptt_reach(self.n_steps, horizon)

    def _aligned(self, n_steps: int) -> int:
        """``n_steps``, as whole episodes of the env's horizon where ``align_rollouts`` says."""
        if not self.align_rollouts or self.env is None:
            return n_steps
        horizon = episode_horizon(self.env)
        if self.align_rollouts == ALIGN_AUTO and (
            horizon is None or n_steps >= horizon or self.episodes_end_early
        ):
            return n_steps
        return whole_episode_rollout(n_steps, horizon)

    def set_rollout_length(self, n_steps: int) -> None:
        """Collect ``n_steps`` steps per env from the next rollout on, with the minibatch size
        scaled by the same factor (the same number of minibatches per epoch). With
        ``align_rollouts``, ``n_steps`` is rounded to whole episodes of the env's horizon first.

        The rollout already collected keeps its length and is trained on with the current
        minibatch size, so this may be called between a rollout and its update.
        """
        if not isinstance(n_steps, int) or isinstance(n_steps, bool) or n_steps < 1:
            raise ValueError(f"n_steps must be a positive int, got {n_steps!r}")
        self._requested_n_steps = n_steps
        n_steps = self._aligned(n_steps)
        batch_size = self._next_batch_size or self.batch_size
        if batch_size is not None:
            self._next_batch_size = max(1, batch_size * n_steps // self.n_steps)
        self._resize_rollouts(n_steps)

    def _resize_rollouts(self, n_steps: int) -> None:
        """Collect ``n_steps`` steps per env from the next rollout on (the buffer resizes at its
        next reset, so a rollout already collected keeps its length for its update)."""
        self.n_steps = n_steps
        self.rollout_buffer.resize(n_steps)
        self.rollout_buffer.set_history(self._bptt_history())

    def rollout_length_for(self, total_timesteps: int, reset_num_timesteps: bool = True) -> int:
        """Steps per env per rollout that ``learn(total_timesteps, reset_num_timesteps=...)``
        collects: ``n_steps``, shortened to make ``min_updates`` updates of the run's env steps
        (counted from 0 with ``reset_num_timesteps``, else from ``num_timesteps``; never below
        the env's episode horizon, :func:`recurrent_agents.defaults.rollout_for_budget`)."""
        run_steps = total_timesteps + (0 if reset_num_timesteps else self.num_timesteps)
        horizon = episode_horizon(self.env) if self.env is not None else None
        return rollout_for_budget(
            self._requested_n_steps, self.n_envs, run_steps, self.min_updates, horizon
        )

    def learn(
        self,
        total_timesteps: int,
        callback: MaybeCallback = None,
        log_interval: int = 1,
        tb_log_name: str = "RecurrentPPO",
        reset_num_timesteps: bool = True,
        progress_bar: bool = False,
    ) -> RecurrentPPO:
        """sb3-contrib's ``learn``, with ``torch_threads`` torch threads (restored after), and
        rollouts of :meth:`rollout_length_for` ``total_timesteps``."""
        n_steps = self.rollout_length_for(total_timesteps, reset_num_timesteps)
        if n_steps < self._requested_n_steps:
            self.set_rollout_length(n_steps)
        with self._torch_threads():
            return super().learn(
                total_timesteps,
                callback=callback,
                log_interval=log_interval,
                tb_log_name=tb_log_name,
                reset_num_timesteps=reset_num_timesteps,
                progress_bar=progress_bar,
            )

    def predict(
        self,
        observation: np.ndarray | dict[str, np.ndarray],
        state: tuple[np.ndarray, ...] | None = None,
        episode_start: np.ndarray | None = None,
        deterministic: bool = False,
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...] | None]:
        """sb3-contrib's ``predict``, with ``torch_threads`` torch threads (restored after)."""
        with self._torch_threads():
            return super().predict(observation, state, episode_start, deterministic)

    @contextmanager
    def _torch_threads(self) -> Iterator[None]:
        """Run the body with ``torch_threads`` intra-op threads, then restore torch's count."""
        previous = th.get_num_threads()
        if self.torch_threads is not None:
            th.set_num_threads(self.torch_threads)
        try:
            yield
        finally:
            th.set_num_threads(previous)

    def collect_rollouts(
        self,
        env: VecEnv,
        callback: BaseCallback,
        rollout_buffer: SequenceRolloutBuffer,
        n_rollout_steps: int,
    ) -> bool:
        """Run the policy for ``n_rollout_steps`` steps per env and fill ``rollout_buffer``."""
        assert self._last_obs is not None, "No previous observation was provided"
        self.policy.set_training_mode(False)
        rollout_buffer.reset(self._last_lstm_states)
        if self._next_batch_size is not None:  # the previous rollout's update is done
            self.batch_size, self._next_batch_size = self._next_batch_size, None
        if self.use_sde:
            self.policy.reset_noise(env.num_envs)
        callback.on_rollout_start()
        states = self._last_lstm_states
        dones = self._last_episode_starts
        episode_steps = self._steps_into_episodes(env.num_envs)
        watched_horizon = None  # align_rollouts="auto" watches episodes until one ends early
        if self.align_rollouts == ALIGN_AUTO and not self.episodes_end_early:
            watched_horizon = episode_horizon(env)
        for n_steps in range(n_rollout_steps):
            if self.use_sde and self.sde_sample_freq > 0 and n_steps % self.sde_sample_freq == 0:
                self.policy.reset_noise(env.num_envs)  # a new gSDE noise matrix
            # inference_mode skips autograd bookkeeping on every op (cheaper than no_grad); its
            # tensors are only copied into the buffer, never saved for backward.
            with th.inference_mode():
                obs_tensor = obs_as_tensor(self._last_obs, self.device)
                starts = th.as_tensor(
                    self._last_episode_starts, dtype=th.float32, device=self.device
                )
                explore = None
                if self.start_epsilon > 0:
                    explore = (starts > 0) & (th.rand_like(starts) < self.start_epsilon)
                actions, values, log_probs, states = self.policy(
                    obs_tensor,
                    states,
                    starts,
                    explore=explore,
                    time_discount=self._time_discount(episode_steps),
                )
            clipped_actions = self._env_actions(actions)
            new_obs, rewards, dones, infos = env.step(clipped_actions)
            self.num_timesteps += env.num_envs

            callback.update_locals(locals())
            if not callback.on_step():
                return False
            self._update_info_buffer(infos, dones)
            self._record_episode_returns(rewards, dones)
            if self.bootstrap_truncated == BOOTSTRAP_IN_RANGE:
                self._watch_episode_rewards(rewards, dones, infos)
            if dones.any() and self._bootstraps_truncations:
                self._bootstrap_truncated(rewards, dones, infos, states)
            rollout_buffer.add(
                obs_tensor,
                actions,
                rewards,
                self._last_episode_starts,
                values,
                log_probs,
                episode_steps if self._time_critic else None,
            )
            self._count_episode_steps(dones, infos, watched_horizon)
            self._last_obs = new_obs
            self._last_episode_starts = dones
            self._last_lstm_states = states

        with th.no_grad():
            last_values = self.policy.predict_values(
                obs_as_tensor(self._last_obs, self.device),
                states.vf,
                th.as_tensor(dones, dtype=th.float32, device=self.device),
                self._time_discount(episode_steps),
            )
        rollout_buffer.compute_returns_and_advantage(last_values=last_values, dones=dones)
        if self.bootstrap_truncated == BOOTSTRAP_IN_RANGE:
            self._count_deadline_payoffs(rollout_buffer, dones)
            self.logger.record("rollout/deadline_payoffs", self.deadline_payoffs)
            self.logger.record("rollout/episode_payoffs", self.episode_payoffs)
            self.logger.record("rollout/judged_truncations", self.judged_truncations)
        callback.update_locals(locals())
        callback.on_rollout_end()
        if self.episodes_end_early and self.n_steps != self._requested_n_steps:
            # align_rollouts="auto" ends whole-episode rollouts once an episode ended early.
            self._resize_rollouts(self._requested_n_steps)
        return True

    @property
    def time_limit_is_deadline(self) -> bool:
        """Whether the task's time limit has shown itself its deadline (watched with
        ``bootstrap_truncated="auto"``): its truncations paid rewards that no step going on
        pays, the reward being for where the agent is when time runs out (a T-maze's arm at
        its deadline), part of the task rather than a cut of an endless one. Once reached, the
        verdict is kept (:meth:`_count_deadline_payoffs`)."""
        return self.deadline_verdict

    @property
    def _bootstraps_truncations(self) -> bool:
        """Whether a truncation can be bootstrapped: on request, or with ``"auto"`` until the
        time limit shows itself a deadline."""
        if self.bootstrap_truncated == BOOTSTRAP_IN_RANGE:
            return not self.time_limit_is_deadline
        return self.bootstrap_truncated is True

    def _watch_episode_rewards(
        self, rewards: np.ndarray, dones: np.ndarray, infos: list[dict]
    ) -> None:
        """Keep the reward of each of this step's truncations, before any bootstrap is added
        to it, with the range of the rewards its episode's other steps paid, for
        :meth:`_count_deadline_payoffs`; widen each going-on episode's range by this step's
        reward and start an ended episode's range again."""
        if self._episode_reward_range is None or len(self._episode_reward_range) != len(rewards):
            self._episode_reward_range = np.tile([np.inf, -np.inf], (len(rewards), 1))
        episode_range = self._episode_reward_range
        for i in np.flatnonzero(dones):
            if infos[i].get("TimeLimit.truncated", False):
                low, high = episode_range[i]
                self._truncation_rewards.append((float(rewards[i]), float(low), float(high)))
        going_on = ~np.asarray(dones, dtype=bool)
        episode_range[going_on, 0] = np.minimum(episode_range[going_on, 0], rewards[going_on])
        episode_range[going_on, 1] = np.maximum(episode_range[going_on, 1], rewards[going_on])
        episode_range[~going_on] = (np.inf, -np.inf)

    def _count_deadline_payoffs(
        self, rollout_buffer: SequenceRolloutBuffer, last_dones: np.ndarray
    ) -> None:
        """Judge the rollout's truncations against the rewards of the steps that went on
        (ended no episode), and reach the deadline verdict on either of two counts.

        - A payoff: a truncation whose reward lies outside the range of every going-on step of
          the run so far (widened by this rollout's first, so that a first episode's steps
          alone do not set it), by more than :data:`DEADLINE_MARGIN` of its width.
          :data:`DEADLINE_EVIDENCE` of them make the verdict.
        - An episode payoff: a truncation whose reward lies outside the range of its own
          episode's going-on steps by that margin (the truncating T-maze pays 0 at its
          deadline to an agent whose every step before paid -1/L for being behind). The
          verdict needs :data:`DEADLINE_EVIDENCE` of them that are also at least
          :data:`DEADLINE_SHARE` of the truncations judged: a continuing task's rewards can
          reach a new high for their episode on its last step, now and then.

        Bootstrapping a deadline would price the agent's place at the limit at the critic's
        guess of going on, where the task pays for that place (README, "A time limit that
        pays is a deadline")."""
        # A step ended its episode where the next one starts one; the buffer keeps the rewards
        # of the steps that went on as the env paid them (a bootstrap is added at an end only).
        ended = np.concatenate([rollout_buffer.episode_starts[1:], last_dones[None]]) > 0
        going_on = rollout_buffer.rewards[~ended]
        if going_on.size:
            low, high = float(going_on.min()), float(going_on.max())
            if self.ongoing_reward_range is not None:
                low = min(low, self.ongoing_reward_range[0])
                high = max(high, self.ongoing_reward_range[1])
            self.ongoing_reward_range = (low, high)
        truncations, self._truncation_rewards = self._truncation_rewards, []
        if not truncations or self.ongoing_reward_range is None:
            return
        low, high = self.ongoing_reward_range
        margin = DEADLINE_MARGIN * (high - low) + 1e-6
        paid, episode_low, episode_high = np.asarray(truncations).T
        self.deadline_payoffs += int(np.sum((paid < low - margin) | (paid > high + margin)))
        judged = np.isfinite(episode_low)  # an episode truncated on its first step has no range
        outside = (paid < episode_low - margin) | (paid > episode_high + margin)
        self.episode_payoffs += int(np.sum(outside & judged))
        self.judged_truncations += int(np.sum(judged))
        share = self.episode_payoffs >= DEADLINE_SHARE * self.judged_truncations
        self.deadline_verdict = (
            self.deadline_verdict
            or self.deadline_payoffs >= DEADLINE_EVIDENCE
            or (self.episode_payoffs >= DEADLINE_EVIDENCE and share)
        )

    @property
    def _time_critic(self) -> bool:
        """Whether the value heads see the time left: only where truncations end the return
        (a bootstrapped truncation is no end, and the time left there means nothing)."""
        return self.time_aware_critic and self.bootstrap_truncated is False

    def _steps_into_episodes(self, n_envs: int) -> np.ndarray:
        """Each env's steps in its current episode (kept in place across rollouts; 0 where an
        episode starts, e.g. after an env reset)."""
        if self._episode_steps is None or len(self._episode_steps) != n_envs:
            self._episode_steps = np.zeros(n_envs, dtype=np.int64)
        self._episode_steps[np.asarray(self._last_episode_starts, dtype=bool)] = 0
        return self._episode_steps

    def _count_episode_steps(
        self, dones: np.ndarray, infos: list[dict], watched_horizon: int | None
    ) -> None:
        """Advance each env's step count; where an episode ended, learn the time limit from a
        truncation, note an episode shorter than ``watched_horizon`` (``align_rollouts="auto"``)
        and start the count again."""
        self._episode_steps += 1
        ended = np.flatnonzero(dones)
        if watched_horizon is not None and np.any(self._episode_steps[ended] < watched_horizon):
            self.episodes_end_early = True
        for i in ended:
            if infos[i].get("TimeLimit.truncated", False):
                self.time_limit = max(self.time_limit or 0, int(self._episode_steps[i]))
        self._episode_steps[ended] = 0

    def _time_discount(self, episode_steps: np.ndarray) -> th.Tensor | None:
        """The value heads' time input for envs ``episode_steps`` into their episodes (None:
        no time-aware critic, or no time limit seen yet)."""
        if not self._time_critic or self.time_limit is None:
            return None
        steps = th.as_tensor(episode_steps, device=self.device)
        return discount_to_limit(steps, self.time_limit, self.gamma)

    def _env_actions(self, actions: th.Tensor) -> np.ndarray:
        """The policy's actions as the env takes them: Box actions unscaled from [-1, 1] when
        the policy squashes them, else clipped to the action space (SB3's on-policy rule)."""
        env_actions = actions.cpu().numpy()
        if not isinstance(self.action_space, spaces.Box):
            return env_actions
        if self.policy.squash_output:
            return self.policy.unscale_action(env_actions)
        return np.clip(env_actions, self.action_space.low, self.action_space.high)

    def _bootstrap_truncated(
        self, rewards: np.ndarray, dones: np.ndarray, infos: list[dict], states: RNNStates
    ) -> None:
        """Add gamma * V(terminal obs) to rewards of time-limit truncations (SB3 issue #633);
        with ``bootstrap_truncated="auto"`` only where the terminal obs lies in the range the
        critic was trained on (the policy's ``in_seen_range``)."""
        idx = [
            i
            for i in np.flatnonzero(dones)
            if infos[i].get("terminal_observation") is not None
            and infos[i].get("TimeLimit.truncated", False)
        ]
        if not idx:
            return
        terminal = [infos[i]["terminal_observation"] for i in idx]
        if isinstance(terminal[0], dict):
            terminal_batch = {key: np.stack([obs[key] for obs in terminal]) for key in terminal[0]}
        else:
            terminal_batch = np.stack(terminal)
        terminal_obs = obs_as_tensor(terminal_batch, self.device)
        if self.bootstrap_truncated == BOOTSTRAP_IN_RANGE:
            seen = self.policy.in_seen_range(terminal_obs)
            idx = [i for i, keep in zip(idx, seen.tolist(), strict=True) if keep]
            if not idx:
                return
            terminal_obs = map_observations(lambda x: x[seen], terminal_obs)
        with th.no_grad():
            vf_state = tuple(s[:, idx] for s in states.vf)
            starts = th.zeros(len(idx), device=self.device)
            values = self.policy.predict_values(terminal_obs, vf_state, starts)
        rewards[idx] += self.gamma * values.cpu().numpy().reshape(-1)

    def _record_episode_returns(self, rewards: np.ndarray, dones: np.ndarray) -> None:
        """Add this step's rewards to each env's running returns, summed and discounted back
        from the newest step; keep the returns that end."""
        if self._episode_reward_sums is None or len(self._episode_reward_sums) != len(rewards):
            self._episode_reward_sums = np.zeros(len(rewards), dtype=np.float64)
            self._episode_discounted_sums = np.zeros(len(rewards), dtype=np.float64)
        self._episode_reward_sums += rewards
        self._episode_discounted_sums *= self.gamma
        self._episode_discounted_sums += rewards
        for i in np.flatnonzero(dones):
            self.episode_returns.append(float(self._episode_reward_sums[i]))
            self.discounted_episode_returns.append(float(self._episode_discounted_sums[i]))
            self._episode_reward_sums[i] = self._episode_discounted_sums[i] = 0.0

    def _return_std(self, returns: deque[float]) -> float:
        """Spread of the task's returns, in the units of the rewards the algorithm receives:
        std of the last episodes' ``returns``, or of this rollout's value targets before two
        episodes have ended."""
        if len(returns) >= 2:
            return float(np.std(returns))
        return float(self.rollout_buffer.returns.std())

    @property
    def floor_reads_discounted(self) -> bool:
        """Whether the advantage floor reads the discounted returns' peak spread now: on
        request, or with ``advantage_floor_discounted="auto"`` while the task has a time limit
        (declared by a Gymnasium ``TimeLimit``, or seen in a truncation) and its truncations are
        bootstrapped.

        A declared limit counts from the first update: a balancing task's episodes end long
        before its limit while it learns, and a floor summed until its first truncation held
        back a quarter of its policy gradient on average (up to two thirds), then let go at
        once (README, "The floor's units from a declared time limit")."""
        if self.advantage_floor_discounted == FLOOR_AUTO:
            limited = self.time_limit is not None or (
                self.env is not None and declared_time_limit(self.env) is not None
            )
            return limited and self._bootstraps_truncations
        return self.advantage_floor_discounted is True

    def _excluded_save_params(self) -> list[str]:
        # A loaded model's envs start new episodes: the running sums start from zero. The
        # entropy cap is derived again from entropy_target when the model is set up.
        return [
            *super()._excluded_save_params(),
            "_episode_reward_sums",
            "_episode_discounted_sums",
            "_episode_steps",
            "_truncation_rewards",
            "_episode_reward_range",
            "_entropy_cap",
        ]

    def _advantage_scale(self) -> tuple[float, float, float]:
        """Mean, floored std and raw std of the rollout's advantages; normalisation divides by
        the floored std.

        Once a task is solved the advantages are only critic error, tiny next to the spread of
        episode returns seen while learning; flooring the std at ``advantage_floor_ratio``
        times the largest such spread so far keeps that noise small instead of scaling it to
        unit size, at any reward scale. (Episode returns, not advantages or value targets: an
        untrained critic's error would set the peak in the first rollouts.)
        """
        if not self.normalize_advantage:
            return 0.0, 1.0, 1.0
        adv = self.rollout_buffer.advantages
        std = float(adv.std())
        self.return_std_peak = max(self.return_std_peak, self._return_std(self.episode_returns))
        self.discounted_return_std_peak = max(
            self.discounted_return_std_peak, self._return_std(self.discounted_episode_returns)
        )
        peak = (
            self.discounted_return_std_peak if self.floor_reads_discounted else self.return_std_peak
        )
        self.logger.record("train/advantage_std", std)
        self.logger.record("train/return_std_peak", peak)
        floored = max(std, self.advantage_floor_ratio * peak, 1e-8)
        return float(adv.mean()), floored, std

    def _update_value_scale(self) -> None:
        """Fold this rollout's value targets into their running mean square and measure the
        critic's values in units of its root (a rollout without any return leaves it)."""
        mean_square = float(np.mean(np.square(self.rollout_buffer.returns, dtype=np.float64)))
        if not 0.0 < mean_square < math.inf:  # no return yet, or diverged (the loss says so)
            return
        if self.value_target_mean_square is None:
            self.value_target_mean_square = mean_square
        else:
            self.value_target_mean_square += VALUE_SCALE_RATE * (
                mean_square - self.value_target_mean_square
            )
        self.policy.set_value_scale(max(math.sqrt(self.value_target_mean_square), 1e-3))
        self.logger.record("train/value_scale", float(self.policy.value_scale))

    def train(self) -> None:
        """PPO update on whole-sequence minibatches of the current rollout."""
        self.policy.set_training_mode(True)
        self._update_learning_rate(self.policy.optimizer)
        clip_range = self.clip_range(self._current_progress_remaining)
        clip_range_vf = (
            self.clip_range_vf(self._current_progress_remaining)
            if self.clip_range_vf is not None
            else None
        )
        if self.normalize_value_targets:
            self._update_value_scale()
        adv_mean, adv_std, raw_adv_std = self._advantage_scale()
        ent_coef = self.entropy_coefficient()
        if self.entropy_weighting == "floor":
            # The floor scales this rollout's policy gradient down by (raw std / floored std);
            # the bonus goes down with it, keeping the ratio that plain normalisation gives.
            ent_coef *= min(1.0, raw_adv_std / adv_std)
        # Per-minibatch statistics stay tensors until the end: one sync instead of five each.
        stats: list[th.Tensor] = []
        grad_norms: list[th.Tensor] = []
        approx_kl_divs: list[float] = []
        continue_training = True
        params = list(self.policy.parameters())
        for epoch in range(self.n_epochs):
            approx_kl_divs = []
            batches = self.rollout_buffer.get(
                self.batch_size,
                advantage_scale=(adv_mean, adv_std),
                time_limit=self.time_limit if self._time_critic else None,
            )
            for batch in batches:
                loss, approx_kl, batch_stats = self._minibatch_loss(
                    batch, clip_range, clip_range_vf, ent_coef
                )
                stats.append(batch_stats)
                if self.target_kl is not None:
                    approx_kl_divs.append(approx_kl.item())
                    if approx_kl_divs[-1] > 1.5 * self.target_kl:
                        continue_training = False
                        if self.verbose >= 1:
                            print(f"Early stopping at epoch {epoch}: approx_kl {approx_kl:.3f}")
                        break
                else:
                    approx_kl_divs.append(approx_kl)
                if not th.isfinite(loss):  # the parameters stay those of the last finite step
                    raise FloatingPointError(
                        f"non-finite PPO loss {loss.item()} in update {self._n_updates + 1}"
                    )
                grad_norms.append(self._gradient_step(loss, params))
            self._n_updates += 1
            if not continue_training:
                break

        # After the update, so that rollout and update saw the same statistics.
        self.policy.update_obs_stats(self.rollout_buffer.observations)
        self._record_update(
            stats, approx_kl_divs, grad_norms, loss, adv_std, clip_range, clip_range_vf, ent_coef
        )
        if self.desired_kl is not None:
            self._adapt_learning_rate(float(np.mean([float(kl) for kl in approx_kl_divs])))

    def _update_learning_rate(
        self, optimizers: list[th.optim.Optimizer] | th.optim.Optimizer
    ) -> None:
        """SB3's: the schedule's rate for this update, times ``lr_factor`` (1 unless
        ``desired_kl`` adapts it)."""
        learning_rate = self.lr_schedule(self._current_progress_remaining) * self.lr_factor
        self.logger.record("train/learning_rate", learning_rate)
        for optimizer in optimizers if isinstance(optimizers, list) else [optimizers]:
            update_learning_rate(optimizer, learning_rate)

    def _adapt_learning_rate(self, update_kl: float) -> None:
        """The next update's ``lr_factor`` from this one's KL (its last epoch's mean over
        minibatches, the policy it ended with against the rollout's): a task whose updates
        barely move the policy gets a larger step, one whose updates overshoot a smaller one."""
        if update_kl > 2 * self.desired_kl:
            self.lr_factor /= LR_ADAPT_STEP
        elif update_kl < self.desired_kl / 2:
            self.lr_factor *= LR_ADAPT_STEP
        self.lr_factor = min(max(self.lr_factor, LR_ADAPT_RANGE[0]), LR_ADAPT_RANGE[1])

    def entropy_coefficient(self) -> float:
        """This update's entropy coefficient: ``ent_coef``, falling linearly to 0 over the last
        ``ent_anneal_fraction`` of the training budget."""
        if self.ent_anneal_fraction == 0:
            return float(self.ent_coef)
        remaining = max(0.0, self._current_progress_remaining)
        return float(self.ent_coef) * min(1.0, remaining / self.ent_anneal_fraction)

    def _minibatch_loss(
        self,
        batch: SequenceBatch,
        clip_range: float,
        clip_range_vf: float | None,
        ent_coef: float,
    ) -> tuple[th.Tensor, th.Tensor, th.Tensor]:
        """PPO loss of one minibatch, its approximate KL divergence from the rollout policy, and
        its statistics (policy, value and entropy losses, clip fraction, the actor's value loss) as
        one tensor."""
        # Valid (non-padding) steps only, in the order of batch.targets.
        values_pred, log_prob, entropy, mean_log_prob, actor_values = self.policy.evaluate_batch(
            batch
        )
        old_values, old_log_prob, advantages, returns = batch.targets.unbind(-1)
        log_ratio = log_prob - old_log_prob
        ratio = th.exp(log_ratio)
        policy_loss = -th.min(
            advantages * ratio,
            advantages * th.clamp(ratio, 1 - clip_range, 1 + clip_range),
        ).mean()
        # In the critic's units (value_scale), so that the loss is O(1) at any reward scale.
        scale = self.policy.value_scale
        if clip_range_vf is not None:
            values_pred = old_values + th.clamp(
                values_pred - old_values, -clip_range_vf * scale, clip_range_vf * scale
            )
        value_loss = (((returns - values_pred) / scale) ** 2).mean()
        # Per-step weight of the bonus: its share of the policy gradient's attention.
        weight = advantages.abs() if self.entropy_weighting == "advantage" else 1.0
        if entropy is None:
            entropy_loss = log_prob.mean()
            bonus_loss = (weight * log_prob).mean()
        else:
            entropy_loss = -entropy.mean()
            capped = entropy if self._entropy_cap is None else entropy.clamp(max=self._entropy_cap)
            bonus_loss = -(weight * capped).mean()
        loss = policy_loss + ent_coef * bonus_loss + self.vf_coef * value_loss
        if self.log_barrier_coef > 0 and mean_log_prob is not None:
            # Unlike the entropy's, its push on an action does not vanish with the action's
            # probability (d/dz_a = 1/n - p_a): a decision gone deterministic before the
            # advantages favour either action is pulled back to sampling the others.
            loss = loss - self.log_barrier_coef * mean_log_prob.mean()
        actor_value_loss = th.zeros(())
        if self.actor_value_coef > 0:
            # The critic's targets, learned through the actor's core: the advantages still come
            # from the critic, but the actor's core now carries what predicts the return.
            actor_value_loss = (((returns - actor_values) / scale) ** 2).mean()
            loss = loss + self.actor_value_coef * actor_value_loss
        with th.no_grad():
            approx_kl = ((ratio - 1) - log_ratio).mean()
            clip_fraction = ((ratio - 1).abs() > clip_range).float().mean()
            stats = th.stack(
                [policy_loss, value_loss, entropy_loss, clip_fraction, actor_value_loss]
            )
        return loss, approx_kl, stats

    def _gradient_step(self, loss: th.Tensor, params: list[th.Tensor]) -> th.Tensor:
        """One optimizer step on ``loss`` with clipped gradients; the norm before clipping."""
        self.policy.optimizer.zero_grad()
        loss.backward()
        grad_norm = clip_grad_norm(
            [p.grad for p in params if p.grad is not None], self.max_grad_norm
        )
        self.policy.optimizer.step()
        return grad_norm

    def _record_update(
        self,
        stats: list[th.Tensor],
        approx_kl_divs: list[Any],
        grad_norms: list[th.Tensor],
        last_loss: th.Tensor,
        adv_std: float,
        clip_range: float,
        clip_range_vf: float | None,
        ent_coef: float,
    ) -> None:
        """Log the update's means of the minibatch statistics and the coefficients it used
        (``train/*``)."""
        means = th.stack(stats).mean(0).tolist()
        pg_loss, value_loss, entropy_loss, clip_fraction, actor_value_loss = means
        approx_kl = float(np.mean([float(kl) for kl in approx_kl_divs]))
        buffer = self.rollout_buffer
        explained_var = explained_variance(
            buffer.values.cpu().numpy().flatten(), buffer.returns.flatten()
        )
        self.logger.record("train/entropy_loss", entropy_loss)
        self.logger.record("train/policy_gradient_loss", pg_loss)
        self.logger.record("train/value_loss", value_loss)
        if self.actor_value_coef > 0:
            self.logger.record("train/actor_value_loss", actor_value_loss)
        self.logger.record("train/approx_kl", approx_kl)
        self.logger.record("train/clip_fraction", clip_fraction)
        self.logger.record("train/loss", last_loss.item())
        self.logger.record("train/explained_variance", float(explained_var))
        grad_norm = float(th.stack(grad_norms).mean()) if grad_norms else 0.0
        self.logger.record("train/grad_norm", grad_norm)
        self.logger.record("train/advantage_scale", adv_std)
        self.logger.record("train/n_updates", self._n_updates, exclude="tensorboard")
        self.logger.record("train/clip_range", clip_range)
        self.logger.record("train/ent_coef", ent_coef)
        if clip_range_vf is not None:
            self.logger.record("train/clip_range_vf", clip_range_vf)
