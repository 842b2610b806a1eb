"""ONNX export of a trained recurrent policy as a greedy step function, for deployment.

The exported graph is one environment step of the policy's own forward path (the path every
rollout step, training batch and ``predict`` takes)::

    (obs, episode_start, *state) -> (action, value, *next_state)

``state`` is the actor core's state tensors (``h, c`` for an LSTM, ``h`` for a GRU/RNN), each
``[num_layers, n_envs, hidden_size]``, followed by the critic core's when actor and critic have
separate cores; ``episode_start`` (float, 1 on the first step of an episode) zeroes the state
before the step, as ``predict``'s ``episode_start`` does. The action is the greedy one
(``predict(..., deterministic=True)``), clipped (or unsquashed) to a Box action space like
``predict``'s. Needs the ``onnx`` extra: ``pip install -e ".[onnx]"``.

    python train.py export runs/TMaze-lstm-L10-s0/model.zip policy.onnx
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch as th
from gymnasium import spaces
from sb3_contrib.common.recurrent.type_aliases import RNNStates
from torch import nn


def _own_critic_state(policy: Any) -> bool:
    """Whether the critic has a core of its own (its state is then exported too)."""
    return policy.critic_core == "separate"


def state_names(policy: Any) -> list[str]:
    """Names of the exported state inputs, in order (outputs add the prefix ``next_``)."""
    initial = policy.initial_state(1)
    names = [f"state_pi_{i}" for i in range(len(initial.pi))]
    if _own_critic_state(policy):
        names += [f"state_vf_{i}" for i in range(len(initial.vf))]
    return names


class _GreedyStep(nn.Module):
    """``policy.forward`` with a flat tuple of state tensors, greedy actions and Box clipping."""

    def __init__(self, policy: Any) -> None:
        super().__init__()
        self.policy = policy
        self.n_pi = len(policy.initial_state(1).pi)
        self.own_critic_state = _own_critic_state(policy)
        self.shared_critic = policy.critic_core.startswith("shared")
        box = policy.action_space if isinstance(policy.action_space, spaces.Box) else None
        self.clip = box is not None and not policy.squash_output
        self.unsquash = box is not None and policy.squash_output
        if box is not None:
            self.register_buffer("low", th.as_tensor(box.low, dtype=th.float32))
            self.register_buffer("high", th.as_tensor(box.high, dtype=th.float32))

    def forward(
        self, obs: th.Tensor, episode_start: th.Tensor, *state: th.Tensor
    ) -> tuple[th.Tensor, ...]:
        state_pi = tuple(state[: self.n_pi])
        state_vf = tuple(state[self.n_pi :]) if self.own_critic_state else ()
        if self.shared_critic:
            state_vf = state_pi
        actions, values, _, next_state = self.policy(
            obs, RNNStates(state_pi, state_vf), episode_start, deterministic=True
        )
        if self.clip:
            actions = th.maximum(th.minimum(actions, self.high), self.low)
        elif self.unsquash:
            actions = self.low + 0.5 * (actions + 1.0) * (self.high - self.low)
        next_vf = next_state.vf if self.own_critic_state else ()
        return (actions, values.reshape(-1), *next_state.pi, *next_vf)


def export_onnx(model: Any, path: str | os.PathLike, n_envs: int = 1) -> Path:
    """Write ``model``'s (a RecurrentPPO or its policy) greedy step to the ONNX file ``path``.

    The graph is exported for a batch of ``n_envs`` environments (inputs ``obs``,
    ``episode_start``, then :func:`state_names`; outputs ``action``, ``value``, then
    ``next_`` + each state name). Returns the path.
    """
    policy = getattr(model, "policy", model)
    if not isinstance(n_envs, int) or n_envs < 1:
        raise ValueError(f"n_envs must be a positive int, got {n_envs!r}")
    if not isinstance(policy.observation_space, spaces.Box):
        raise ValueError(
            f"export_onnx needs a Box observation space, got {policy.observation_space}; "
            "flatten the observations (gymnasium.wrappers.FlattenObservation) before training"
        )
    policy.set_training_mode(False)
    step = _GreedyStep(policy).eval()
    obs = th.zeros((n_envs, *policy.observation_space.shape), dtype=th.float32)
    start = th.ones(n_envs, dtype=th.float32)
    initial = policy.initial_state(n_envs)
    state = (*initial.pi, *(initial.vf if _own_critic_state(policy) else ()))
    names = state_names(policy)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with th.no_grad():
        th.onnx.export(
            step,
            (obs, start, *state),
            str(path),
            input_names=["obs", "episode_start", *names],
            output_names=["action", "value", *(f"next_{n}" for n in names)],
            dynamo=True,
            verbose=False,
        )
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """``python train.py export MODEL.zip OUT.onnx [--n-envs N]``; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="train.py export", description="Export a trained model's greedy step to ONNX."
    )
    parser.add_argument("model", help="a RecurrentPPO model.zip (e.g. a run's model.zip)")
    parser.add_argument("out", help="the .onnx file to write")
    parser.add_argument("--n-envs", "--n_envs", type=int, default=1, help="batch size (default 1)")
    args = parser.parse_args(argv)
    from recurrent_agents.ppo import RecurrentPPO

    try:
        model = RecurrentPPO.load(args.model, device="cpu")
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's input
        problem = " ".join(str(exc).split())
        message = f"cannot load model {args.model!r}: {problem}"
        print(f"train.py export: error: {message}", file=sys.stderr)
        return 2
    try:
        path = export_onnx(model, args.out, n_envs=args.n_envs)
    except ValueError as exc:
        print(f"train.py export: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {path} (inputs: obs, episode_start, {', '.join(state_names(model.policy))})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
