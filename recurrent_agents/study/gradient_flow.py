"""Gradient flow through time: watch a vanilla RNN's gradient vanish and an LSTM's survive.

For one episode, the core is stepped one time step at a time and every step's recurrent state is
kept in the autograd graph. The loss of the decision step (the step on which the agent must use
the cue) is then differentiated with respect to the state ``k`` steps earlier, for
``k = 0 .. memory_length``: ``||dL_T / dh_{T-k}||``. For a vanilla RNN this is a product of ``k``
Jacobians ``diag(tanh') W_hh`` and shrinks geometrically; the LSTM's cell state adds a path whose
Jacobian is the forget gate, so the signal survives while ``f`` stays near 1. For LSTM cores the
forget-gate activations along the episode are recorded too (computed from ``core.rnn``'s weights,
``nn.LSTM`` gate order i, f, g, o).

This is a diagnostic: it favours clarity over speed (one core call per time step).

CLI (``python train.py gradient-flow ...``)::

    python train.py gradient-flow --task TMaze --memory-length 20 --cores lstm,gru,rnn
    python train.py gradient-flow --memory-length 20 --model lstm=runs/x/model.zip
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from recurrent_agents.run.config import LIMITS, CommandParser
from recurrent_agents.run.tracking import WANDB_MODES, WANDB_PROJECT

LossFn = Callable[[Tensor], Tensor]


@dataclass
class GradientFlow:
    """Gradient-flow measurements of one core on one batch of episodes.

    ``grad_norms[k]`` is the mean over the batch of ``||dL / d state_{decision - k}||`` (all state
    tensors of the core concatenated, e.g. LSTM ``h`` and ``c``); ``component_norms`` has the same
    per state tensor (``"h"``, ``"c"`` for an LSTM). ``forget_gates`` (LSTM only) has shape
    ``(T, num_layers, B, hidden_size)``: the forget-gate activation of every unit at every step.
    """

    label: str
    decision_step: int
    grad_norms: np.ndarray
    component_norms: dict[str, np.ndarray] = field(default_factory=dict)
    forget_gates: np.ndarray | None = None
    loss: float = float("nan")

    @property
    def ks(self) -> np.ndarray:
        """Lags ``k = 0 .. K`` matching ``grad_norms``."""
        return np.arange(len(self.grad_norms))

    def relative(self) -> np.ndarray:
        """``grad_norms`` divided by the k=0 norm (1 at k=0): the pure decay through time."""
        base = self.grad_norms[0]
        return self.grad_norms / base if base > 0 else np.full_like(self.grad_norms, np.nan)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly summary (forget gates reduced to per-step mean/min/max)."""
        out: dict[str, Any] = {
            "label": self.label,
            "decision_step": self.decision_step,
            "loss": self.loss,
            "grad_norms": [float(x) for x in self.grad_norms],
            "component_norms": {k: [float(x) for x in v] for k, v in self.component_norms.items()},
        }
        if self.forget_gates is not None:
            mean, lo, hi = forget_gate_summary(self.forget_gates)
            out["forget_gate_mean"] = [float(x) for x in mean]
            out["forget_gate_min"] = [float(x) for x in lo]
            out["forget_gate_max"] = [float(x) for x in hi]
        return out


def _state_names(core: nn.Module, n: int) -> list[str]:
    rnn = getattr(core, "rnn", None)
    if isinstance(rnn, nn.LSTM) and n == 2:
        return ["h", "c"]
    return ["h"] if n == 1 else [f"state{i}" for i in range(n)]


def _lstm_step(
    lstm: nn.LSTM, x: Tensor, hx: tuple[Tensor, Tensor]
) -> tuple[Tensor, Tensor, Tensor]:
    """One ``nn.LSTM`` step recomputed from its weights (gate order i, f, g, o).

    ``nn.LSTM`` does not expose its gates. ``x`` is the step's input ``(B, F)``, ``hx`` the
    ``(h, c)`` it received, each ``(num_layers, B, H)``. Returns the forget gates
    ``(num_layers, B, H)`` and the new ``h``, ``c`` (dropout ignored: eval semantics).
    """
    if lstm.proj_size or lstm.bidirectional:
        raise ValueError("core.rnn must be a plain unidirectional nn.LSTM for forget-gate stats")
    h0, c0 = hx
    hidden = lstm.hidden_size
    forget, hs, cs = [], [], []
    layer_in = x
    for layer in range(lstm.num_layers):
        w_ih = getattr(lstm, f"weight_ih_l{layer}")
        w_hh = getattr(lstm, f"weight_hh_l{layer}")
        pre = layer_in @ w_ih.T + h0[layer] @ w_hh.T
        if lstm.bias:
            pre = pre + getattr(lstm, f"bias_ih_l{layer}") + getattr(lstm, f"bias_hh_l{layer}")
        i, f, g, o = pre.split(hidden, dim=-1)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c = f * c0[layer] + i * g
        layer_in = o * torch.tanh(c)
        forget.append(f)
        hs.append(layer_in)
        cs.append(c)
    return torch.stack(forget), torch.stack(hs), torch.stack(cs)


class _ForgetGateRecorder:
    """Forward pre-hook on ``core.rnn`` (an ``nn.LSTM``) that records its forget gates per call.

    Hooking the module, rather than re-deriving its input from the core's input, keeps this right
    for cores that transform inputs or reset the state before calling ``rnn``.
    """

    def __init__(self, lstm: nn.LSTM) -> None:
        self.lstm = lstm
        self.steps: list[Tensor] = []
        self._handle = lstm.register_forward_pre_hook(self._hook)

    def _hook(self, module: nn.LSTM, args: tuple[Any, ...]) -> None:
        x = args[0]
        hx = args[1] if len(args) > 1 else None
        if not isinstance(x, Tensor):  # packed sequences are not used by a one-step call
            return
        if module.batch_first:
            x = x.transpose(0, 1)
        if x.dim() == 2:  # unbatched (T, F)
            x = x.unsqueeze(1)
        batch = x.shape[1]
        if hx is None:
            zeros = x.new_zeros(module.num_layers, batch, module.hidden_size)
            hx = (zeros, zeros)
        with torch.no_grad():
            # a one-step call gets one row; longer calls are unrolled for the record
            h, c = hx[0].detach(), hx[1].detach()
            for t in range(x.shape[0]):
                f, h, c = _lstm_step(module, x[t].detach(), (h, c))
                self.steps.append(f)

    def close(self) -> np.ndarray | None:
        """Remove the hook; return the recorded gates ``(T, num_layers, B, H)``."""
        self._handle.remove()
        if not self.steps:
            return None
        return torch.stack(self.steps).cpu().numpy()


def _forget_gates_from_states(
    lstm: nn.LSTM,
    core: nn.Module,
    inputs: Tensor,
    episode_starts: Tensor,
    states: list[tuple[Tensor, ...]],
) -> np.ndarray | None:
    """Forget gates recomputed from the kept states, for cores whose step bypasses ``rnn()``.

    (e.g. a fast ``torch.lstm_cell`` path). Assumes the core feeds its inputs to ``rnn``
    unchanged, as the built-in cores do; returns None when the sizes say otherwise.
    """
    if lstm.input_size != inputs.shape[-1] or len(states[0]) != 2:
        return None
    batch = inputs.shape[1]
    prev = tuple(s.to(inputs.device) for s in core.initial_state(batch))
    out = []
    with torch.no_grad():
        for t in range(inputs.shape[0]):
            keep = (1.0 - episode_starts[t].to(inputs.dtype)).view(1, -1, 1)
            f, _, _ = _lstm_step(lstm, inputs[t], (prev[0] * keep, prev[1] * keep))
            out.append(f)
            prev = states[t]
    return torch.stack(out).cpu().numpy()


def _sum_output(output: Tensor) -> Tensor:
    return output.sum()


def gradient_flow(
    core: nn.Module,
    inputs: Tensor,
    *,
    episode_starts: Tensor | None = None,
    decision_step: int | None = None,
    loss_fn: LossFn | None = None,
    max_k: int | None = None,
    label: str = "core",
) -> GradientFlow:
    """Measure ``||dL / d state_{decision - k}||`` for ``k = 0 .. max_k`` on a recurrent core.

    Args:
        core: a ``RecurrentCore`` (``core(inputs[T, B, F], state, episode_starts[T, B])`` ->
            ``(outputs[T, B, H], state)``, ``core.initial_state(B)``).
        inputs: ``(T, B, F)`` (or ``(T, F)`` for one episode) core inputs of the episode(s).
        episode_starts: ``(T, B)``; default 1 at t=0 and 0 elsewhere (one episode).
        decision_step: index of the step whose loss is differentiated (default: the last).
        loss_fn: maps the decision step's core output ``(B, H)`` to a scalar loss; default its sum.
            Batch items must not interact in it (the per-item norms assume a sum over items).
        max_k: the largest lag (default ``decision_step``; capped at it).
        label: name stored with the result (plot legend).

    Returns:
        A ``GradientFlow``: ``grad_norms[k]`` averaged over the batch.
    """
    inputs, episode_starts, decision_step, max_k = _episode_batch(
        inputs, episode_starts, decision_step, max_k
    )
    rnn = getattr(core, "rnn", None)
    recorder = _ForgetGateRecorder(rnn) if isinstance(rnn, nn.LSTM) else None
    try:
        with torch.enable_grad():
            output, states = _unroll(core, inputs, episode_starts, decision_step)
            loss = (loss_fn or _sum_output)(output)
            # k = 0 is the decision step's own hidden output: a core's returned state tensors
            # are separate autograd nodes from its output (nn.LSTM returns h_n apart from out)
            targets = [output] + [s for k in range(1, max_k + 1) for s in states[decision_step - k]]
            grads = torch.autograd.grad(loss, targets, allow_unused=True)
    finally:
        gates = recorder.close() if recorder is not None else None
    if isinstance(rnn, nn.LSTM) and (gates is None or len(gates) != len(inputs)):
        gates = _forget_gates_from_states(rnn, core, inputs, episode_starts, states)
    names = _state_names(core, len(states[0]))
    total, components = _norms_by_lag(grads, names, inputs.shape[1])
    return GradientFlow(
        label=label,
        decision_step=decision_step,
        grad_norms=total,
        component_norms=components if len(names) > 1 else {},
        forget_gates=gates,
        loss=float(loss.detach()),
    )


def _episode_batch(
    inputs: Tensor, episode_starts: Tensor | None, decision_step: int | None, max_k: int | None
) -> tuple[Tensor, Tensor, int, int]:
    """``gradient_flow``'s arguments checked, with their defaults filled in and a batch axis."""
    if inputs.dim() == 2:
        inputs = inputs.unsqueeze(1)
    if inputs.dim() != 3 or inputs.shape[0] < 1:
        raise ValueError(f"inputs must have shape (T, B, F) with T >= 1, got {tuple(inputs.shape)}")
    steps, batch = inputs.shape[0], inputs.shape[1]
    if decision_step is None:
        decision_step = steps - 1
    if not 0 <= decision_step < steps:
        raise ValueError(f"decision_step must be in [0, {steps - 1}], got {decision_step}")
    if max_k is None:
        max_k = decision_step
    if max_k < 0:
        raise ValueError(f"max_k must be >= 0, got {max_k}")
    if episode_starts is None:
        episode_starts = torch.zeros(steps, batch, dtype=inputs.dtype, device=inputs.device)
        episode_starts[0] = 1.0
    elif episode_starts.dim() == 1:
        episode_starts = episode_starts.unsqueeze(1)
    return inputs, episode_starts, decision_step, min(max_k, decision_step)


def _unroll(
    core: nn.Module, inputs: Tensor, episode_starts: Tensor, decision_step: int
) -> tuple[Tensor, list[tuple[Tensor, ...]]]:
    """Step ``core`` through every step of ``inputs``, keeping each step's state in the graph;
    return the decision step's output and the states after each step."""
    batch = inputs.shape[1]
    state = tuple(s.to(inputs.device) for s in core.initial_state(batch))
    states: list[tuple[Tensor, ...]] = []
    output = None
    # the loss only needs steps up to the decision, but the gates are shown for the episode
    for t in range(inputs.shape[0]):
        out, state = core(inputs[t : t + 1], state, episode_starts[t : t + 1])
        state = tuple(state)
        states.append(state)
        if t == decision_step:
            output = out[0]
    assert output is not None
    return output, states


def _norms_by_lag(
    grads: Sequence[Tensor | None], names: list[str], batch: int
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Batch-mean gradient norms per lag: of all state tensors together, and of each one.

    ``grads`` is the gradient of the decision step's output (k = 0) followed by those of the
    states at lags 1, 2, ... (``len(names)`` tensors each); None means no dependence (zero).
    """
    groups = [grads[:1]] + [
        grads[start : start + len(names)] for start in range(1, len(grads), len(names))
    ]
    total = np.zeros(len(groups))
    components = {name: np.full(len(groups), np.nan) for name in names}
    for k, group in enumerate(groups):
        sq = torch.zeros(batch, dtype=torch.float64)
        for name, g in zip(names[: len(group)], group, strict=True):
            if g is None:
                g_sq = torch.zeros(batch, dtype=torch.float64)
            else:
                g = g.detach().double()
                # states are (num_layers, B, H), the output (B, H): norm per batch item
                g_sq = g.pow(2).sum(-1) if g.dim() == 2 else g.pow(2).sum((0, 2))
            components[name][k] = g_sq.sqrt().mean().item()
            sq = sq + g_sq.cpu()
        total[k] = sq.sqrt().mean().item()
    return total, components


def forget_gate_summary(gates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-step mean, min and max of forget gates ``(T, layers, B, H)`` over layers/batch/units."""
    flat = gates.reshape(gates.shape[0], -1)
    return flat.mean(1), flat.min(1), flat.max(1)


# ----------------------------------------------------------------------------- episodes


def collect_episode(
    env: Any, memory_length: int, seed: int = 0, policy: Callable[[np.ndarray], int] | None = None
) -> np.ndarray:
    """Observations ``(T, obs_dim)`` of one episode, from ``t=0`` up to the decision step.

    ``policy`` maps an observation to an action (default: action 0 at every step, which walks the
    T-maze corridor towards the junction). Stops at the decision step
    ``t = memory_length`` or when the episode ends, whichever comes first.
    """
    obs, _ = env.reset(seed=seed)
    observations = [np.asarray(obs, dtype=np.float32).reshape(-1)]
    for _ in range(memory_length):
        action = policy(obs) if policy is not None else 0
        obs, _, terminated, truncated, _ = env.step(action)
        if terminated or truncated:
            break
        observations.append(np.asarray(obs, dtype=np.float32).reshape(-1))
    return np.stack(observations)


def _make_env(task: str, memory_length: int) -> Any:
    import gymnasium as gym

    from envs import env_id

    return gym.make(env_id(task), memory_length=memory_length)


def _env_for(model: Any, model_path: str, env: Any) -> Any:
    """``env`` as the model at ``model_path`` saw it in training: in ``envs.PrevActionReward``
    if its run's ``config.yaml`` (next to the model, as ``train.py`` writes it) says
    ``prev_action_reward: true`` (or ``reward``, the reward alone)."""
    import yaml

    from envs.wrappers import observe_previous

    config_path = Path(model_path).with_name("config.yaml")
    config = yaml.safe_load(config_path.read_text()) if config_path.is_file() else {}
    env = observe_previous(env, config.get("prev_action_reward", False))
    if model.observation_space.shape != env.observation_space.shape:
        raise ValueError(
            f"model observations must match the task's, got {model.observation_space.shape} "
            f"for a task with {env.observation_space.shape} (is {config_path} the model's "
            "training config?)"
        )
    return env


def parse_core_spec(spec: str) -> tuple[str, dict[str, Any]]:
    """``"lstm:chrono_init=20,forget_bias=1.0"`` -> ``("lstm", {"chrono_init": 20, ...})``;
    a user's core as ``module:NAME[:key=value,...]`` (the options are the part after the last
    colon, when it holds a ``=``).

    Values are read as JSON when they parse (numbers, true/false), else kept as strings.
    """
    head, colon, tail = spec.rpartition(":")
    name, rest = (head, tail) if colon and (not tail or "=" in tail) else (spec, "")
    kwargs: dict[str, Any] = {}
    for item in filter(None, (x.strip() for x in rest.split(","))):
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"cores entries must look like NAME[:key=value,...], got {spec!r}")
        try:
            kwargs[key] = json.loads(value)
        except json.JSONDecodeError:
            kwargs[key] = value
    if not name:
        raise ValueError(f"cores entries must look like NAME[:key=value,...], got {spec!r}")
    return name, kwargs


def core_gradient_flow(
    core_name: str,
    observations: np.ndarray,
    *,
    hidden_size: int = 64,
    seed: int = 0,
    label: str | None = None,
    **core_kwargs: Any,
) -> GradientFlow:
    """Gradient flow of a freshly initialised registered core (``make_core``) on an episode."""
    from recurrent_agents import make_core

    torch.manual_seed(seed)
    core = make_core(core_name, observations.shape[-1], hidden_size=hidden_size, **core_kwargs)
    inputs = torch.as_tensor(observations, dtype=torch.float32).unsqueeze(1)
    # a fixed random readout stands in for an untrained head: sum() would align with any bias
    readout = torch.randn(core.hidden_size, generator=torch.Generator().manual_seed(seed))
    return gradient_flow(
        core, inputs, loss_fn=lambda out: (out @ readout).sum(), label=label or core_name
    )


def policy_gradient_flow(
    model: Any,
    observations: np.ndarray,
    *,
    action: int | None = None,
    label: str | None = None,
) -> GradientFlow:
    """Gradient flow of a (trained) ``RecurrentPPO``'s actor on one episode's observations.

    The decision step's loss is ``-log pi(a | obs_0..T)`` where ``a`` is ``action`` or, by default,
    the policy's greedy action at the decision step. Path: the policy's features (with its
    observation normalisation) -> ``core_actor`` stepped here -> the policy's own actor head
    (:meth:`~recurrent_agents.RecurrentActorCriticPolicy.actor_distribution`, with its
    ``features_to_heads`` skip and ``action_epsilon``).
    """
    policy = model.policy if hasattr(model, "policy") else model
    obs_t, _ = policy.obs_to_tensor(observations)
    with torch.no_grad():
        features = policy.extract_features(obs_t).float()

    def loss_fn(out: Tensor) -> Tensor:
        dist = policy.actor_distribution(out, features[-1:])  # the decision step's features
        chosen = dist.get_actions(deterministic=True) if action is None else action
        chosen = torch.as_tensor(chosen).reshape(-1).to(out.device)
        return -dist.log_prob(chosen).sum()

    was_training = policy.training
    policy.eval()
    try:
        return gradient_flow(
            policy.core_actor, features.unsqueeze(1), loss_fn=loss_fn, label=label or "policy"
        )
    finally:
        policy.train(was_training)


# ----------------------------------------------------------------------------- outputs


def plot_gradient_flow(
    results: Sequence[GradientFlow],
    path: str | Path,
    *,
    title: str | None = None,
    relative: bool = False,
) -> Path:
    """Write a PNG: gradient norm vs lag k (log y, one curve per core) and LSTM forget gates.

    ``relative`` divides each curve by its k=0 norm (compares decay rates across loss scales).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with_gates = [r for r in results if r.forget_gates is not None]
    ncols = 2 if with_gates else 1
    fig, axes = plt.subplots(1, ncols, figsize=(6.0 * ncols, 4.2), squeeze=False)
    ax = axes[0, 0]
    # tab10 repeats its colours after ten curves (a sweep's cores x seeds): then tab20.
    palette = plt.get_cmap("tab10" if len(results) <= 10 else "tab20")
    colors = {r.label: palette(i % palette.N) for i, r in enumerate(results)}
    legend_size = "medium" if len(results) <= 10 else "x-small"
    for r in results:
        values = r.relative() if relative else r.grad_norms
        norms = np.where(values > 0, values, np.nan)
        marker = "o" if len(r.ks) <= 60 else None  # markers on 1000 lags hide the line
        ax.semilogy(r.ks, norms, marker=marker, markersize=3, label=r.label, color=colors[r.label])
    ax.set_xlabel("k (steps before the decision)")
    ax.set_ylabel("||dL/dh_(t-k)|| / ||dL/dh_t||" if relative else "||dL_decision / dh_(t-k)||")
    ax.set_title(title or "Gradient flow through time")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=legend_size)
    if with_gates:
        ax = axes[0, 1]
        for r in with_gates:
            mean, lo, hi = forget_gate_summary(r.forget_gates)
            steps = np.arange(len(mean))
            ax.plot(steps, mean, label=f"{r.label} mean", color=colors[r.label])
            ax.fill_between(steps, lo, hi, alpha=0.2, color=colors[r.label])
        ax.set_xlabel("t (episode step)")
        ax.set_ylabel("forget gate f_t (mean, min-max band)")
        ax.set_ylim(0.0, 1.0)
        ax.set_title("LSTM forget gates along the episode")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=legend_size)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def log_gradient_flow(run: Any, results: Sequence[GradientFlow], plot_path: Path | None) -> None:
    """Log a W&B table (core, k, grad_norm), a line plot over k, the PNG and per-core summaries."""
    import wandb

    if run is None or getattr(run, "disabled", False):
        return
    rows = [
        [r.label, int(k), float(v)]
        for r in results
        for k, v in zip(r.ks, r.grad_norms, strict=True)
    ]
    table = wandb.Table(columns=["core", "k", "grad_norm"], data=rows)
    payload: dict[str, Any] = {"gradient_flow/table": table}
    payload["gradient_flow/plot"] = wandb.plot.line_series(
        xs=[list(map(int, r.ks)) for r in results],
        ys=[[max(float(v), 1e-45) for v in r.grad_norms] for r in results],
        keys=[r.label for r in results],
        title="Gradient norm vs steps before the decision",
        xname="k",
    )
    if plot_path is not None:
        payload["gradient_flow/image"] = wandb.Image(str(plot_path))
    gate_rows = []
    for r in results:
        if r.forget_gates is not None:
            mean, lo, hi = forget_gate_summary(r.forget_gates)
            gate_rows += [
                [r.label, t, float(m), float(a), float(b)]
                for t, (m, a, b) in enumerate(zip(mean, lo, hi, strict=True))
            ]
    if gate_rows:
        payload["gradient_flow/forget_gates"] = wandb.Table(
            columns=["core", "t", "mean", "min", "max"], data=gate_rows
        )
    run.log(payload)
    for r in results:
        run.summary[f"gradient_flow/{r.label}/norm_at_max_k"] = float(r.grad_norms[-1])
        run.summary[f"gradient_flow/{r.label}/decay"] = float(r.relative()[-1])


# ----------------------------------------------------------------------------- CLI


def _parse_model_specs(specs: Sequence[str]) -> list[tuple[str, str]]:
    out = []
    for spec in specs:
        label, sep, path = spec.partition("=")
        if not sep or not label or not path:
            raise ValueError(
                f"--model must be LABEL=PATH (e.g. lstm=runs/x/model.zip), got {spec!r}"
            )
        if not zipfile.is_zipfile(path):
            what = "is not a zip file" if Path(path).is_file() else "does not exist"
            raise ValueError(f"--model must name a model saved by train.py, but {path} {what}")
        out.append((label, path))
    return out


def build_parser() -> argparse.ArgumentParser:
    """Argument parser of ``python train.py gradient-flow``."""
    p = CommandParser(
        prog="train.py gradient-flow",
        description="Gradient norm of the decision step's loss w.r.t. the hidden state k steps "
        "earlier, per core (untrained cores from the registry, or trained RecurrentPPO models).",
    )
    p.add_argument("--task", default="TMaze", help="short task name or env id (default TMaze)")
    p.add_argument("--memory-length", type=int, default=20)
    p.add_argument(
        "--cores",
        default="lstm,gru,rnn",
        help="untrained registry cores, comma-separated; with kwargs separate by ';', e.g. "
        "'rnn;lstm:chrono_init=20' ('' = none)",
    )
    p.add_argument("--hidden-size", type=int, default=64)
    p.add_argument(
        "--core-kwargs",
        default="{}",
        help="JSON kwargs for make_core, e.g. '{\"chrono_init\": true}' (untrained cores only)",
    )
    p.add_argument(
        "--model",
        action="append",
        default=[],
        metavar="LABEL=PATH",
        help="a saved RecurrentPPO model to measure (repeatable)",
    )
    p.add_argument(
        "--sweep-dir",
        help="also measure the trained models of this sweep at --memory-length (seed --seed)",
    )
    p.add_argument("--relative", action="store_true", help="plot norms divided by the k=0 norm")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out-dir", default="gradient_flow", help="where the PNG and JSON go")
    p.add_argument("--wandb-project", default=WANDB_PROJECT)
    p.add_argument("--wandb-group", default=None)
    p.add_argument("--wandb-mode", default=None, choices=WANDB_MODES)
    return p


def _sweep_models(sweep_dir: str | None, memory_length: int, seed: int) -> list[tuple[str, str]]:
    """``(label, model path)`` of every finished run of a sweep at one memory length and seed."""
    if not sweep_dir:
        return []
    from recurrent_agents.study.frontier import load_results

    found = []
    for r in load_results(sweep_dir):
        if r.memory_length == memory_length and r.seed == seed:
            if r.model_path and Path(r.model_path).exists():
                found.append((f"{r.core} trained", r.model_path))
    if not found:
        raise ValueError(
            f"sweep_dir must hold finished runs with a model at memory_length={memory_length}, "
            f"seed={seed}; found none in {sweep_dir!r}"
        )
    return sorted(found)


class _GreedyActor:
    """Callable obs -> greedy action of a recurrent SB3 model, carrying its state over steps."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.state: Any = None
        self.start = True

    def __call__(self, obs: np.ndarray) -> int:
        action, self.state = self.model.predict(
            obs, state=self.state, episode_start=np.array([self.start]), deterministic=True
        )
        self.start = False
        return int(np.asarray(action).reshape(-1)[0])


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python train.py gradient-flow``; returns the exit status."""
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        core_kwargs, specs, models = _check_args(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    torch.manual_seed(args.seed)
    env = _make_env(args.task, args.memory_length)
    try:
        try:
            results = _untrained_core_flows(env, specs, core_kwargs, args)
            results += _trained_model_flows(env, models, args)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    finally:
        env.close()
    png = _write_results(results, args)
    if args.wandb_mode != "disabled":
        _log_run(results, png, core_kwargs, args)
    return 0 if all(math.isfinite(r.grad_norms[0]) for r in results) else 1


def _check_args(
    args: argparse.Namespace,
) -> tuple[dict[str, Any], list[tuple[str, str, dict[str, Any]]], list[tuple[str, str]]]:
    """The CLI's core kwargs, untrained core specs ``(label, name, kwargs)`` and trained models
    ``(label, path)``; ``ValueError`` for a bad argument."""
    for name in ("memory_length", "hidden_size"):
        value, limit = getattr(args, name), LIMITS[name]
        if not 1 <= value <= limit:
            raise ValueError(f"{name} must be an int in 1 .. {limit:,}, got {value}")
    try:
        core_kwargs = json.loads(args.core_kwargs)
    except json.JSONDecodeError as exc:
        raise ValueError(f"core_kwargs must be a JSON object, got {args.core_kwargs!r}") from exc
    models = _parse_model_specs(args.model) + _sweep_models(
        args.sweep_dir, args.memory_length, args.seed
    )
    sep = ";" if ";" in args.cores or ":" in args.cores else ","
    cores = [c.strip() for c in args.cores.split(sep) if c.strip()]
    specs = [(c, *parse_core_spec(c)) for c in cores]
    if not cores and not models:
        raise ValueError("cores must name at least one core when no --model is given, got ''")
    return core_kwargs, specs, models


def _untrained_core_flows(
    env: Any,
    specs: list[tuple[str, str, dict[str, Any]]],
    core_kwargs: dict[str, Any],
    args: argparse.Namespace,
) -> list[GradientFlow]:
    """Gradient flow of each freshly initialised core on one episode of the default walk."""
    if not specs:
        return []
    obs = collect_episode(env, args.memory_length, args.seed)
    return [
        core_gradient_flow(
            name,
            obs,
            hidden_size=args.hidden_size,
            seed=args.seed,
            label=label,
            **{**core_kwargs, **kwargs},
        )
        for label, name, kwargs in specs
    ]


def _trained_model_flows(
    env: Any, models: list[tuple[str, str]], args: argparse.Namespace
) -> list[GradientFlow]:
    """Gradient flow of each saved model's actor on one episode of its own greedy actions."""
    from recurrent_agents import RecurrentPPO

    results = []
    for label, path in models:
        try:
            model = RecurrentPPO.load(path, device="cpu")
        except Exception as exc:  # noqa: BLE001 - any damage: one line naming the file
            problem = " ".join(str(exc).split())
            raise ValueError(f"--model {label}={path} does not load: {problem}") from None
        act = _GreedyActor(model)
        obs = collect_episode(_env_for(model, path, env), args.memory_length, args.seed, act)
        results.append(policy_gradient_flow(model, obs, label=label))
    return results


def summary_lags(max_lag: int) -> list[int]:
    """Lags 0, 1, 2, 5, 10, 20, 50, ... below ``max_lag``, and ``max_lag``: a table's rows."""
    lags = {0, max_lag}
    decade = 1
    while decade < max_lag:
        lags.update(m * decade for m in (1, 2, 5) if m * decade < max_lag)
        decade *= 10
    return sorted(lags)


def write_relative_csv(results: Sequence[GradientFlow], path: str | Path) -> Path:
    """Write ``||dL/dh_(t-k)|| / ||dL/dh_t||`` at :func:`summary_lags` (rows) per result
    (columns): the plot's numbers in a file small enough to commit beside it."""
    max_lag = max(len(r.grad_norms) for r in results) - 1
    columns = [r.relative() for r in results]
    path = Path(path)
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["k", *(r.label for r in results)])
        for k in summary_lags(max_lag):
            writer.writerow([k, *(f"{c[k]:.3e}" if k < len(c) else "" for c in columns)])
    return path


def _write_results(results: list[GradientFlow], args: argparse.Namespace) -> Path:
    """Write the PNG, the JSON and the relative-norm CSV to ``--out-dir``, print a line per
    result; the PNG's path."""
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    title = f"Gradient flow, {args.task} L={args.memory_length}"
    png = plot_gradient_flow(
        results, out_dir / "gradient_flow.png", title=title, relative=args.relative
    )
    (out_dir / "gradient_flow.json").write_text(
        json.dumps([r.to_dict() for r in results], indent=1)
    )
    write_relative_csv(results, out_dir / "gradient_flow_relative.csv")
    for r in results:
        decay = r.relative()[-1]
        print(
            f"{r.label:>10}: |grad| k=0 {r.grad_norms[0]:.3e}  k={r.ks[-1]} "
            f"{r.grad_norms[-1]:.3e}  (ratio {decay:.2e})"
        )
    print(f"wrote {png}, gradient_flow.json and gradient_flow_relative.csv in {out_dir}")
    return png


def _log_run(
    results: list[GradientFlow], png: Path, core_kwargs: dict[str, Any], args: argparse.Namespace
) -> None:
    """Log the results to a W&B run of their own (job type ``gradient-flow``)."""
    from recurrent_agents.run.tracking import init_wandb

    group = args.wandb_group or (Path(args.sweep_dir).name if args.sweep_dir else None)
    run = init_wandb(
        project=args.wandb_project,
        group=group,
        job_type="gradient-flow",
        config={**vars(args), "core_kwargs": core_kwargs},
        mode=args.wandb_mode,
        dir=Path(args.out_dir),
        name=f"gradient-flow-L{args.memory_length}",
    )
    try:
        log_gradient_flow(run, results, png)
    finally:
        if run is not None:
            run.finish()


if __name__ == "__main__":
    raise SystemExit(main())
