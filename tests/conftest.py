"""Shared test setup: one torch thread per test process, W&B never reaches the network; a
user's own package of Gymnasium envs (``user_task``)."""

import importlib.util
import os
import signal
import textwrap
from pathlib import Path

import pytest

os.environ.setdefault("WANDB_MODE", "offline")
os.environ.setdefault("WANDB_SILENT", "true")

import torch  # noqa: E402

torch.set_num_threads(1)

#: A user's own package of Gymnasium envs, as train.py's --task module:ID imports it.
USER_TASK_PACKAGE = textwrap.dedent(
    '''
    """Recall: a cue (1 or 2) in the first observation, then blanks; name the cue at the end."""
    import gymnasium as gym
    import numpy as np
    from gymnasium import spaces


    class Recall(gym.Env):
        def __init__(self, memory_length=3):
            self.memory_length = memory_length
            self.observation_space = spaces.Dict(
                {"cue": spaces.Discrete(3), "clock": spaces.Box(0, 1, (1,), np.float32)}
            )
            self.action_space = spaces.Discrete(2)

        def reset(self, *, seed=None, options=None):
            super().reset(seed=seed)
            self.t, self.cue = 0, int(self.np_random.integers(1, 3))
            return self._obs(), {}

        def _obs(self):
            clock = np.array([self.t / (self.memory_length + 1)], np.float32)
            return {"cue": self.cue if self.t == 0 else 0, "clock": clock}

        def step(self, action):
            self.t += 1
            done = self.t > self.memory_length
            return self._obs(), float(done and int(action) + 1 == self.cue), done, False, {}


    gym.register("MyTasks/Recall-v0", entry_point=Recall)
    '''
)


@pytest.fixture
def user_task(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The task id ``module:ID`` of an env in a user's own package, importable here and in
    subprocesses (PYTHONPATH)."""
    package = tmp_path / "user_tasks" / "my_memory_tasks"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(USER_TASK_PACKAGE)
    monkeypatch.syspath_prepend(str(package.parent))
    path = os.pathsep.join(filter(None, [str(package.parent), os.environ.get("PYTHONPATH")]))
    monkeypatch.setenv("PYTHONPATH", path)
    return "my_memory_tasks:MyTasks/Recall-v0"


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
