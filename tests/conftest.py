"""Shared test setup: one torch thread per test process, W&B never reaches the network."""

import importlib.util
import os
import signal
from pathlib import Path

import pytest

os.environ.setdefault("WANDB_MODE", "offline")
os.environ.setdefault("WANDB_SILENT", "true")

import torch  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def train_cli():
    """train.py as a module, for ``train_cli.main(argv)`` in-process (SIGTERM's handler, which
    main installs for a run, is restored afterwards)."""
    handler = signal.getsignal(signal.SIGTERM)
    spec = importlib.util.spec_from_file_location(
        "train_cli", Path(__file__).parents[1] / "train.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    signal.signal(signal.SIGTERM, handler)
