"""Forward + backward time of each built-in core's sequence kernel, with and without oneDNN.

    python bench/core_kernels.py [--steps 256] [--envs 8] [--hidden 64] [--rounds 5]

One training minibatch's core call (``T x B`` steps, input 32, hidden 64 by default) through
``nn.LSTM`` / ``nn.GRU`` / ``nn.RNN`` on 1 torch thread, timed with oneDNN (PyTorch's fused CPU
RNN kernels, ``torch.backends.mkldnn``) on and off, alternating rounds in one process; the median
round in ms and its ratio to the LSTM's with oneDNN on. It answers why a GRU run trains several
times slower than an LSTM run of the same size on CPU.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch as th
from torch import nn

CORES = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


def time_round(core: nn.Module, x: th.Tensor, onednn: bool) -> float:
    """Milliseconds of one forward + backward of ``core`` on ``x``."""
    th.backends.mkldnn.enabled = onednn
    try:
        start = time.perf_counter()
        out, _ = core(x)
        out.sum().backward()
        return (time.perf_counter() - start) * 1000
    finally:
        th.backends.mkldnn.enabled = True


def main() -> None:
    """Time every core both ways and print a Markdown table."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--steps", type=int, default=256, help="sequence length T")
    p.add_argument("--envs", type=int, default=8, help="sequences in the batch B")
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    th.set_num_threads(1)
    th.manual_seed(0)
    x = th.randn(args.steps, args.envs, 32)
    cores = {name: cls(32, args.hidden) for name, cls in CORES.items()}
    times: dict[tuple[str, bool], list[float]] = {}
    for _ in range(args.rounds):
        for name, core in cores.items():
            for onednn in (True, False):
                times.setdefault((name, onednn), []).append(time_round(core, x, onednn))
    median = {key: statistics.median(value) for key, value in times.items()}
    reference = median["lstm", True]
    print(f"T={args.steps}, B={args.envs}, hidden {args.hidden}, 1 thread, {args.rounds} rounds\n")
    print("| core | oneDNN on (ms) | x LSTM | oneDNN off (ms) | x LSTM |")
    print("|---|---|---|---|---|")
    for name in cores:
        on, off = median[name, True], median[name, False]
        print(f"| {name} | {on:.1f} | {on / reference:.1f} | {off:.1f} | {off / reference:.1f} |")


if __name__ == "__main__":
    main()
