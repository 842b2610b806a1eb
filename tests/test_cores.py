"""Recurrent cores: interface, resets, fast step path, initialisation, registry."""

import math

import pytest
import torch as th
from torch import nn

from recurrent_agents import RecurrentCore, available_cores, make_core, register_core

CORES = ["lstm", "gru", "rnn"]


@pytest.mark.parametrize("core", CORES)
@pytest.mark.parametrize("num_layers", [1, 2])
def test_shapes_and_state_tuple(core: str, num_layers: int) -> None:
    net = make_core(core, input_size=5, hidden_size=7, num_layers=num_layers)
    state = net.initial_state(3)
    assert len(state) == (2 if core == "lstm" else 1)
    assert all(s.shape == (num_layers, 3, 7) and not s.any() for s in state)
    out, new_state = net(th.randn(4, 3, 5), state, th.zeros(4, 3))
    assert out.shape == (4, 3, 7) and net.hidden_size == 7
    assert [s.shape for s in new_state] == [s.shape for s in state]
    assert isinstance(net.rnn, {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[core])


@pytest.mark.parametrize("core", CORES)
def test_episode_start_resets_state_before_the_step(core: str) -> None:
    th.manual_seed(0)
    net = make_core(core, input_size=4, hidden_size=6, num_layers=2)
    x = th.randn(6, 2, 4)
    starts = th.zeros(6, 2)
    starts[3, 0] = 1.0  # env 0 starts a new episode at t=3
    noisy = tuple(th.randn_like(s) for s in net.initial_state(2))
    with th.no_grad():
        out, _ = net(x, noisy, starts)
        # Reference: env 0's second episode run alone from a zero state.
        ref, _ = net(x[3:, :1], net.initial_state(1), th.zeros(3, 1))
        # Env 1 never resets: same as running without flags.
        ref1, _ = net(x[:, 1:], tuple(s[:, 1:] for s in noisy), th.zeros(6, 1))
    assert th.allclose(out[3:, :1], ref, atol=1e-6)
    assert th.allclose(out[:, 1:], ref1, atol=1e-6)


@pytest.mark.parametrize("core", CORES)
def test_single_step_path_matches_sequence_path(core: str) -> None:
    th.manual_seed(1)
    net = make_core(core, input_size=3, hidden_size=5, num_layers=2)
    x = th.randn(5, 4, 3)
    state = tuple(th.randn_like(s) for s in net.initial_state(4))
    with th.no_grad():
        seq_out, seq_state = net(x, state, th.zeros(5, 4))
        step_state, outs = state, []
        for t in range(5):
            o, step_state = net(x[t : t + 1], step_state, th.zeros(1, 4))
            outs.append(o)
    assert th.allclose(th.cat(outs), seq_out, atol=1e-6)
    assert all(th.allclose(a, b, atol=1e-6) for a, b in zip(step_state, seq_state, strict=True))


def test_forget_bias_and_chrono_init() -> None:
    h = 16
    lstm = make_core("lstm", 3, hidden_size=h, forget_bias=1.0)
    forget = lstm.rnn.bias_ih_l0[h : 2 * h] + lstm.rnn.bias_hh_l0[h : 2 * h]
    assert th.allclose(forget, th.ones(h))
    chrono = make_core("lstm", 3, hidden_size=h, chrono_init=50)
    b_f = chrono.rnn.bias_ih_l0[h : 2 * h] + chrono.rnn.bias_hh_l0[h : 2 * h]
    b_i = chrono.rnn.bias_ih_l0[:h] + chrono.rnn.bias_hh_l0[:h]
    assert b_f.min() >= 0.0 and b_f.max() <= math.log(49) + 1e-6 and b_f.std() > 0.1
    assert th.allclose(b_i, -b_f)
    gru = make_core("gru", 3, hidden_size=h, chrono_init=50)
    b_z = gru.rnn.bias_ih_l0[h : 2 * h] + gru.rnn.bias_hh_l0[h : 2 * h]
    assert b_z.min() >= 0.0 and b_z.max() <= math.log(49) + 1e-6


def test_chrono_fraction_initialises_only_that_share_of_the_units() -> None:
    h = 16
    th.manual_seed(0)
    full = make_core("lstm", 3, hidden_size=h, chrono_init=1000)
    th.manual_seed(0)
    same = make_core("lstm", 3, hidden_size=h, chrono_init=1000, chrono_fraction=1.0)
    assert all(th.equal(a, b) for a, b in zip(full.parameters(), same.parameters(), strict=True))
    half = make_core(
        "lstm", 3, hidden_size=h, chrono_init=1000, forget_bias=1.0, chrono_fraction=0.5
    )
    b_f = (half.rnn.bias_ih_l0 + half.rnn.bias_hh_l0)[h : 2 * h].detach()
    b_i = (half.rnn.bias_ih_l0 + half.rnn.bias_hh_l0)[:h].detach()
    assert th.allclose(b_i[: h // 2], -b_f[: h // 2])  # chrono units: slow, write little
    assert th.allclose(b_f[h // 2 :], th.ones(h // 2))  # the others: forget_bias
    assert th.allclose(b_i[h // 2 :], th.full((h // 2,), 3.0))  # and the elman init's open gate
    gru = make_core("gru", 3, hidden_size=h, chrono_init=1000, chrono_fraction=0.25)
    b_z = (gru.rnn.bias_ih_l0 + gru.rnn.bias_hh_l0)[h : 2 * h].detach()
    assert (b_z[:4] >= 0).all() and th.equal(b_z[4:], th.full((h - 4,), -3.0))
    with pytest.raises(ValueError, match=r"chrono_fraction must be in \(0, 1\], got 0"):
        make_core("lstm", 3, chrono_init=10, chrono_fraction=0)


def test_registry_and_bad_input() -> None:
    assert {"lstm", "gru", "rnn"} <= set(available_cores())
    with pytest.raises(ValueError, match="core must be one of .*lstm.*got 'tcn'"):
        make_core("tcn", 3)
    with pytest.raises(ValueError, match="hidden_size must be a positive int, got 0"):
        make_core("lstm", 3, hidden_size=0)
    with pytest.raises(ValueError, match="chrono_init must be an int >= 2, got 1"):
        make_core("lstm", 3, chrono_init=1)
    with pytest.raises(ValueError, match="must subclass RecurrentCore"):
        register_core("bad")(nn.Linear)


def test_custom_core_registers_and_runs() -> None:
    @register_core("test-tanh-gru")
    class TinyCore(RecurrentCore):
        num_states = 1

        def __init__(self, input_size: int, hidden_size: int = 64, num_layers: int = 1):
            super().__init__(input_size, hidden_size, num_layers)
            self.rnn = nn.GRU(input_size, hidden_size, num_layers)

        def forward_sequence(self, inputs, state):
            out, h = self.rnn(inputs, state[0])
            return th.tanh(out), (h,)

    net = make_core("test-tanh-gru", 3, hidden_size=4)
    assert "test-tanh-gru" in available_cores()
    out, state = net(th.randn(3, 2, 3), net.initial_state(2), th.ones(3, 2))
    assert out.shape == (3, 2, 4) and len(state) == 1


def test_elman_init_starts_gated_cores_as_an_orthogonal_elman_rnn() -> None:
    h = 16
    lstm = make_core("lstm", 3, hidden_size=h, init="elman")
    b = (lstm.rnn.bias_ih_l0 + lstm.rnn.bias_hh_l0).detach().split(h)
    assert [float(g.mean()) for g in b] == [3.0, -3.0, 0.0, 3.0]  # i open, f shut, g, o open
    for block in lstm.rnn.weight_hh_l0.detach().split(h):
        assert th.allclose(block.T @ block, th.eye(h), atol=1e-5)
    gru = make_core("gru", 3, hidden_size=h, init="elman", forget_bias=1.0)
    b = (gru.rnn.bias_ih_l0 + gru.rnn.bias_hh_l0).detach().split(h)
    assert [float(g.mean()) for g in b] == [3.0, 1.0, 0.0]  # r open, z: forget_bias, n
    with pytest.raises(ValueError, match="init must be one of \\['elman', 'pytorch'\\], got 'x'"):
        make_core("lstm", 3, init="x")


def test_elman_init_holds_recent_inputs_that_pytorch_init_forgets() -> None:
    """Why the init exists: bench/init_memory.py's measure, on one seed."""
    from bench.init_memory import recall_r2

    for core in ("lstm", "gru"):
        elman = recall_r2(core, "elman", 0, hidden_size=32, symbols=4, steps=40, batch=128)
        pytorch = recall_r2(core, "pytorch", 0, hidden_size=32, symbols=4, steps=40, batch=128)
        assert elman[4] > 0.7 and pytorch[4] < 0.5, (core, elman, pytorch)


def test_orthogonal_recurrent_weights_stay_orthogonal_while_training() -> None:
    th.manual_seed(2)
    net = make_core("rnn", input_size=3, hidden_size=8, recurrent_weights="orthogonal")
    free = make_core("rnn", input_size=3, hidden_size=8)
    x, starts = th.randn(20, 4, 3), th.zeros(20, 4)
    with th.no_grad():  # a rollout before training caches the weight it computed
        net(x, net.initial_state(4), starts)
    for core in (net, free):
        optimizer = th.optim.Adam(core.parameters(), lr=0.05)
        for _ in range(20):  # push the state up: a free W_hh grows to do it
            optimizer.zero_grad()
            out, _ = core(x, core.initial_state(4), starts)
            (-(out**2).mean()).backward()
            optimizer.step()
    eye = th.eye(8)
    with th.no_grad():
        w = net.rnn.weight_hh_l0
        assert th.allclose(w @ w.T, eye, atol=1e-5)
        w_free = free.rnn.weight_hh_l0
        assert not th.allclose(w_free @ w_free.T, eye, atol=1e-2)
        # rollouts run with the current weight, not the one cached before training: the same
        # as nn.RNN's own forward (which refreshes its weights)
        h0 = net.initial_state(4)
        out, _ = net(x, h0, starts)
        ref, _ = net.rnn(x, h0[0])
    assert th.allclose(out, ref, atol=1e-6)
    with pytest.raises(ValueError, match="recurrent_weights must be one of .*got 'unitary'"):
        make_core("rnn", 3, recurrent_weights="unitary")
