"""Stable-Baselines3 adapter: any SAME_STEP Gymnasium ``VectorEnv`` as an SB3 ``VecEnv``.

Importing this module imports stable-baselines3 (``import envs`` alone does not).
``make_sb3_vec_env`` takes any registered Gymnasium id too (or ``module:ID``): envs without a
batched vector entry point run in Gymnasium's ``SyncVectorEnv``, with their observations adapted
for SB3 (``envs.adapt``).

>>> from stable_baselines3 import PPO
>>> from envs.sb3 import make_sb3_vec_env
>>> venv = make_sb3_vec_env("TMaze", n_envs=8, seed=0, memory_length=10)
>>> model = PPO("MlpPolicy", venv).learn(2048)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from stable_baselines3.common.vec_env import VecEnv, VecMonitor
from stable_baselines3.common.vec_env.base_vec_env import VecEnvIndices, VecEnvStepReturn

from envs import PrevActionRewardVec, env_id
from envs._validation import check_positive_int
from envs.adapt import adapt_observations, needs_adapting
from envs.wrappers import prev_inputs

_FINAL_KEYS = frozenset(("final_obs", "_final_obs", "final_info", "_final_info"))


class _NoInfo(dict):
    """The empty, read-only info dict of every copy whose episode goes on.

    One shared instance instead of thousands of fresh dicts each step: SB3 only reads these
    (its wrappers write ``terminal_observation`` only into ended copies' dicts, which are fresh).
    Writing raises instead of silently changing every copy's info.
    """

    def _read_only(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("this info dict is shared and read-only: copy it (dict(info)) to edit")

    __setitem__ = __delitem__ = __ior__ = _read_only
    update = setdefault = pop = popitem = clear = _read_only


_NO_INFO = _NoInfo()


class SB3VecEnv(VecEnv):
    """SB3 view of a Gymnasium ``VectorEnv`` with ``AutoresetMode.SAME_STEP``.

    SB3 and SAME_STEP agree on the step an episode ends: the returned observation is already the
    next episode's first one. ``infos`` becomes SB3's list of per-copy dicts: empty for copies
    that go on, and for a copy whose episode ended ``{"terminal_observation": final obs,
    "TimeLimit.truncated": truncated and not terminated, **final info}`` (so ``is_success``
    reaches SB3's success-rate logging). ``dones = terminated | truncated``; rewards are float32.
    Copies that go on all share one empty read-only dict (building thousands of fresh dicts per
    step would cost more than the batched step itself); ended copies get their own dict.

    Attribute access (``get_attr``, ``set_attr``, ``env_method``) goes to the vector env itself,
    which holds all copies: each call returns that one result repeated for every index.
    """

    def __init__(self, venv: VectorEnv) -> None:
        mode = venv.metadata.get("autoreset_mode")
        if mode not in (AutoresetMode.SAME_STEP, AutoresetMode.SAME_STEP.value):
            raise ValueError(f"venv autoreset_mode must be AutoresetMode.SAME_STEP, got {mode!r}")
        self.venv = venv
        self._actions: np.ndarray | None = None
        super().__init__(venv.num_envs, venv.single_observation_space, venv.single_action_space)

    def reset(self) -> np.ndarray:
        """Reset every copy with the seeds/options set by ``seed()`` / ``set_options()``."""
        seeds = None if all(s is None for s in self._seeds) else list(self._seeds)
        options = next((o for o in self._options if o), None)
        obs, infos = self.venv.reset(seed=seeds, options=options)
        self.reset_infos = [_unbatch(infos, i) for i in range(self.num_envs)]
        self._reset_seeds()
        self._reset_options()
        return obs

    def step_async(self, actions: np.ndarray) -> None:
        """Store the actions for ``step_wait``."""
        self._actions = actions

    def step_wait(self) -> VecEnvStepReturn:
        """Step the vector env and convert its infos to SB3's list of dicts."""
        obs, rewards, terminated, truncated, infos = self.venv.step(self._actions)
        dones = terminated | truncated
        info_list: list[dict[str, Any]] = [_NO_INFO] * self.num_envs
        if infos:
            self._convert_infos(infos, info_list, terminated, truncated)
        return obs, rewards.astype(np.float32), dones, info_list

    def _convert_infos(
        self,
        infos: dict[str, Any],
        info_list: list[dict[str, Any]],
        terminated: np.ndarray,
        truncated: np.ndarray,
    ) -> None:
        final_mask = infos.get("_final_obs")
        if final_mask is not None:
            final_obs = infos["final_obs"]
            columns = _columns(infos.get("final_info", {}))
            time_limit = (truncated & ~terminated).tolist()
            for i in np.flatnonzero(final_mask).tolist():
                info = {"terminal_observation": final_obs[i], "TimeLimit.truncated": time_limit[i]}
                for key, values, mask in columns:
                    if mask is None or mask[i]:
                        info[key] = _item(values, i)
                info_list[i] = info
        rest = {k: v for k, v in infos.items() if k not in _FINAL_KEYS}
        if rest:
            # Ended copies already started the next episode: their remaining info is reset info.
            done = terminated | truncated
            for i in range(self.num_envs):
                if done[i]:
                    self.reset_infos[i].update(_unbatch(rest, i))
                else:
                    info_list[i] = _unbatch(rest, i)

    def close(self) -> None:
        """Close the vector env."""
        self.venv.close()

    def _owner(self, name: str) -> Any:
        """The vector env, or the one inside its wrappers if only that has ``name``."""
        return self.venv if hasattr(self.venv, name) else self.venv.unwrapped

    def get_attr(self, attr_name: str, indices: VecEnvIndices = None) -> list[Any]:
        """The vector env's attribute, once per requested index."""
        value = getattr(self._owner(attr_name), attr_name)
        return [value for _ in self._get_indices(indices)]

    def set_attr(self, attr_name: str, value: Any, indices: VecEnvIndices = None) -> None:
        """Set an attribute on the vector env (shared by all copies)."""
        setattr(self.venv, attr_name, value)

    def env_method(
        self, method_name: str, *method_args: Any, indices: VecEnvIndices = None, **method_kwargs
    ) -> list[Any]:
        """Call a method of the vector env once; its result repeated per requested index."""
        result = getattr(self._owner(method_name), method_name)(*method_args, **method_kwargs)
        return [result for _ in self._get_indices(indices)]

    def env_is_wrapped(
        self, wrapper_class: type[gym.Wrapper], indices: VecEnvIndices = None
    ) -> list[bool]:
        """Copies of a vector env are never wrapped by Gymnasium wrappers."""
        return [False for _ in self._get_indices(indices)]

    def get_images(self) -> Sequence[np.ndarray | None]:
        """Batched envs do not render; render a single env for pictures."""
        return [None for _ in range(self.num_envs)]


def _columns(infos: dict[str, Any]) -> list[tuple[str, Any, list[bool] | None]]:
    """(key, values, mask) per key of a vector info dict; arrays become lists (Python scalars)
    once, so that per-copy lookups are cheap. Nested dicts stay dicts (see ``_unbatch``)."""
    out = []
    for key, value in infos.items():
        if key.startswith("_"):
            continue
        mask = infos.get(f"_{key}")
        flat = isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype != object
        values = value.tolist() if flat else value  # other arrays: rows are indexed per copy
        out.append((key, values, None if mask is None else np.asarray(mask).tolist()))
    return out


def _unbatch(infos: dict[str, Any], i: int) -> dict[str, Any]:
    """Copy ``i``'s entries of a Gymnasium vector info dict (keys with a ``_key`` mask)."""
    out: dict[str, Any] = {}
    for key, value in infos.items():
        if key.startswith("_"):
            continue
        mask = infos.get(f"_{key}")
        if mask is not None and not mask[i]:
            continue
        out[key] = _item(value, i)
    return out


def _item(values: Any, i: int) -> Any:
    """Copy ``i``'s entry of a batched info value (a nested info dict, an array or a list)."""
    if isinstance(values, dict):
        return _unbatch(values, i)
    item = values[i]
    return item.item() if isinstance(item, np.generic) else item


def make_sb3_vec_env(
    task: str,
    n_envs: int,
    seed: int | None = None,
    monitor: bool = True,
    prev_action_reward: bool | str = False,
    keep_images: bool = False,
    **env_kwargs: Any,
) -> VecEnv:
    """Batched task as an SB3 ``VecEnv`` (in ``VecMonitor`` when ``monitor``).

    ``task`` is a short name from ``envs.TASKS`` (e.g. ``"TMaze"``), a registered env id or
    ``module:ID`` (see ``envs.env_id``). Ids without a SAME_STEP vector entry point (or whose
    batched env observes something other than a ``Box``) run in ``SyncVectorEnv`` with SAME_STEP
    autoreset, each copy's observations adapted for SB3 by ``envs.adapt.adapt_observations``
    (``keep_images``: images big enough for a CNN stay images, in a ``Dict`` observation).
    With ``seed=s``, copy ``i`` is seeded with ``s + i`` at the first ``reset()``.
    With ``prev_action_reward``, observations also hold the previous action and reward
    (``envs.PrevActionRewardVec``); with ``prev_action_reward="reward"`` the reward alone; with
    ``"auto"`` the reward, and the action where the env declares that it needs it
    (``envs.needs_prev_action``).
    """
    spec = gym.spec(env_id(task))
    n_envs = check_positive_int("n_envs", n_envs)
    venv = None
    if spec.vector_entry_point is not None:
        venv = gym.make_vec(
            spec.id, num_envs=n_envs, vectorization_mode="vector_entry_point", **env_kwargs
        )
        mode = venv.metadata.get("autoreset_mode")
        if mode != AutoresetMode.SAME_STEP or needs_adapting(venv.single_observation_space):
            venv.close()
            venv = None
    if venv is None:
        venv = gym.make_vec(
            spec.id,
            num_envs=n_envs,
            vectorization_mode="sync",
            vector_kwargs={"autoreset_mode": AutoresetMode.SAME_STEP},
            wrappers=[partial(adapt_observations, keep_images=keep_images)],
            **env_kwargs,
        )
    reward, action = prev_inputs(prev_action_reward, venv)
    if reward:
        venv = PrevActionRewardVec(venv, action=action)
    vec_env: VecEnv = SB3VecEnv(venv)
    if seed is not None:
        vec_env.seed(seed)
    return VecMonitor(vec_env) if monitor else vec_env
