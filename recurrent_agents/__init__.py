"""Recurrent PPO agents with pluggable memory cores (LSTM, GRU, vanilla RNN, your own).

The agent library: cores and their registry, the shared policy, the sequence rollout buffer,
``RecurrentPPO`` and its defaults. It knows nothing of run directories: one training run lives
in ``recurrent_agents.run``, studies over many runs in ``recurrent_agents.study``.

Names are imported lazily so that light submodules (e.g. ``recurrent_agents.run.config``) do not
pay for torch / SB3 imports.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "RecurrentCore": "recurrent_agents.cores",
    "register_core": "recurrent_agents.cores",
    "make_core": "recurrent_agents.cores",
    "available_cores": "recurrent_agents.cores",
    "RecurrentActorCriticPolicy": "recurrent_agents.policy",
    "RecurrentActorCriticCnnPolicy": "recurrent_agents.policy",
    "RecurrentMultiInputActorCriticPolicy": "recurrent_agents.policy",
    "RecurrentPPO": "recurrent_agents.ppo",
    "SequenceRolloutBuffer": "recurrent_agents.buffer",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'recurrent_agents' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
