"""Recurrent cores: the memory module plugged into the actor-critic policy, and their registry.

A core maps a batch of padded sequences ``inputs[T, B, F]`` plus an initial state (a tuple of
tensors, each ``(num_layers, B, hidden_size)``) and episode-start flags ``[T, B]`` to outputs
``[T, B, hidden_size]`` and the final state. The state is zeroed wherever an episode starts,
before that step is processed.
"""

from __future__ import annotations

import importlib
import inspect
import math
from collections.abc import Callable, Sequence
from typing import Any

import torch as th
from torch import nn

_REGISTRY: dict[str, type[RecurrentCore]] = {}
#: Initialisations of the gated cores' weights (``init=``): see :class:`LSTMCore`.
GATED_INITS = ("elman", "pytorch")
#: Core options that only some built-in cores take (the gated cores the first two, the vanilla
#: RNN the last): a sweep's command drops them for the others.
CORE_SPECIFIC_OPTIONS = ("init", "chrono_fraction", "recurrent_weights")
#: What the vanilla RNN core's ``recurrent_weights`` may be: see :class:`RNNCore`.
RECURRENT_WEIGHTS = ("free", "orthogonal")
#: Gate-bias magnitude of the ``"elman"`` init: sigmoid(3) = 0.95 open, sigmoid(-3) = 0.05 shut.
GATE_SATURATION = 3.0


def check_core_sizes(**sizes: Any) -> None:
    """Raise ValueError unless every size (``hidden_size=64, ...``) is a positive int.

    Also for code that sizes layers from a core's sizes before building it, like the policy.
    """
    for name, value in sizes.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")


class RecurrentCore(nn.Module):
    """Base class of every recurrent core.

    Subclasses set ``num_states`` (2 for ``(h, c)``, 1 for ``(h,)``) and implement
    :meth:`forward_sequence`, which runs a sequence with no resets inside it. This base class
    handles the episode-start resets, so a new core is a few lines (see the README).
    """

    num_states: int = 1

    def __init__(self, input_size: int, hidden_size: int = 64, num_layers: int = 1) -> None:
        super().__init__()
        check_core_sizes(input_size=input_size, hidden_size=hidden_size, num_layers=num_layers)
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers

    def initial_state(self, batch_size: int) -> tuple[th.Tensor, ...]:
        """Zero state: ``num_states`` tensors of shape (num_layers, batch_size, hidden_size)."""
        device = next(self.parameters()).device
        shape = (self.num_layers, batch_size, self.hidden_size)
        return tuple(th.zeros(shape, device=device) for _ in range(self.num_states))

    def forward_sequence(
        self, inputs: th.Tensor, state: tuple[th.Tensor, ...]
    ) -> tuple[th.Tensor, tuple[th.Tensor, ...]]:
        """Run ``inputs[T, B, F]`` from ``state`` with no resets; return outputs and final state."""
        raise NotImplementedError

    def forward_step(
        self, inputs: th.Tensor, state: tuple[th.Tensor, ...]
    ) -> tuple[th.Tensor, tuple[th.Tensor, ...]]:
        """One time step ``inputs[B, F]`` with no reset; override for a faster rollout path."""
        out, state = self.forward_sequence(inputs.unsqueeze(0), state)
        return out[0], state

    def forward(
        self, inputs: th.Tensor, state: tuple[th.Tensor, ...], episode_starts: th.Tensor
    ) -> tuple[th.Tensor, tuple[th.Tensor, ...]]:
        """Process ``inputs[T, B, F]``, zeroing the state where ``episode_starts[T, B]`` is 1.

        Training batches hold whole episode segments, so resets only happen at t=0 and the
        sequence runs in one call. Resets later in the sequence (e.g. a diagnostic feeding
        several episodes back to back) split it at those time steps only.
        """
        starts = episode_starts.reshape(inputs.shape[0], inputs.shape[1])
        if inputs.shape[0] == 1:
            keep = (1.0 - starts[0].to(inputs.dtype)).view(1, -1, 1)
            out, state = self.forward_step(inputs[0], tuple(s * keep for s in state))
            return out.unsqueeze(0), state
        later = th.nonzero(starts[1:].any(dim=1)).flatten()
        cut_times = [0, *(later + 1).tolist(), inputs.shape[0]]
        outputs = []
        for t0, t1 in zip(cut_times[:-1], cut_times[1:], strict=True):
            keep = (1.0 - starts[t0].to(inputs.dtype)).view(1, -1, 1)
            state = tuple(s * keep for s in state)
            out, state = self.forward_sequence(inputs[t0:t1], state)
            outputs.append(out)
        output = outputs[0] if len(outputs) == 1 else th.cat(outputs, dim=0)
        return output, state


class _GatedCore(RecurrentCore):
    """Constructor shared by the gated cores: builds ``rnn`` and initialises its gates.

    Subclasses set ``rnn_class`` and the gate indices (in PyTorch's gate order): ``keep_gate``
    (shut by the ``"elman"`` init; set by ``forget_bias`` / chrono init), ``open_gates`` (open
    by the ``"elman"`` init) and, for chrono init, ``write_gate``.
    """

    rnn_class: type[nn.RNNBase]
    keep_gate: int
    open_gates: tuple[int, ...]
    write_gate: int | None = None

    def __init__(
        self,
        input_size: int,
        hidden_size: int = 64,
        num_layers: int = 1,
        init: str = "elman",
        forget_bias: float | None = None,
        chrono_init: int | None = None,
        chrono_fraction: float = 1.0,
        dropout: float = 0.0,
    ) -> None:
        super().__init__(input_size, hidden_size, num_layers)
        if init not in GATED_INITS:
            raise ValueError(f"init must be one of {list(GATED_INITS)}, got {init!r}")
        self.rnn = self.rnn_class(input_size, hidden_size, num_layers, dropout=dropout)
        if init == "elman":
            _init_elman(self.rnn, hidden_size, num_layers, self.keep_gate, self.open_gates)
        _init_gate_biases(
            self.rnn,
            hidden_size,
            num_layers,
            self.keep_gate,
            self.write_gate,
            forget_bias,
            chrono_init,
            chrono_fraction,
        )


class LSTMCore(_GatedCore):
    """LSTM core (``rnn`` is an ``nn.LSTM``; state ``(h, c)``).

    :param init: ``"elman"`` (default) starts the core as an Elman RNN with orthogonal
        recurrent weights: each gate's recurrent weight block orthogonal, the input and output
        gates open and the forget gate shut (biases +-3), so ``h' ~ tanh(tanh(W x + U h))``.
        Such an RNN keeps a linearly decodable trace of the last ~10 inputs before any
        training, where PyTorch's init (all gates at 0.5) halves the state every step; the
        gates then learn when to hold. ``"pytorch"``: PyTorch's uniform init.
    :param forget_bias: initial forget-gate bias, replacing the init's (-3 with ``"elman"``,
        about 0 with ``"pytorch"``; 1 is the classic Gers et al. choice).
    :param chrono_init: if set to a memory length ``T_max``, chrono initialisation (Tallec &
        Ollivier 2018): forget bias ``log(U(1, T_max - 1))`` and input bias its negative, so
        the initial cell-state time constants span 1..T_max steps. Overrides ``forget_bias``
        on the units it initialises.
    :param chrono_fraction: the fraction of units that get the chrono init (default 1: all);
        the others keep the ``init``'s biases (or ``forget_bias``), so fast units that
        write every step sit next to slow ones that hold a value for up to ``T_max`` steps.
    :param dropout: dropout between stacked layers in training mode (``nn.LSTM``'s).
    """

    num_states = 2
    rnn_class = nn.LSTM
    # PyTorch gate order: input, forget, cell, output.
    keep_gate = 1
    open_gates = (0, 3)
    write_gate = 0

    def forward_sequence(
        self, inputs: th.Tensor, state: tuple[th.Tensor, ...]
    ) -> tuple[th.Tensor, tuple[th.Tensor, ...]]:
        """Run the LSTM over ``inputs[T, B, F]`` from ``(h, c)``.

        Calls nn.LSTM's kernel (``torch.lstm``) without the module's per-call checks, for
        rollout steps (T=1) and training sequences alike. On CPU it runs oneDNN's RNN
        primitive, whose rounding differs from ``torch.lstm_cell`` (~6e-8) but not with T or
        the batch size (from 4 rows on): rollout and training agree bit for bit, so the PPO
        ratio is exactly 1 before the first update.
        """
        return _native_run(th.lstm, self, inputs, state)


class GRUCore(_GatedCore):
    """GRU core (``rnn`` is an ``nn.GRU``; state ``(h,)``).

    ``forget_bias`` / ``chrono_init`` act on the update gate z (h' = (1 - z) n + z h), the
    GRU's keep-the-old-state gate; with chrono init the reset gate keeps its init. The
    ``"elman"`` init (default; see :class:`LSTMCore`) opens the reset gate and shuts the update
    gate, so the GRU starts as the Elman RNN ``h' = tanh(W x + U h)``.
    """

    num_states = 1
    rnn_class = nn.GRU
    # PyTorch gate order: reset, update, new.
    keep_gate = 1
    open_gates = (0,)

    def forward_sequence(
        self, inputs: th.Tensor, state: tuple[th.Tensor, ...]
    ) -> tuple[th.Tensor, tuple[th.Tensor, ...]]:
        """Run the GRU over ``inputs[T, B, F]`` from ``(h,)`` through nn.GRU's kernel.

        ``torch.gru_cell`` rounds differently (~1e-7); see :meth:`LSTMCore.forward_sequence`.
        """
        return _native_run(th.gru, self, inputs, state)


class RNNCore(RecurrentCore):
    """Vanilla (Elman, tanh) RNN core (``rnn`` is an ``nn.RNN``; state ``(h,)``).

    :param orthogonal_init: orthogonal recurrent weights, which keep the backward Jacobian
        closer to norm-preserving at initialisation (default True).
    :param recurrent_weights: ``"free"`` (default: trained like any weight) or ``"orthogonal"``
        (kept orthogonal throughout training by ``torch.nn.utils.parametrizations.orthogonal``:
        the backward Jacobian ``diag(tanh') W`` then has norm at most 1, so gradients cannot
        explode, and the state is not squeezed by ``W`` itself).
    :param dropout: dropout between stacked layers in training mode (``nn.RNN``'s).
    """

    num_states = 1

    def __init__(
        self,
        input_size: int,
        hidden_size: int = 64,
        num_layers: int = 1,
        orthogonal_init: bool = True,
        recurrent_weights: str = "free",
        dropout: float = 0.0,
    ) -> None:
        super().__init__(input_size, hidden_size, num_layers)
        if recurrent_weights not in RECURRENT_WEIGHTS:
            raise ValueError(
                f"recurrent_weights must be one of {list(RECURRENT_WEIGHTS)}, "
                f"got {recurrent_weights!r}"
            )
        self.rnn = nn.RNN(input_size, hidden_size, num_layers, nonlinearity="tanh", dropout=dropout)
        if orthogonal_init:
            for layer in range(num_layers):
                nn.init.orthogonal_(getattr(self.rnn, f"weight_hh_l{layer}"))
        self.recurrent_weights = recurrent_weights
        self._weights_cache: dict[str, tuple[th.Tensor, th.Tensor]] = {}
        if recurrent_weights == "orthogonal":
            for layer in range(num_layers):
                nn.utils.parametrizations.orthogonal(self.rnn, f"weight_hh_l{layer}")

    def forward_sequence(
        self, inputs: th.Tensor, state: tuple[th.Tensor, ...]
    ) -> tuple[th.Tensor, tuple[th.Tensor, ...]]:
        """Run the RNN over ``inputs[T, B, F]`` from ``(h,)`` through nn.RNN's kernel."""
        if self.recurrent_weights == "free":
            return _native_run(th.rnn_tanh, self, inputs, state)
        return _native_run(th.rnn_tanh, self, inputs, state, self._current_weights())

    def _current_weights(self) -> list[th.Tensor]:
        """nn.RNN's weight list with each parametrized ``weight_hh`` computed from its parameter
        (nn.RNN's own cached list would hold a stale copy). Without autograd (rollouts,
        ``predict``) a computed ``weight_hh`` is reused while its parameter is unchanged: the
        matrix exponential behind it costs about as much as the step itself. Unchanged is
        checked by value, as the fused Adam step does not bump version counters."""
        weights = []
        for name in self.rnn._flat_weights_names:
            if not name.startswith("weight_hh") or th.is_grad_enabled():
                weights.append(getattr(self.rnn, name))
                continue
            original = self.rnn.parametrizations[name].original
            cached = self._weights_cache.get(name)
            if cached is None or not th.equal(cached[0], original):
                cached = (original.detach().clone(), getattr(self.rnn, name))
                self._weights_cache[name] = cached
            weights.append(cached[1])
        return weights


def _native_run(
    kernel: Callable,
    core: RecurrentCore,
    inputs: th.Tensor,
    state: tuple[th.Tensor, ...],
    weights: list[th.Tensor] | None = None,
) -> tuple[th.Tensor, tuple[th.Tensor, ...]]:
    """``inputs[T, B, F]`` through a torch RNN kernel (``th.lstm``, ``th.gru``,
    ``th.rnn_tanh``) with ``weights`` (default ``core.rnn``'s), without the module's per-call
    checks."""
    hx = tuple(s.contiguous() for s in state)
    out, *final = kernel(
        inputs,
        hx if len(hx) > 1 else hx[0],  # the LSTM kernel takes (h, c), the others h
        core.rnn._flat_weights if weights is None else weights,
        True,  # has biases
        core.num_layers,
        float(core.rnn.dropout),  # between layers, in training mode only
        core.training,
        False,  # bidirectional
        False,  # batch_first
    )
    return out, tuple(final)


def _init_elman(
    rnn: nn.RNNBase, hidden_size: int, num_layers: int, keep_gate: int, open_gates: tuple[int, ...]
) -> None:
    """The ``"elman"`` init: every gate's recurrent weight block orthogonal (gain 1), the
    ``open_gates`` open and the ``keep_gate`` shut (bias +-``GATE_SATURATION`` in ``bias_ih``,
    ``bias_hh`` zero), the candidate's bias zero; input weights keep PyTorch's init."""
    with th.no_grad():
        for layer in range(num_layers):
            weight_hh = getattr(rnn, f"weight_hh_l{layer}")
            b_ih = getattr(rnn, f"bias_ih_l{layer}")
            b_hh = getattr(rnn, f"bias_hh_l{layer}")
            for block in weight_hh.split(hidden_size):
                nn.init.orthogonal_(block)
            b_ih.zero_()
            b_hh.zero_()
            for gate in open_gates:
                b_ih[gate * hidden_size : (gate + 1) * hidden_size] = GATE_SATURATION
            b_ih[keep_gate * hidden_size : (keep_gate + 1) * hidden_size] = -GATE_SATURATION


def _init_gate_biases(
    rnn: nn.RNNBase,
    hidden_size: int,
    num_layers: int,
    keep_gate: int,
    write_gate: int | None,
    forget_bias: float | None,
    chrono_init: int | None,
    chrono_fraction: float = 1.0,
) -> None:
    """Set the keep gate's bias (LSTM forget / GRU update) to a constant or chrono init
    (chrono init on the first ``chrono_fraction`` of the units only).

    PyTorch has two bias vectors per layer that are summed, so the value goes into ``bias_ih``
    and the matching slice of ``bias_hh`` is zeroed.
    """
    if chrono_init is not None:
        if not isinstance(chrono_init, int) or isinstance(chrono_init, bool) or chrono_init < 2:
            raise ValueError(f"chrono_init must be an int >= 2, got {chrono_init!r}")
    if forget_bias is not None and not math.isfinite(float(forget_bias)):
        raise ValueError(f"forget_bias must be a finite float, got {forget_bias!r}")
    if not (isinstance(chrono_fraction, (int, float)) and 0 < chrono_fraction <= 1):
        raise ValueError(f"chrono_fraction must be in (0, 1], got {chrono_fraction!r}")
    if chrono_init is None and forget_bias is None:
        return
    keep = slice(keep_gate * hidden_size, (keep_gate + 1) * hidden_size)
    with th.no_grad():
        for layer in range(num_layers):
            b_ih = getattr(rnn, f"bias_ih_l{layer}")
            b_hh = getattr(rnn, f"bias_hh_l{layer}")
            if chrono_init is None:
                b_ih[keep] = float(forget_bias)
                b_hh[keep] = 0.0
                continue
            n_chrono = max(1, round(chrono_fraction * hidden_size))
            bias = th.log(th.empty(n_chrono).uniform_(1.0, float(chrono_init - 1)))
            units = slice(keep.start, keep.start + n_chrono)
            b_ih[units] = bias
            b_hh[units] = 0.0
            if forget_bias is not None:
                b_ih[keep.start + n_chrono : keep.stop] = float(forget_bias)
                b_hh[keep.start + n_chrono : keep.stop] = 0.0
            if write_gate is not None:
                units = slice(write_gate * hidden_size, write_gate * hidden_size + n_chrono)
                b_ih[units] = -bias
                b_hh[units] = 0.0


def register_core(name: str) -> Callable[[type[RecurrentCore]], type[RecurrentCore]]:
    """Class decorator: register a :class:`RecurrentCore` subclass under ``name``."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty str, got {name!r}")

    def decorator(cls: type[RecurrentCore]) -> type[RecurrentCore]:
        if not (isinstance(cls, type) and issubclass(cls, RecurrentCore)):
            raise ValueError(f"core class must subclass RecurrentCore, got {cls!r}")
        _REGISTRY[name] = cls
        return cls

    return decorator


def available_cores() -> list[str]:
    """Names of the registered cores, sorted."""
    return sorted(_REGISTRY)


def core_class(name: str) -> type[RecurrentCore]:
    """The core class registered as ``name``. ``module:NAME`` imports ``module`` first, so that
    its :func:`register_core` runs (Gymnasium's form for env ids): ``my_cores:layernorm-gru``
    names a user's core wherever a core name goes (``train.py --core``, sweeps, a saved model).

    Raises:
        ValueError: the module cannot be imported or no core is registered as NAME (one line).
    """
    module, _, registered = name.rpartition(":") if isinstance(name, str) else ("", "", name)
    if module:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise ValueError(f"core {name!r}: cannot import module {module!r} ({exc})") from None
    if registered not in _REGISTRY:
        raise ValueError(
            f"core must be one of {', '.join(available_cores())} or module:NAME (imports the "
            f"module that registers NAME), got {name!r}"
        )
    return _REGISTRY[registered]


def is_core(name: str) -> bool:
    """Whether ``name`` names a core :func:`core_class` finds (importing its module if given)."""
    try:
        core_class(name)
    except ValueError:
        return False
    return True


def check_cores(names: Sequence[str]) -> None:
    """Raise ValueError (one line) naming each of ``names`` that :func:`core_class` does not
    find."""
    unknown = [name for name in names if not is_core(name)]
    if unknown:
        allowed = ", ".join(available_cores())
        raise ValueError(
            f"cores must be registered cores ({allowed}) or module:NAME, got {', '.join(unknown)}"
        )


def core_takes(name: str, option: str) -> bool:
    """Whether the core registered as ``name`` takes the constructor option ``option``."""
    params = inspect.signature(core_class(name)).parameters
    return option in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def make_core(
    name: str, input_size: int, hidden_size: int = 64, num_layers: int = 1, **kwargs
) -> RecurrentCore:
    """Build the core registered as ``name`` (or ``module:NAME``, :func:`core_class`); extra
    keyword arguments go to its constructor."""
    cls = core_class(name)
    params = inspect.signature(cls).parameters
    if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
        options = [p for p in params if p not in ("input_size", "hidden_size", "num_layers")]
        unknown = sorted(set(kwargs) - set(options))
        if unknown:
            raise ValueError(f"core {name!r} takes the options {options}, got {unknown}")
    return cls(input_size, hidden_size=hidden_size, num_layers=num_layers, **kwargs)


register_core("lstm")(LSTMCore)
register_core("gru")(GRUCore)
register_core("rnn")(RNNCore)
