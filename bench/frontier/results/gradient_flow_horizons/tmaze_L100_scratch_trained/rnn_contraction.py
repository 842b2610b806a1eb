"""Why the vanilla RNN's gradient vanished on the failed seeds: its corridor dynamics contract.

Steps each trained rnn model's actor core through one greedy T-maze L=100 episode (as
``train.py gradient-flow --model`` does) and prints, averaged over steps 10..100, the mean tanh
derivative, the share of saturated units (|h| > 0.99) and the spectral radius of the per-step
Jacobian ``diag(1 - h_t^2) W_hh``: the factor by which the gradient shrinks per step.

    D=bench/frontier/results/gradient_flow_horizons/tmaze_L100_scratch_trained
    python $D/rnn_contraction.py RUNS   # RUNS holds TMaze-L100-rnn-s{0,1,2}/model.zip
"""

import sys

import numpy as np
import torch

from recurrent_agents import RecurrentPPO
from recurrent_agents.study.gradient_flow import _env_for, _GreedyActor, _make_env, collect_episode

runs = sys.argv[1]
for seed in range(3):
    path = f"{runs}/TMaze-L100-rnn-s{seed}/model.zip"
    model = RecurrentPPO.load(path, device="cpu")
    env = _env_for(model, path, _make_env("TMaze", 100))
    observations = collect_episode(env, 100, 0, _GreedyActor(model))
    policy = model.policy
    rnn = policy.core_actor.rnn
    with torch.no_grad():
        features = policy.extract_features(policy.obs_to_tensor(observations)[0]).float()
        hidden = torch.zeros(1, rnn.hidden_size)
        derivative, saturated, radius = [], [], []
        for x in features:
            hidden = torch.tanh(
                x @ rnn.weight_ih_l0.T
                + rnn.bias_ih_l0
                + hidden @ rnn.weight_hh_l0.T
                + rnn.bias_hh_l0
            )
            slope = 1 - hidden**2
            derivative.append(slope.mean().item())
            saturated.append((hidden.abs() > 0.99).float().mean().item())
            radius.append(torch.linalg.eigvals(slope.T * rnn.weight_hh_l0).abs().max().item())
    print(
        f"rnn-s{seed}: mean tanh' {np.mean(derivative[10:]):.2f}, saturated units "
        f"{np.mean(saturated[10:]):.2f}, Jacobian spectral radius {np.mean(radius[10:]):.2f}"
    )
