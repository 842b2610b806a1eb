"""Tuned hyperparameters for :class:`recurrent_agents.RecurrentPPO` (its constructor defaults).

Configs and sweeps read these dicts; changing a value here changes the algorithm's defaults.
"""

from __future__ import annotations

import math
from typing import Any

#: PPO hyperparameters that train every built-in core on the memory tasks without collapsing
#: (see the robustness table in the README, produced by bench/robustness.py).
PPO_DEFAULTS: dict[str, Any] = {
    "learning_rate": None,
    "n_steps": 256,
    "min_updates": 64,  # README, "Enough updates in a short run"
    "align_rollouts": "auto",
    "batch_size": 512,
    "n_epochs": 8,
    "gamma": 0.99,
    "gae_lambda": 0.95,
    "clip_range": 0.2,
    "clip_range_vf": None,
    "normalize_advantage": True,
    "advantage_floor_ratio": 0.2,
    "advantage_floor_discounted": "auto",  # README, "Time limits judged by default"
    "ent_coef": 0.02,
    "entropy_target": 1.0,
    "entropy_weighting": "uniform",
    "ent_anneal_fraction": 0.0,
    "log_barrier_coef": 0.0,
    "actor_value_coef": None,
    "start_epsilon": 0.0,
    "bptt_rollouts": 0,
    "vf_coef": 0.5,
    "max_grad_norm": 0.5,
    "target_kl": 0.02,
    "desired_kl": None,
    "bootstrap_truncated": "auto",  # README, "Time limits judged by default"
    "time_aware_critic": False,
    "normalize_value_targets": True,
}

#: ``learning_rate`` a core gets when none is given (``None``); :data:`LEARNING_RATE` for the
#: cores not listed (the LSTM, the vanilla RNN, a user's own core). The GRU takes twice the step,
#: with its actor's value head (:data:`ACTOR_VALUE_COEF_BY_CORE`): at 5e-4 it learnt the short
#: recall tasks, CartPole and the long delays more slowly than the LSTM; at 1e-3 alone it learns
#: them faster but falls into the T-maze's junction trap more often (L=200 from scratch: 3 of 5
#: seeds); with the head as well, 5 of 5 (README, "The GRU's learning rate and value head").
#: The LSTM keeps 5e-4: at 1e-3 it lost the corridor's walk at L=1000 from scratch on a seed
#: (the uniform entropy bonus outpulls a policy gradient the advantage floor has scaled down,
#: twice as fast); every form of more movement per update cost the vanilla RNN RepeatFirstEasy
#: on a seed.
LEARNING_RATE = 5e-4
LEARNING_RATE_BY_CORE: dict[str, float] = {"gru": 1e-3}


def default_learning_rate(core: str) -> float:
    """The ``learning_rate`` ``core`` trains with when none is given."""
    return LEARNING_RATE_BY_CORE.get(core, LEARNING_RATE)


#: ``desired_kl``: the learning rate is multiplied by ``LR_ADAPT_STEP`` after an update whose KL
#: was below half of ``desired_kl``, divided by it above twice ``desired_kl``, and kept within
#: ``LR_ADAPT_RANGE`` times ``learning_rate`` (the step and the bands of rsl_rl's adaptive
#: schedule, applied once per update rather than per minibatch).
LR_ADAPT_STEP = 1.5
LR_ADAPT_RANGE = (0.25, 4.0)

#: ``entropy_weighting`` values: the bonus on every step alike (SB3's); each step's scaled by
#: the size of its normalised advantage; or every step's scaled down with the advantages when
#: the advantage floor binds.
ENTROPY_WEIGHTINGS = ("uniform", "advantage", "floor")

#: The shortest rollout (steps per env) ``min_updates`` shortens a rollout to.
MIN_ROLLOUT_STEPS = 32


def rollout_for_budget(
    n_steps: int, n_envs: int, total_timesteps: int, min_updates: int, horizon: int | None = None
) -> int:
    """Steps per env per rollout for a run of ``total_timesteps`` env steps on ``n_envs`` envs:
    ``n_steps``, shortened where it would split the budget into fewer than ``min_updates``
    updates, but never below the env's episode ``horizon`` (a shorter rollout cuts every
    episode) nor :data:`MIN_ROLLOUT_STEPS`. ``min_updates=0``: ``n_steps``."""
    if min_updates <= 0:
        return n_steps
    fitting = max(MIN_ROLLOUT_STEPS, horizon or 0, total_timesteps // (min_updates * n_envs))
    return min(n_steps, fitting)


#: ``align_rollouts`` value (the default): whole-episode rollouts only where the env's episode
#: horizon exceeds ``n_steps`` (a rollout of ``n_steps`` would cut every episode) and its episodes
#: last the horizon (none has ended before it); ``n_steps`` as given elsewhere.
ALIGN_AUTO = "auto"


def is_align_rollouts(value: Any) -> bool:
    """Whether ``value`` is an ``align_rollouts``: True, False or :data:`ALIGN_AUTO`."""
    return value is True or value is False or value == ALIGN_AUTO


#: ``bootstrap_truncated`` value: bootstrap a time-limit truncation from V(final observation)
#: only where that observation lies in the range the critic was trained on (the policy's
#: observation normaliser would not clip it), and only until the time limit shows itself the
#: task's deadline (:data:`DEADLINE_EVIDENCE`); else the truncation ends the return as a terminal.
BOOTSTRAP_IN_RANGE = "auto"

#: With ``bootstrap_truncated="auto"``, a task's time limit is its deadline once this many
#: truncations have paid a reward outside the range of the rewards of the steps that go on, by
#: more than ``DEADLINE_MARGIN`` of that range's width (a T-maze's payoff for the arm the agent
#: is in when time runs out; a penalty for running out of time), or once this many, and at
#: least ``DEADLINE_SHARE`` of the truncations, have paid one outside the range of their own
#: episode's other steps (the truncating T-maze's deadline pays 0 to an agent that every step
#: before charged -1/L for being behind the pace: three in four truncations under random play).
#: A continuing task cut short (a pendulum, a balancing task, a game with a step limit) pays at
#: its limit what it pays on any step: of 52-1785 truncations of each of POPGym's pendulums,
#: CartPoles and games, MiniGrid's and the Bakker T-maze's, random or trained, none was outside
#: the run's range, and at most 0.2% outside its episode's (MineSweeper, trained: 3 of 1785;
#: bench/suite/results/time_limits_auto/episode_lines.csv). More than one such truncation, the share
#: and a margin, so that a new best reward of a continuing task that happens to fall on a
#: truncating step does not end its returns for the rest of the run.
DEADLINE_EVIDENCE = 8
DEADLINE_MARGIN = 0.1
DEADLINE_SHARE = 0.25


#: ``advantage_floor_discounted`` value: the floor reads returns discounted back from each
#: episode's end where the run bootstraps its time-limit truncations (a continuing task cut
#: short, whose summed return grows with where the limit falls), from the first update where
#: a Gymnasium ``TimeLimit`` declares the limit; summed elsewhere (an episode that ends on its
#: own, or at a deadline: its summed return is what the task pays).
FLOOR_AUTO = "auto"


def is_advantage_floor_discounted(value: Any) -> bool:
    """Whether ``value`` is an ``advantage_floor_discounted``: True, False or :data:`FLOOR_AUTO`."""
    return value is True or value is False or value == FLOOR_AUTO


def is_bootstrap_truncated(value: Any) -> bool:
    """Whether ``value`` is a ``bootstrap_truncated``: True, False or :data:`BOOTSTRAP_IN_RANGE`."""
    return value is True or value is False or value == BOOTSTRAP_IN_RANGE


#: ``bptt_rollouts`` value: as many earlier rollouts as the env's episode horizon can span.
BPTT_HORIZON = "horizon"


def is_bptt_rollouts(value: Any) -> bool:
    """Whether ``value`` is a ``bptt_rollouts``: a non-negative int or :data:`BPTT_HORIZON`."""
    count = isinstance(value, int) and not isinstance(value, bool)
    return value == BPTT_HORIZON or (count and value >= 0)


def is_coefficient(value: Any) -> bool:
    """Whether ``value`` is a loss coefficient (``log_barrier_coef``, ``actor_value_coef``): a
    finite number >= 0."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return number and math.isfinite(value) and value >= 0


#: ``chrono_init`` value: chrono init for the env's episode horizon (resolved by RecurrentPPO).
CHRONO_HORIZON = "horizon"

#: What a gated core (LSTM, GRU) given no keep-gate init of its own gets from RecurrentPPO:
#: chrono init (Tallec & Ollivier 2018) for the env's episode horizon on this fraction of the
#: units; the rest keep the core's ``"elman"`` init. The elman units alone remember a long delay
#: by rotating the state, which reads the cue out at the trained delay's phase only and can lose
#: it in one update (README, "Cores"); the chrono units integrate, with no phase to lose.
GATED_CORE_DEFAULTS: dict[str, Any] = {"chrono_init": CHRONO_HORIZON, "chrono_fraction": 0.5}

#: ``chrono_fraction`` of the default for the cores where another share measured better (README,
#: "Ablation of the defaults"): the GRU with three quarters of its units chrono did as well as
#: with half or better on every suite task measured when it was chosen (RepeatPreviousEasy 0.99
#: against 1.00 aside), but costs RepeatFirstMedium, measured later (-0.23 / 0.22 against
#: 0.89 / 0.47, seeds 0 and 1); the LSTM lost its T-maze at L=10 on 2 of 3 seeds with it, so it
#: keeps half.
CHRONO_FRACTION_BY_CORE: dict[str, float] = {"gru": 0.75}

#: The critic's input (``critic_core``) a core gets when no critic option is given, where it is
#: not the policy's ``"separate"``. The vanilla RNN's critic reads the actor's core: with a core
#: of its own the critic learns the cue the actor does not use and predicts each episode's
#: outcome, so the action the actor keeps taking has zero advantage for either cue and nothing
#: moves it (the T-maze at L=100 from scratch: 2 of 3 seeds stuck at chance; README, "Cores",
#: which also has what it cost). The gated cores keep their own critic: on the actor's core it
#: cost the GRU its short reactive tasks and the LSTM RepeatFirstMedium.
CRITIC_CORE_BY_CORE: dict[str, str] = {"rnn": "shared"}

#: ``actor_value_coef`` a core gets when none is given (``None``) and its critic has a core of
#: its own, unless :data:`ACTOR_VALUE_COEF_BY_CORE` lists the core; 0 wherever the critic reads
#: the actor's core (its value loss trains that core already). The actor gets its own value
#: head: with only the critic's core learning what predicts the return, the T-maze's junction
#: can go deterministic at chance while the critic predicts each guess's outcome, and nothing
#: moves it (the LSTM from scratch at L=100 and 200: 5 of 5 seeds with the head, 4 and 3 of 5
#: without; README, "The actor's own value head, the LSTM's default"). The GRU has it with its
#: own learning rate (:data:`LEARNING_RATE_BY_CORE`): at 5e-4 the head cost its
#: RepeatPreviousEasy at 60k env steps (0.78 against 0.93), at 1e-3 it does not (README, "The
#: GRU's learning rate and value head"). A user's own core gets it too (since 2026-12-08): the
#: README's layer-normalised GRU froze at the T-maze's junction without it (README, "Add your
#: own core").
ACTOR_VALUE_COEF = 0.25

#: ``actor_value_coef`` of the cores that differ from :data:`ACTOR_VALUE_COEF`. The vanilla
#: RNN's critic reads its actor's core by default; given a core of its own it keeps the critic
#: without the head, as its results with that critic were measured: the head takes away its
#: T-maze trap at L=100 (5 of 5 seeds, against 3 of 5) but lost DelayedCue at L=100 on a seed
#: and CartPole's steadiness (README, "Cores").
ACTOR_VALUE_COEF_BY_CORE: dict[str, float] = {"rnn": 0.0}
