"""W&B as an output of SB3's logger, with env steps as the x axis of every chart.

Metrics reach W&B through SB3's own logger (`WandbOutputFormat`), so everything SB3 and
RecurrentPPO record (rollout/*, train/* including train/grad_norm, time/*) is logged once, with
`global_step` = env steps as the x axis.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
from stable_baselines3.common.logger import HumanOutputFormat, KVWriter, Logger

STEP_METRIC = "global_step"


class WandbOutputFormat(KVWriter):
    """An SB3 logger output that forwards each `logger.dump(step)` to `run.log`."""

    def __init__(self, run: Any, logged_until: int = -1) -> None:
        self.run = run
        # A resumed run's earlier sessions logged up to this step (a session killed after its
        # last checkpoint logged past it): those steps are not logged twice.
        self.logged_until = logged_until
        self._warned = False

    def write(
        self,
        key_values: dict[str, Any],
        key_excluded: dict[str, tuple[str, ...]],
        step: int = 0,
    ) -> None:
        """Log the numeric values with `global_step=step` (env steps), unless an earlier session
        of the run already logged that step."""
        if step <= self.logged_until:
            return
        data: dict[str, Any] = {STEP_METRIC: int(step)}
        for key, value in key_values.items():
            excluded = key_excluded.get(key) or ()
            if "wandb" in excluded:
                continue
            if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
                value, bool
            ):
                data[key] = float(value) if isinstance(value, (float, np.floating)) else int(value)
        if "train/entropy_loss" in data:
            # SB3 logs the entropy *loss* (= -entropy); charts read better with the entropy.
            data["train/entropy"] = -data["train/entropy_loss"]
        try:
            self.run.log(data)
        except Exception as exc:  # noqa: BLE001 - tracking must never stop training
            if not self._warned:
                print(
                    f"[tracking] wandb.log failed ({exc}); continuing without it", file=sys.stderr
                )
                self._warned = True

    def close(self) -> None:
        """Nothing to close: the run is finished by the training loop."""


def define_step_metric(run: Any) -> None:
    """Make env steps (`global_step`) the x axis of every chart."""
    try:
        run.define_metric(STEP_METRIC)
        run.define_metric("*", step_metric=STEP_METRIC)
    except Exception:  # noqa: BLE001 - disabled/no-op runs may not support it
        pass


def sb3_logger(run: Any, verbose: int, logged_until: int = -1) -> Logger:
    """SB3 logger writing to W&B (and the stdout table when verbose); steps up to
    ``logged_until`` (logged by an earlier session of a resumed run) are not logged again."""
    formats: list[KVWriter] = [WandbOutputFormat(run, logged_until)]
    if verbose > 0:
        formats.append(HumanOutputFormat(sys.stdout))
    return Logger(folder=None, output_formats=formats)
