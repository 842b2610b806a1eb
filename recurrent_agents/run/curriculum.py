"""Memory-length curriculum: train on shorter memory lengths first, advancing on success.

At a long memory length a random policy may never see the task's reward (the T-maze at L=1000
needs 1000 steps of walking right before the cue matters, so the corridor's 1/L shaping is all
it learns from). Trained on L=10 first, the agent walks and turns; each longer stage only has to
stretch its memory. Stages advance on the training success rate, so the schedule adapts to the
agent and the task instead of a step budget per stage.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from stable_baselines3.common.callbacks import BaseCallback

from recurrent_agents.run.callbacks import recent_success_rate


def curriculum_stages(curriculum: Sequence[int], memory_length: int) -> list[int]:
    """The memory lengths to train through: the curriculum's lengths below ``memory_length``,
    then ``memory_length`` itself (so one curriculum serves a sweep over lengths)."""
    for length in curriculum:
        if not isinstance(length, int) or isinstance(length, bool) or length < 1:
            raise ValueError(f"curriculum lengths must be positive ints, got {length!r}")
    if list(curriculum) != sorted(set(curriculum)):
        raise ValueError(f"curriculum must be strictly increasing, got {list(curriculum)}")
    return [length for length in curriculum if length < memory_length] + [memory_length]


class MemoryCurriculum(BaseCallback):
    """Move training through the memory lengths ``stages`` (the last one is the target).

    After a rollout, once SB3's success buffer (the last 100 training episodes) is full of
    episodes at the current length and their success rate reaches ``threshold``, the next stage
    begins: the env becomes ``make_env(length)`` (fresh episodes and a zero core state; the old
    env is closed), and the rollout grows to
    ``n_steps = max(n_steps, min_rollout(length))`` so that a rollout is at least an episode
    long (whole episodes only with the model's ``align_rollouts``, which rounds every rollout
    length), with the minibatch size scaled by the same factor (same number of minibatches).
    ``history`` records the env step and training time at which each stage began.

    With ``ent_coef`` set, the entropy coefficient is ``ent_coef * stages[0] / length`` at each
    stage: the bonus is paid on every step, so as episodes get k times longer its weight per
    episode would grow k-fold against a per-episode task reward, and a per-step exploration rate
    that suits L=10 would keep an agent from ever walking a 1000-step corridor without a slip.

    With ``greedy_success`` (a function of the memory length returning the current policy's
    greedy success rate on fresh episodes of that length), a stage ends once that rate reaches
    ``threshold`` instead, measured after each rollout from the stage's second rollout on (the
    policy has then been updated on the stage's episodes). Use it where a slip anywhere in an
    episode fails it: the success of sampled training episodes then falls with the length, while
    the greedy policy's need not. With ``judge_at_entry`` too, each stage is also judged on
    entering it, before any update on its episodes, so that a model which already solves a
    longer length passes it untrained (and no update there can spoil it).

    ``on_stage_passed(length, env_steps, train_seconds)`` is called as each stage below the
    target is passed, before the next stage's env starts, with the env steps and training time
    the model has learned from (up to the rollout being judged): the model is then the one a run
    with that length as its target would have stopped with (``stage_results`` writes its
    result).

    :param start_stage: the stage to begin in (a resumed run's), whose env ``model`` has.
    :param history: a resumed run's ``history``.
    :param seconds_before: training seconds before this process (a resumed run's), so that
        ``history`` counts training time across resumes.
    """

    def __init__(
        self,
        stages: Sequence[int],
        make_env: Callable[[int], Any],
        threshold: float = 0.95,
        min_rollout: Callable[[int], int] | None = None,
        start_stage: int = 0,
        history: list[dict[str, Any]] | None = None,
        seconds_before: float = 0.0,
        ent_coef: float | None = None,
        greedy_success: Callable[[int], float] | None = None,
        judge_at_entry: bool = False,
        on_stage_passed: Callable[[int, int, float], None] | None = None,
        verbose: int = 0,
    ) -> None:
        super().__init__(verbose)
        if not 0 < threshold <= 1:
            raise ValueError(f"curriculum threshold must be in (0, 1], got {threshold!r}")
        if not 0 <= start_stage < len(stages):
            raise ValueError(f"start_stage must be in [0, {len(stages)}), got {start_stage!r}")
        self.stages = list(stages)
        self.make_env = make_env
        self.threshold = threshold
        self.min_rollout = min_rollout
        self.stage = start_stage
        self.history = list(history or [])
        self._seconds_before = float(seconds_before)
        self.ent_coef = ent_coef
        self.greedy_success = greedy_success
        self.judge_at_entry = judge_at_entry and greedy_success is not None
        self.on_stage_passed = on_stage_passed
        self._stage_rollouts = 0
        self._started = 0.0
        #: (env steps, training seconds) when the current rollout began: what the model being
        #: judged at its end has learned from.
        self._learned_from = (0, 0.0)

    @property
    def memory_length(self) -> int:
        """The memory length being trained on."""
        return self.stages[self.stage]

    @property
    def final(self) -> bool:
        """Whether training has reached the target length (the last stage)."""
        return self.stage == len(self.stages) - 1

    @property
    def train_seconds(self) -> float:
        """Training time so far, across resumes (the greedy judgements included)."""
        return self._seconds_before + time.perf_counter() - self._started

    def _on_training_start(self) -> None:
        self._started = time.perf_counter()
        self._set_ent_coef()
        if not self.history:
            self._record_stage()

    def _set_ent_coef(self) -> None:
        if self.ent_coef is not None:
            self.model.ent_coef = self.ent_coef * self.stages[0] / self.memory_length

    def _on_rollout_start(self) -> None:
        self._learned_from = (int(self.num_timesteps), self.train_seconds)

    def _on_step(self) -> bool:
        return True

    def _on_rollout_end(self) -> None:
        self.logger.record("curriculum/memory_length", self.memory_length)
        self.logger.record("curriculum/stage", self.stage)
        if self.final or not self._stage_done():
            return
        self._advance()
        while self.judge_at_entry and not self.final and self._greedy_pass():
            self._advance()
        self._switch_env()

    def _advance(self) -> None:
        """Pass the current stage and enter the next."""
        if self.on_stage_passed is not None:
            self.on_stage_passed(self.memory_length, *self._learned_from)
        self.stage += 1
        self._stage_rollouts = 0
        self._set_ent_coef()
        self._record_stage()
        if self.verbose:
            print(f"[curriculum] memory_length {self.memory_length} at {self.num_timesteps} steps")

    def _stage_done(self) -> bool:
        """Whether the current stage's success rate has reached the threshold."""
        if self.greedy_success is None:
            buffer = self.model.ep_success_buffer
            full = len(buffer) == buffer.maxlen
            return full and recent_success_rate(self.model) >= self.threshold
        self._stage_rollouts += 1
        if self._stage_rollouts < 2:  # not yet updated on this stage's episodes
            return False
        return self._greedy_pass()

    def _greedy_pass(self) -> bool:
        success = self.greedy_success(self.memory_length)
        self.logger.record("curriculum/greedy_success", success)
        return success >= self.threshold

    def _switch_env(self) -> None:
        """Start the next stage's env; the update of the finished rollout is not affected."""
        old_env = self.model.get_env()
        # set_env also restarts the success statistics: success at the new length must be
        # earned at that length.
        self.model.set_env(self.make_env(self.memory_length))
        if self.min_rollout is not None:
            n_steps = int(self.min_rollout(self.memory_length))
            if n_steps > self.model.n_steps:
                self.model.set_rollout_length(n_steps)
        old_env.close()

    def _record_stage(self) -> None:
        self.history.append(
            {
                "memory_length": self.memory_length,
                "env_steps": int(self.num_timesteps),
                "train_seconds": round(self.train_seconds, 2),
            }
        )
