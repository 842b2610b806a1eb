"""Observations SB3 cannot take are adapted (envs.adapt), and foreign ids are vectorised for SB3."""

import gymnasium as gym
import minigrid  # noqa: F401 - registers the MiniGrid ids
import numpy as np
import popgym  # noqa: F401 - registers the popgym ids
import pytest
from gymnasium import spaces
from stable_baselines3.common.vec_env import VecMonitor

import envs
from envs.adapt import VECTOR_KEY, AdaptObservation, adapt_observations
from envs.sb3 import make_sb3_vec_env

BIG_IMAGE = spaces.Box(0, 255, (40, 40, 3), np.uint8)


class SpaceEnv(gym.Env):
    """Observes samples of ``observation_space``; episodes last 3 steps; reward 1 at the end."""

    def __init__(self, observation_space: spaces.Space = BIG_IMAGE) -> None:
        self.observation_space = observation_space
        self.action_space = spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.observation_space.seed(seed)
        self.t = 0
        return self.observation_space.sample(), {}

    def step(self, action):
        self.t += 1
        return self.observation_space.sample(), float(self.t == 3), self.t == 3, False, {}


gym.register("test-adapt/Space-v0", entry_point=SpaceEnv)


def _adapted(space: spaces.Space, keep_images: bool = False) -> gym.Env:
    return adapt_observations(SpaceEnv(space), keep_images=keep_images)


def test_discrete_and_multidiscrete_become_one_hot_vectors():
    env = _adapted(spaces.Tuple([spaces.Discrete(3), spaces.MultiDiscrete([2, 4])]))
    assert env.observation_space == spaces.Box(0, 1, (9,), np.float32)
    np.testing.assert_array_equal(
        env.observation((1, np.array([1, 3]))), [0, 1, 0, 0, 1, 0, 0, 0, 1]
    )


def test_nested_dict_is_flattened_and_text_dropped():
    space = spaces.Dict(
        {
            "inner": spaces.Dict({"pos": spaces.Box(-1, 1, (2,)), "flag": spaces.MultiBinary(1)}),
            "mission": spaces.Text(10),
            "small_image": spaces.Box(0, 255, (7, 7, 3), np.uint8),  # too small for NatureCNN
        }
    )
    env = _adapted(space, keep_images=True)
    assert env.observation_space.shape == (1 + 2 + 147,)
    assert env.observation_space.dtype == np.float32
    obs, _ = env.reset(seed=0)
    assert obs in env.observation_space


def test_big_images_stay_images_beside_the_vector_only_with_keep_images():
    space = spaces.Dict({"camera": BIG_IMAGE, "direction": spaces.Discrete(4)})
    kept = _adapted(space, keep_images=True)
    assert kept.observation_space == spaces.Dict(
        {"camera": BIG_IMAGE, VECTOR_KEY: spaces.Box(0, 1, (4,), np.float32)}
    )
    obs, _ = kept.reset(seed=0)
    assert obs in kept.observation_space
    flat = _adapted(space)
    assert flat.observation_space.shape == (4 + 40 * 40 * 3,)


def test_box_observations_are_left_alone_and_nothing_numeric_is_an_error():
    env = SpaceEnv(spaces.Box(-1, 1, (3,)))
    assert adapt_observations(env) is env
    assert adapt_observations(SpaceEnv(), keep_images=True).observation_space == BIG_IMAGE
    with pytest.raises(ValueError, match="observation space must hold a Box, Discrete"):
        AdaptObservation(SpaceEnv(spaces.Text(5)))


#: One-hot codes per MiniGrid cell: 11 object types, 6 colours, 4 states (3 door states; the
#: agent's direction in a fully observed grid).
MINIGRID_CELL = 11 + 6 + 4


def test_popgym_and_minigrid_observations():
    popgym_env = adapt_observations(gym.make("popgym-CountRecallEasy-v0"))  # MultiDiscrete([2, 2])
    assert popgym_env.observation_space == spaces.Box(0, 1, (4,), np.float32)
    minigrid_env = adapt_observations(gym.make("MiniGrid-MemoryS7-v0"))
    assert minigrid_env.observation_space.shape == (4 + 7 * 7 * MINIGRID_CELL,)
    obs, _ = minigrid_env.reset(seed=0)
    assert obs[:4].sum() == 1 and obs in minigrid_env.observation_space


def test_minigrid_view_codes_are_one_hot_as_minigrids_own_wrapper_encodes_them():
    from minigrid.wrappers import OneHotPartialObsWrapper

    adapted = adapt_observations(gym.make("MiniGrid-MemoryS11-v0"))
    reference = OneHotPartialObsWrapper(gym.make("MiniGrid-MemoryS11-v0"))
    for seed in range(3):
        obs, _ = adapted.reset(seed=seed)
        expected, _ = reference.reset(seed=seed)
        for action in (2, 2, 0, 2):  # forward into the room, turn: the view changes
            view = obs[4:].reshape(7, 7, MINIGRID_CELL)
            # minigrid's wrapper has no slot for the 4th state code (the agent's direction in a
            # fully observed grid); partial views never use it.
            assert not view[..., -1].any()
            np.testing.assert_array_equal(view[..., :-1], expected["image"])
            obs, *_ = adapted.step(action)
            expected, *_ = reference.step(action)


def test_minigrid_views_that_are_not_codes_are_left_as_they_are():
    from minigrid.wrappers import FullyObsWrapper, OneHotPartialObsWrapper, RGBImgPartialObsWrapper

    full = adapt_observations(FullyObsWrapper(gym.make("MiniGrid-MemoryS11-v0")))
    obs, _ = full.reset(seed=0)
    assert full.observation_space.shape == (4 + 11 * 11 * MINIGRID_CELL,)  # codes too
    assert obs[4:].reshape(11 * 11, -1).sum(axis=1).tolist() == [3.0] * 11 * 11
    pixels = adapt_observations(RGBImgPartialObsWrapper(gym.make("MiniGrid-MemoryS7-v0")))
    assert pixels.observation_space.shape == (4 + 56 * 56 * 3,)
    one_hot = adapt_observations(OneHotPartialObsWrapper(gym.make("MiniGrid-MemoryS7-v0")))
    assert one_hot.observation_space.shape == (4 + 7 * 7 * 20,)


def test_a_minigrid_view_observed_alone_is_one_hot_too():
    from minigrid.wrappers import ImgObsWrapper

    view_alone = adapt_observations(ImgObsWrapper(gym.make("MiniGrid-MemoryS7-v0")))
    with_direction = adapt_observations(gym.make("MiniGrid-MemoryS7-v0"))
    assert view_alone.observation_space.shape == (7 * 7 * MINIGRID_CELL,)
    np.testing.assert_array_equal(view_alone.reset(seed=1)[0], with_direction.reset(seed=1)[0][4:])


def test_env_id_imports_the_module_of_module_id():
    assert envs.env_id("TMaze") == "memory/TMaze-v0"
    assert envs.env_id("popgym:popgym-RepeatPreviousEasy-v0") == "popgym-RepeatPreviousEasy-v0"
    with pytest.raises(ValueError, match="cannot import module 'no_such_module'"):
        envs.env_id("no_such_module:X-v0")
    assert envs.kwarg_defaults("TMaze") == {"memory_length": 10, "variant": "passive"}
    assert envs.accepted_kwargs("minigrid:MiniGrid-MemoryS7-v0") == ("random_length", "max_steps")


def test_make_sb3_vec_env_adapts_a_foreign_env_and_tracks_its_episodes():
    venv = make_sb3_vec_env("popgym:popgym-RepeatPreviousEasy-v0", n_envs=3, seed=0)
    assert isinstance(venv, VecMonitor)
    assert venv.observation_space == spaces.Box(0, 1, (4,), np.float32)  # Discrete(4) one-hot
    obs = venv.reset()
    assert obs.shape == (3, 4) and (obs.sum(axis=1) == 1).all()
    infos = []
    while not any("episode" in info for info in infos):
        _, _, _, infos = venv.step(np.zeros(3, dtype=np.int64))
    assert all("is_success" not in info for info in infos)
    venv.close()


def test_make_sb3_vec_env_keeps_images_in_a_dict_observation():
    space = spaces.Dict({"camera": BIG_IMAGE, "direction": spaces.Discrete(4)})
    venv = make_sb3_vec_env(
        "test-adapt/Space-v0", n_envs=2, keep_images=True, observation_space=space
    )
    obs = venv.reset()
    assert set(obs) == {"camera", VECTOR_KEY}
    assert obs["camera"].shape == (2, 40, 40, 3) and obs[VECTOR_KEY].shape == (2, 4)
    venv.close()
