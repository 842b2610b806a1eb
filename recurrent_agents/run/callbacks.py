"""SB3 callbacks of a training run: throughput metric, progress bar, checkpoints, early stop,
and the stop when an update left non-finite parameters.

(W&B logging is an SB3 logger output, in `recurrent_agents.run.wandb_logger`.)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from stable_baselines3.common.callbacks import BaseCallback


def recent_success_rate(model: Any) -> float | None:
    """Mean of SB3's success buffer (last 100 episodes), or None before any episode ended."""
    buffer = getattr(model, "ep_success_buffer", None)
    return float(np.mean(buffer)) if buffer else None


def nonfinite_parameters(policy: Any) -> list[str]:
    """Names of the policy's parameters and buffers that hold a NaN or an infinity."""
    import torch

    return [
        name
        for name, tensor in policy.state_dict().items()
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all())
    ]


#: The most env steps spaced greedy judgements (``stop_at_return``; ``success_measure="either"``)
#: play, as a share of the env steps trained between them (each plays 100 episodes; after one of
#: E env steps the next comes E / share env steps later).
GREEDY_JUDGEMENT_SHARE = 0.2
#: Spaced judgements in a row, each after an update, that must reach their threshold.
#: One is a test of 100 episodes repeated at every judgement: a policy that fails one episode
#: in 40 passes a 0.99 bar with 100 episodes one time in 12, so over a run some judgement
#: passes by luck (POPGym RepeatFirstEasy, LSTM seed 2: stopped on 100 perfect episodes at
#: 305k env steps, 0.93-0.96 on 400 others). Two in a row, across an update, rarely do.
GREEDY_JUDGEMENT_PASSES = 2


class SpacedJudgements:
    """Greedy judgements of one measure against a threshold, made after updates: after a miss
    the next waits until ``1 / GREEDY_JUDGEMENT_SHARE`` times the env steps its episodes took
    have been trained (long episodes of a good policy cost many); after a pass it comes at the
    next update, and ``GREEDY_JUDGEMENT_PASSES`` passes in a row call for the stop.

    ``measure`` returns the current policy's value on fresh greedy episodes and the env steps
    they took; a value of None (a task that reports no success) ends the judgements.
    """

    def __init__(self, measure: Callable[[], tuple[float | None, int]], threshold: float) -> None:
        self.measure = measure
        self.threshold = threshold
        self._next_at = 0.0
        self._passes = 0

    def judge(self, env_steps: int) -> tuple[float, bool] | None:
        """None when no judgement is due at ``env_steps``; else the measured value and whether
        the passes in a row now call for the stop."""
        if env_steps < self._next_at:
            return None
        value, steps_played = self.measure()
        if value is None:
            self._next_at = float("inf")
            return None
        passed = value >= self.threshold
        self._passes = self._passes + 1 if passed else 0
        if not passed:
            self._next_at = env_steps + steps_played / GREEDY_JUDGEMENT_SHARE
        return value, self._passes >= GREEDY_JUDGEMENT_PASSES


class TrainingCallback(BaseCallback):
    """Per update: env steps/s metric, progress bar, and a checkpoint every N env steps.

    The checkpoint is taken at the start of a rollout, i.e. right after a PPO update, so the
    saved parameters and step count describe the same moment. With ``stop_at_success``,
    training stops as soon as the success rate of the last 100 training episodes reaches it,
    before any further update (the unfinished rollout is dropped), so the policy evaluated
    afterwards is the one that earned that rate; ``stopped_at`` then holds the env step.
    ``stop_allowed`` (optional) gates that stop, e.g. until a curriculum reaches its last stage.

    With ``greedy_success`` (a function returning the current policy's greedy success rate on
    fresh episodes), that rate is what ``stop_at_success`` is compared with instead, measured at
    the start of each rollout (right after an update) from the second rollout the stop is
    allowed in on: the policy has then been updated at least once on the episodes it is judged
    on; with ``judge_at_entry``, from the first (before any update on them). Sampled training
    episodes understate a policy whose task allows no slip: each of L steps
    risks the entropy bonus's exploratory action, so their success falls with L while the greedy
    policy's does not.

    With ``confirm_success`` (the same kind of function) and training success as the measure, a
    stop that training success calls for is taken only if the current policy's greedy success
    also reaches ``stop_at_success``; otherwise training goes on and the stop is tried again
    after the next update. The last 100 training episodes span several updates, and an episode
    whose cue was stored by earlier parameters can still succeed after an update that lost the
    task, so the window alone can stop a run on a policy that fails fresh episodes.
    ``refused_stops`` records each refusal as (env step, training success, greedy success).

    With ``stop_at_return`` and ``greedy_return`` (a function returning the current policy's
    greedy mean return on fresh episodes and the env steps they took), training stops once that
    return reaches ``stop_at_return``, measured like ``greedy_success`` (at the start of a
    rollout, from the second one the stop is allowed in on) but in :class:`SpacedJudgements`.
    Sampled training episodes are no measure of it: on a task scored by return every
    exploratory action costs some, so their mean stays below the greedy policy's however well
    it has learned. ``spaced_greedy_success`` (the greedy success rate and the env steps it
    took) is judged the same way against ``stop_at_success``, beside the training measure:
    sampled episodes of L steps can fall short of it at large L whatever the memory (each step
    risks an exploratory slip), while the greedy policy's do not. ``stopped_by`` says which
    threshold stopped training ("success" or "return").
    """

    def __init__(
        self,
        total_timesteps: int,
        checkpoint_every: int = 0,
        save_checkpoint: Callable[[Any], None] | None = None,
        progress: bool = False,
        stop_at_success: float | None = None,
        stop_allowed: Callable[[], bool] | None = None,
        greedy_success: Callable[[], float] | None = None,
        judge_at_entry: bool = False,
        confirm_success: Callable[[], float] | None = None,
        stop_at_return: float | None = None,
        greedy_return: Callable[[], tuple[float, int]] | None = None,
        spaced_greedy_success: Callable[[], tuple[float | None, int]] | None = None,
    ) -> None:
        super().__init__()
        self._return_judgements = (
            SpacedJudgements(greedy_return, stop_at_return)
            if greedy_return is not None and stop_at_return is not None
            else None
        )
        self._success_judgements = (
            SpacedJudgements(spaced_greedy_success, stop_at_success)
            if spaced_greedy_success is not None and stop_at_success is not None
            else None
        )
        self.stopped_by: str | None = None
        self.confirm_success = confirm_success
        self.refused_stops: list[tuple[int, float, float]] = []
        self._refused_since_update = False
        self.judge_at_entry = judge_at_entry
        self.stop_allowed = stop_allowed
        self.greedy_success = greedy_success
        self._allowed_rollouts = 0
        self.total_timesteps = total_timesteps
        self.checkpoint_every = checkpoint_every
        self.save_checkpoint = save_checkpoint
        self.progress = progress
        self.stop_at_success = stop_at_success
        self.stopped_at: int | None = None
        self.pbar: Any = None
        self._last_time = 0.0
        self._last_steps = 0
        self._last_ckpt = 0

    def _on_training_start(self) -> None:
        self._last_time = time.perf_counter()
        self._last_steps = self._last_ckpt = self.num_timesteps
        if self.progress:
            from tqdm.auto import tqdm

            self.pbar = tqdm(
                total=self.total_timesteps,
                initial=self.num_timesteps,
                unit="step",
                unit_scale=True,
                dynamic_ncols=True,
                file=sys.stderr,
                desc="train",
            )

    def _stop_if_diverged(self) -> None:
        """Raise FloatingPointError once an update left non-finite parameters (a finite loss
        with an overflowing gradient), before they act or are checkpointed."""
        bad = nonfinite_parameters(self.model.policy)
        if bad:
            more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
            raise FloatingPointError(f"non-finite parameters {', '.join(bad[:3])}{more}")

    def _on_rollout_start(self) -> None:
        self._stop_if_diverged()
        self._refused_since_update = False
        due = self.num_timesteps - self._last_ckpt >= self.checkpoint_every
        if self.checkpoint_every > 0 and self.save_checkpoint is not None and due:
            self.save_checkpoint(self.model)
            self._last_ckpt = self.num_timesteps
        if not self._stop_allowed():
            return
        self._allowed_rollouts += 1
        updated = self._allowed_rollouts >= 2  # on the episodes it is judged on
        if not (updated or self.judge_at_entry):
            return
        if self.greedy_success is not None and self.stop_at_success is not None:
            self._stop_if_greedy_success()
        if self._success_judgements is not None:
            self._stop_if_judged(self._success_judgements, "train/greedy_success", "success")
        if self._return_judgements is not None:
            self._stop_if_judged(self._return_judgements, "train/greedy_return", "return")

    def _stop_allowed(self) -> bool:
        return self.stop_allowed is None or self.stop_allowed()

    def _stop_if_greedy_success(self) -> None:
        success = self.greedy_success()
        self.logger.record("train/greedy_success", success)
        if success >= self.stop_at_success:
            self._stop("success")

    def _stop_if_judged(self, judgements: SpacedJudgements, key: str, measure: str) -> None:
        """Make the spaced judgement if one is due, log it, and stop if it calls for it."""
        if self.stopped_at is not None:
            return
        verdict = judgements.judge(self.num_timesteps)
        if verdict is None:
            return
        value, stop = verdict
        self.logger.record(key, value)
        if stop:
            self._stop(measure)

    def _stop(self, measure: str) -> None:
        self.stopped_at, self.stopped_by = self.num_timesteps, measure

    def _on_step(self) -> bool:
        measured = self.stop_at_success is not None and self.greedy_success is None
        if measured and self.stopped_at is None and self._stop_allowed():
            buffer = self.model.ep_success_buffer
            success = recent_success_rate(self.model)
            if len(buffer) == buffer.maxlen and success >= self.stop_at_success:
                if self._confirmed(success):
                    self._stop("success")
        return self.stopped_at is None

    def _confirmed(self, training_success: float) -> bool:
        """Whether the policy's greedy success confirms a stop that training success calls
        for; measured at most once per update (the parameters do not change in between)."""
        if self.confirm_success is None:
            return True
        if self._refused_since_update:
            return False
        greedy = self.confirm_success()
        self.logger.record("train/greedy_success", greedy)
        if greedy >= self.stop_at_success:
            return True
        self._refused_since_update = True
        self.refused_stops.append((self.num_timesteps, training_success, greedy))
        return False

    def _on_rollout_end(self) -> None:
        now = time.perf_counter()
        # Wall time between rollout ends covers one rollout plus one PPO update.
        steps_per_sec = (self.num_timesteps - self._last_steps) / max(now - self._last_time, 1e-9)
        self._last_time, self._last_steps = now, self.num_timesteps
        self.logger.record("time/env_steps_per_sec", steps_per_sec)
        success = recent_success_rate(self.model)
        if self.pbar is not None:
            self.pbar.n = min(self.num_timesteps, self.total_timesteps)
            postfix = {"steps/s": f"{steps_per_sec:,.0f}"}
            if success is not None:
                postfix["success"] = f"{success:.0%}"
            self.pbar.set_postfix(postfix, refresh=False)
            self.pbar.refresh()

    def _on_training_end(self) -> None:
        # The last update's train/* values are recorded but SB3 only dumps before an update.
        self.logger.dump(self.num_timesteps)
        if self.pbar is not None:
            self.pbar.close()
            self.pbar = None
        self._stop_if_diverged()  # the last update, before the model is saved
