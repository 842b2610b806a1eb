"""Training throughput: recurrent_agents.RecurrentPPO vs stock sb3_contrib.RecurrentPPO.

Both train an LSTM policy (same hidden size, n_envs, n_steps, batch size, epochs, learning rate,
no KL early stop) on the same batched passive T-maze, in the same process, alternating in
rounds so that load from other processes hits both alike. Prints env-steps/s and the ratio.

    python bench/bench_ppo.py --lengths 5 20 100 --steps 8192 --rounds 3

``--bptt-rollouts horizon`` adds a third model, this RecurrentPPO with that ``bptt_rollouts``
(the gradient carried back across rollout boundaries), and its ratio to stock.

``--kernels`` adds, per implementation, the time spent inside the LSTM kernels (self CPU time of
the oneDNN RNN forward/backward ops, from two extra profiled rollouts + updates) per 1024 env
steps: the part of the cost that no Python-level change can remove.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import sb3_contrib
import torch as th
from torch.profiler import ProfilerActivity, profile

from envs.sb3 import make_sb3_vec_env
from recurrent_agents import RecurrentPPO


def build(kind: str, memory_length: int, args: argparse.Namespace):
    """A model of ``kind`` ("ours", "ours_bptt" or "stock") with the shared settings."""
    env = make_sb3_vec_env("TMaze", args.n_envs, seed=0, memory_length=memory_length)
    common = dict(
        n_steps=args.n_steps,
        batch_size=args.batch_size,
        n_epochs=args.n_epochs,
        learning_rate=3e-4,
        ent_coef=0.0,
        target_kl=None,
        seed=0,
        device="cpu",
    )
    if kind.startswith("ours"):
        kwargs = dict(core="lstm", hidden_size=args.hidden_size)
        bptt = args.bptt_rollouts if kind == "ours_bptt" else 0
        # Without the LSTM's default actor value head: stock has none, and the work stays equal;
        # rollouts of n_steps whatever learn()'s budget, as stock's (min_updates=0).
        return RecurrentPPO(
            "MlpPolicy",
            env,
            policy_kwargs=kwargs,
            bptt_rollouts=bptt,
            actor_value_coef=0.0,
            min_updates=0,
            **common,
        )
    kwargs = dict(lstm_hidden_size=args.hidden_size)
    return sb3_contrib.RecurrentPPO("MlpLstmPolicy", env, policy_kwargs=kwargs, **common)


def throughput(model, steps: int) -> float:
    """Env steps per second of ``model.learn(steps)`` (continuing the same run)."""
    start = time.perf_counter()
    model.learn(steps, reset_num_timesteps=False)
    return steps / (time.perf_counter() - start)


def lstm_kernel_ms(model, steps: int) -> float:
    """Milliseconds inside LSTM kernels per 1024 env steps of ``model.learn(steps)``."""
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        model.learn(steps, reset_num_timesteps=False)
    kernel_us = sum(
        event.self_cpu_time_total
        for event in prof.key_averages()
        if "mkldnn_rnn" in event.key or "lstm_cell" in event.key
    )
    return kernel_us / 1e3 * 1024 / steps


def main() -> None:
    """Run the side-by-side benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[5, 20, 100])
    parser.add_argument("--steps", type=int, default=8192, help="env steps per timed round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n-envs", type=int, default=8)
    parser.add_argument("--n-steps", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--n-epochs", type=int, default=4)
    parser.add_argument("--hidden-size", type=int, default=64)
    parser.add_argument(
        "--bptt-rollouts",
        type=lambda v: v if v == "horizon" else int(v),
        default=None,
        help="also time ours with this bptt_rollouts (an int or 'horizon')",
    )
    parser.add_argument(
        "--kernels", action="store_true", help="also report LSTM kernel ms per 1024 env steps"
    )
    args = parser.parse_args()
    th.set_num_threads(1)
    print(
        f"TMaze passive, LSTM hidden {args.hidden_size}, n_envs {args.n_envs}, n_steps "
        f"{args.n_steps}, batch {args.batch_size}, epochs {args.n_epochs}, torch threads 1"
    )
    header = "| memory length | stock sb3-contrib (steps/s) | recurrent_agents (steps/s) | ratio |"
    kinds = ("stock", "ours")
    if args.bptt_rollouts is not None:
        header += f" with bptt_rollouts={args.bptt_rollouts} (steps/s) | ratio |"
        kinds += ("ours_bptt",)
    if args.kernels:
        header += " stock: ms / 1024 steps (LSTM kernels) | ours: ms / 1024 steps (LSTM kernels) |"
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    for length in args.lengths:
        models = {kind: build(kind, length, args) for kind in kinds}
        for model in models.values():  # warm-up: first rollout + update
            model.learn(args.n_envs * args.n_steps)
        rates = {kind: [] for kind in models}
        for _ in range(args.rounds):
            for kind, model in models.items():
                rates[kind].append(throughput(model, args.steps))
        stock, ours = float(np.median(rates["stock"])), float(np.median(rates["ours"]))
        row = f"| {length} | {stock:,.0f} | {ours:,.0f} | {ours / stock:.1f}x |"
        if "ours_bptt" in models:
            bptt = float(np.median(rates["ours_bptt"]))
            row += f" {bptt:,.0f} | {bptt / stock:.1f}x |"
        if args.kernels:
            for kind, rate in (("stock", stock), ("ours", ours)):
                # Two rollouts: the profiler keeps every op event in memory.
                kernel_ms = lstm_kernel_ms(models[kind], 2 * args.n_envs * args.n_steps)
                row += f" {1024e3 / rate:.0f} ({kernel_ms:.0f}) |"
        print(row, flush=True)


if __name__ == "__main__":
    main()
