"""Gradient flow through time: known answers on a linear RNN, and RNN vs LSTM decay."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from recurrent_agents.study.gradient_flow import (
    GradientFlow,
    _lstm_step,
    gradient_flow,
    main,
    plot_gradient_flow,
)


class LinearCore(nn.Module):
    """h_t = w * h_{t-1} + x_t (reset at episode starts): dL/dh_{T-k} = w^k * dL/dh_T."""

    def __init__(self, input_size: int, hidden_size: int, w: float) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        self.w = w
        self.proj = nn.Linear(input_size, hidden_size, bias=False)

    def initial_state(self, batch_size: int) -> tuple[torch.Tensor, ...]:
        return (torch.zeros(1, batch_size, self.hidden_size),)

    def forward(self, inputs, state, episode_starts):
        (h,) = state
        outs = []
        for t in range(inputs.shape[0]):
            h = h * (1.0 - episode_starts[t]).view(1, -1, 1)
            h = self.w * h + self.proj(inputs[t])
            outs.append(h[-1])
        return torch.stack(outs), (h,)


class TorchCore(nn.Module):
    """Minimal RecurrentCore around nn.RNN / nn.LSTM (the same interface as the built-in cores)."""

    def __init__(self, rnn: nn.Module) -> None:
        super().__init__()
        self.rnn = rnn
        self.hidden_size = rnn.hidden_size
        self.is_lstm = isinstance(rnn, nn.LSTM)

    def initial_state(self, batch_size: int) -> tuple[torch.Tensor, ...]:
        z = torch.zeros(self.rnn.num_layers, batch_size, self.hidden_size)
        return (z, z.clone()) if self.is_lstm else (z,)

    def forward(self, inputs, state, episode_starts):
        outs = []
        for t in range(inputs.shape[0]):
            keep = (1.0 - episode_starts[t]).view(1, -1, 1)
            state = tuple(s * keep for s in state)
            out, new = self.rnn(inputs[t : t + 1], state if self.is_lstm else state[0])
            state = tuple(new) if self.is_lstm else (new,)
            outs.append(out[0])
        return torch.stack(outs), state


@pytest.mark.parametrize("w", [0.5, -0.8, 1.3])
def test_linear_rnn_gradient_is_w_to_the_k(w: float) -> None:
    torch.manual_seed(0)
    core = LinearCore(input_size=3, hidden_size=4, w=w)
    inputs = torch.randn(12, 2, 3)
    flow = gradient_flow(core, inputs)  # loss = sum of outputs -> dL/dh_T = ones(4) per item
    expected = np.abs(w) ** np.arange(12) * 2.0  # ||ones(4)|| = 2
    np.testing.assert_allclose(flow.grad_norms, expected, rtol=1e-5)
    np.testing.assert_allclose(flow.relative(), np.abs(w) ** np.arange(12), rtol=1e-5)
    assert flow.forget_gates is None


def test_episode_start_cuts_the_gradient() -> None:
    core = LinearCore(input_size=1, hidden_size=1, w=0.9)
    starts = torch.zeros(10, 1)
    starts[0] = starts[6] = 1.0  # a new episode at t=6: nothing before it reaches the decision
    flow = gradient_flow(core, torch.ones(10, 1, 1), episode_starts=starts, max_k=9)
    np.testing.assert_allclose(flow.grad_norms[:4], 0.9 ** np.arange(4), rtol=1e-6)
    assert np.all(flow.grad_norms[4:] == 0.0)


def test_decision_step_and_max_k() -> None:
    core = LinearCore(input_size=1, hidden_size=1, w=0.5)
    flow = gradient_flow(core, torch.ones(10, 1, 1), decision_step=5, max_k=3)
    assert flow.decision_step == 5 and len(flow.grad_norms) == 4
    with pytest.raises(ValueError, match="decision_step"):
        gradient_flow(core, torch.ones(10, 1, 1), decision_step=10)


def test_lstm_step_matches_nn_lstm_and_records_forget_gates() -> None:
    torch.manual_seed(0)
    lstm = nn.LSTM(3, 5, num_layers=2)
    x = torch.randn(1, 4, 3)
    hx = (torch.randn(2, 4, 5), torch.randn(2, 4, 5))
    _, (h_ref, c_ref) = lstm(x, hx)
    f, h, c = _lstm_step(lstm, x[0], hx)
    torch.testing.assert_close(h, h_ref)
    torch.testing.assert_close(c, c_ref)
    assert f.shape == (2, 4, 5) and bool(((f > 0) & (f < 1)).all())

    core = TorchCore(nn.LSTM(3, 5))
    with torch.no_grad():
        core.rnn.bias_hh_l0[5:10] = 20.0  # forget-gate bias: f ~ 1 everywhere
    flow = gradient_flow(core, torch.randn(7, 2, 3))
    assert flow.forget_gates is not None and flow.forget_gates.shape == (7, 1, 2, 5)
    assert flow.forget_gates.min() > 0.99
    assert set(flow.component_norms) == {"h", "c"}


def _decay(core: nn.Module, steps: int = 31) -> np.ndarray:
    torch.manual_seed(1)
    inputs = torch.randn(steps, 8, 4)
    readout = torch.randn(core.hidden_size)
    return gradient_flow(core, inputs, loss_fn=lambda o: (o @ readout).sum()).relative()


def test_vanilla_rnn_vanishes_faster_than_forget_biased_lstm() -> None:
    torch.manual_seed(0)
    rnn = TorchCore(nn.RNN(4, 64, nonlinearity="tanh"))
    lstm = TorchCore(nn.LSTM(4, 64))
    with torch.no_grad():
        # chrono-style init (Tallec & Ollivier 2018): b_f = log U(1, T-1), b_i = -b_f
        b_f = torch.log(torch.empty(64).uniform_(1, 30))
        lstm.rnn.bias_ih_l0.zero_()
        lstm.rnn.bias_hh_l0.zero_()
        lstm.rnn.bias_hh_l0[64:128] = b_f
        lstm.rnn.bias_hh_l0[:64] = -b_f
    r, l_ = _decay(rnn), _decay(lstm)
    assert r[-1] < 1e-4  # the vanilla RNN's signal is gone after 30 steps
    assert l_[-1] > 1e3 * r[-1]
    assert l_[-1] > 1e-2


def test_registered_cores_vanilla_vs_chrono_lstm() -> None:
    from recurrent_agents import make_core

    torch.manual_seed(0)
    plain = make_core("rnn", 4, hidden_size=64, orthogonal_init=False)
    orth = make_core("rnn", 4, hidden_size=64)  # orthogonal W_hh: slower decay, still vanishes
    lstm = make_core("lstm", 4, hidden_size=64, chrono_init=100)
    p, o, l_ = _decay(plain, 101), _decay(orth, 101), _decay(lstm, 101)
    assert p[-1] < 1e-10 < o[-1]
    assert l_[-1] > 1e3 * o[-1]
    inputs = torch.randn(6, 2, 4)
    flow = gradient_flow(lstm, inputs)  # its one-step path bypasses rnn(): gates from states
    assert flow.forget_gates is not None and flow.forget_gates.shape == (6, 1, 2, 64)
    hooked = gradient_flow(TorchCore(lstm.rnn), inputs)  # same weights through nn.LSTM's forward
    np.testing.assert_allclose(flow.forget_gates, hooked.forget_gates, atol=1e-6)
    np.testing.assert_allclose(flow.grad_norms, hooked.grad_norms, rtol=1e-4)


def test_plot_and_cli(tmp_path) -> None:
    flows = [
        GradientFlow("a", 5, 0.5 ** np.arange(6)),
        GradientFlow("b", 5, np.ones(6), forget_gates=np.full((6, 1, 2, 3), 0.9)),
    ]
    png = plot_gradient_flow(flows, tmp_path / "g.png")
    assert png.stat().st_size > 1000
    assert main(["--memory-length", "0", "--wandb-mode", "disabled"]) == 2
    assert main(["--model", "nolabel", "--wandb-mode", "disabled"]) == 2


def tiny_tmaze_model(n_envs: int, prev_action_reward: bool = False, **policy_kwargs):
    """A small untrained RecurrentPPO on the T-maze at L=6."""
    from envs.sb3 import make_sb3_vec_env
    from recurrent_agents import RecurrentPPO

    vec = make_sb3_vec_env(
        "TMaze", n_envs, seed=0, prev_action_reward=prev_action_reward, memory_length=6
    )
    return RecurrentPPO(
        "MlpPolicy", vec, n_steps=8, batch_size=16, seed=0, policy_kwargs=policy_kwargs
    )


def test_policy_gradient_flow_on_a_recurrent_ppo_episode(tmp_path) -> None:
    import gymnasium as gym

    import envs
    from recurrent_agents.study.gradient_flow import collect_episode, policy_gradient_flow

    model = tiny_tmaze_model(n_envs=2, core="lstm", hidden_size=16)
    env = gym.make(envs.TASKS["TMaze"], memory_length=6)
    obs = collect_episode(env, 6, seed=0)
    assert obs.shape[0] == 7  # t = 0 .. memory_length
    flow = policy_gradient_flow(model, obs, label="lstm")
    assert flow.grad_norms.shape == (7,)
    assert np.all(np.isfinite(flow.grad_norms)) and np.all(flow.grad_norms > 0)
    assert flow.forget_gates is not None and flow.forget_gates.shape == (7, 1, 1, 16)
    assert model.policy.training  # restored after the measurement

    path = tmp_path / "m.zip"
    model.save(path)
    out = tmp_path / "gf"
    argv = [
        "--memory-length",
        "6",
        "--cores",
        "rnn;lstm:forget_bias=1.0",
        "--model",
        f"mine={path}",
        "--out-dir",
        str(out),
        "--wandb-mode",
        "disabled",
    ]
    assert main(argv) == 0
    import json

    saved = json.loads((out / "gradient_flow.json").read_text())
    assert [r["label"] for r in saved] == ["rnn", "lstm:forget_bias=1.0", "mine"]
    assert len(saved[2]["grad_norms"]) == 7 and "forget_gate_mean" in saved[2]
    assert (out / "gradient_flow.png").stat().st_size > 1000
    import csv

    with (out / "gradient_flow_relative.csv").open() as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["k", "rnn", "lstm:forget_bias=1.0", "mine"]
    assert [int(r[0]) for r in rows[1:]] == [0, 1, 2, 5, 6]  # 1-2-5 lags, then the last
    assert rows[1][1:] == ["1.000e+00"] * 3  # each column relative to its own k=0 norm
    last = [r["grad_norms"][6] / r["grad_norms"][0] for r in saved]
    assert [float(x) for x in rows[-1][1:]] == pytest.approx(last, rel=1e-3)


def test_summary_lags_follow_one_two_five_up_to_the_last_lag() -> None:
    from recurrent_agents.study.gradient_flow import summary_lags

    assert summary_lags(1000) == [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
    assert summary_lags(101) == [0, 1, 2, 5, 10, 20, 50, 100, 101]
    assert summary_lags(1) == [0, 1]


def test_gradient_flow_of_a_model_with_previous_action_reward_and_obs_normalisation(
    tmp_path, capsys
) -> None:
    import json

    model = tiny_tmaze_model(n_envs=4, prev_action_reward=True, hidden_size=8, normalize_obs=True)
    model.learn(64)  # the observation statistics are no longer the identity
    path = tmp_path / "par.zip"
    model.save(path)
    out = tmp_path / "gf"
    argv = ["--memory-length", "6", "--cores", "", "--model", f"par={path}"]
    argv += ["--out-dir", str(out), "--wandb-mode", "disabled"]
    assert main(argv) == 2  # how was it trained? not guessed: a one-line error
    assert "config.yaml" in capsys.readouterr().err
    (tmp_path / "config.yaml").write_text("prev_action_reward: true\n")  # as train.py writes it
    assert main(argv) == 0
    saved = json.loads((out / "gradient_flow.json").read_text())
    assert saved[0]["label"] == "par" and len(saved[0]["grad_norms"]) == 7


def test_policy_gradient_flow_uses_the_policys_actor_head_with_action_epsilon() -> None:
    import gymnasium as gym

    import envs
    from recurrent_agents.study.gradient_flow import collect_episode, policy_gradient_flow

    model = tiny_tmaze_model(n_envs=2, hidden_size=8, action_epsilon=0.5)
    policy = model.policy
    with torch.no_grad():
        policy.action_net.bias.copy_(torch.tensor([10.0, 0.0, 0.0, 0.0]))  # greedy: action 0
    obs = collect_episode(gym.make(envs.TASKS["TMaze"], memory_length=6), 6, seed=0)
    flow = policy_gradient_flow(model, obs)
    # The training path's log-prob of action 0 at the decision step, for the same episode.
    starts = torch.zeros(len(obs), 1)
    starts[0] = 1.0
    with torch.no_grad():
        _, log_prob, _ = policy.evaluate_sequences(
            torch.as_tensor(obs)[:, None],
            torch.zeros(len(obs), 1, dtype=torch.long),
            policy.initial_state(1),
            starts,
        )
    assert flow.loss == pytest.approx(-log_prob[-1, 0].item(), rel=1e-5)
    assert flow.loss == pytest.approx(-np.log(0.5 + 0.5 / 4), rel=1e-3)  # the epsilon mixture
