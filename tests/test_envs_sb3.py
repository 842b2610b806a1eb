"""The SB3 adapter: SB3VecEnv over the batched envs, and make_sb3_vec_env."""

import gymnasium as gym
import numpy as np
import pytest
from stable_baselines3 import PPO
from stable_baselines3.common.vec_env import VecMonitor

import envs
from envs.sb3 import SB3VecEnv, make_sb3_vec_env


def test_dones_terminal_observation_and_is_success():
    venv = make_sb3_vec_env("TMaze", n_envs=4, seed=0, monitor=False, memory_length=2)
    assert isinstance(venv, SB3VecEnv) and venv.num_envs == 4
    obs = venv.reset()
    cues = obs[:, 0].copy()
    single = [gym.make("memory/TMaze-v0", memory_length=2) for _ in range(4)]
    np.testing.assert_array_equal(obs, np.stack([e.reset(seed=i)[0] for i, e in enumerate(single)]))
    for _ in range(2):
        obs, rewards, dones, infos = venv.step(np.zeros(4, dtype=np.int64))
        assert not dones.any() and infos == [{}, {}, {}, {}]
        assert all(isinstance(info, dict) and info.get("is_success") is None for info in infos)
    with pytest.raises(TypeError, match="shared and read-only"):
        infos[0]["terminal_observation"] = None  # a write must not leak into every copy's info
    assert dict(infos[0]) == {} and infos[0].copy() == {}
    turn = np.array([1, 3, 1, 3])
    obs, rewards, dones, infos = venv.step(turn)
    assert dones.all() and rewards.dtype == np.float32
    for i, info in enumerate(infos):
        expected_success = (cues[i] > 0) == (turn[i] == 1)
        assert info["is_success"] is bool(expected_success)
        assert rewards[i] == float(expected_success)
        assert info["TimeLimit.truncated"] is False
        np.testing.assert_array_equal(
            info["terminal_observation"], [0, 1, 1 if turn[i] == 1 else -1]
        )
    assert (obs[:, 0] != 0).all()  # already the next episode's first observation
    assert len({id(info) for info in infos}) == 4  # one dict per copy


def test_make_sb3_vec_env_monitor_and_task_names():
    venv = make_sb3_vec_env("memory/DelayedCue-v0", n_envs=2, memory_length=1)
    assert isinstance(venv, VecMonitor) and isinstance(venv.venv, SB3VecEnv)
    assert isinstance(venv.venv.venv, envs.DelayedCueVecEnv)
    venv.reset()
    venv.step(np.zeros(2, dtype=np.int64))
    _, _, dones, infos = venv.step(np.zeros(2, dtype=np.int64))
    assert dones.all() and all("episode" in info and "is_success" in info for info in infos)
    with pytest.raises(
        ValueError, match="task must be one of TMaze, DelayedCue, BakkerTMaze or a registered"
    ):
        make_sb3_vec_env("Maze", n_envs=2)
    with pytest.raises(ValueError, match="n_envs must be a positive int, got 0"):
        make_sb3_vec_env("TMaze", n_envs=0)


def test_non_same_step_vector_env_is_rejected():
    sync = gym.make_vec("memory/TMaze-v0", num_envs=2, vectorization_mode="sync", memory_length=2)
    with pytest.raises(ValueError, match="autoreset_mode must be AutoresetMode.SAME_STEP"):
        SB3VecEnv(sync)


def test_ppo_trains_on_the_adapter():
    venv = make_sb3_vec_env("TMaze", n_envs=8, seed=0, memory_length=2)
    model = PPO("MlpPolicy", venv, n_steps=32, batch_size=64, n_epochs=1, seed=0, device="cpu")
    model.learn(total_timesteps=512)
    assert model.num_timesteps >= 512
    assert len(model.ep_info_buffer) == 100  # SB3 keeps the last 100 episodes; 170 ended
    assert len(model.ep_success_buffer) == len(model.ep_info_buffer)
    assert {info["l"] for info in model.ep_info_buffer} == {3}
    assert {float(info["r"]) for info in model.ep_info_buffer} <= {1.0, 0.5, 0.0, -0.5, -1.0}


def test_truncation_reaches_sb3_as_time_limit():
    venv = make_sb3_vec_env("BakkerTMaze", n_envs=2, seed=0, monitor=False, memory_length=1)
    venv.reset()
    for _ in range(8):
        _, _, dones, infos = venv.step(np.full(2, 2))
    assert dones.all()
    assert all(
        info["TimeLimit.truncated"] is True and info["is_success"] is False for info in infos
    )


def test_adapter_gives_the_same_results_over_sync_vector_env():
    """The generic path (Gymnasium's own SAME_STEP infos) matches the batched env's."""
    kwargs = {"memory_length": 2, "variant": "bakker"}
    sync = gym.make_vec(
        "memory/TMaze-v0",
        num_envs=4,
        vectorization_mode="sync",
        vector_kwargs={"autoreset_mode": gym.vector.AutoresetMode.SAME_STEP},
        **kwargs,
    )
    batched = gym.make_vec("memory/TMaze-v0", num_envs=4, **kwargs)
    adapters = [SB3VecEnv(sync), SB3VecEnv(batched)]
    for adapter in adapters:
        adapter.seed(3)
    obs = [adapter.reset() for adapter in adapters]
    np.testing.assert_array_equal(*obs)
    rng = np.random.default_rng(0)
    ended = 0
    for _ in range(60):
        actions = rng.choice(4, size=4, p=[0.5, 0.2, 0.2, 0.1])
        (o1, r1, d1, i1), (o2, r2, d2, i2) = (adapter.step(actions) for adapter in adapters)
        np.testing.assert_array_equal(o1, o2)
        np.testing.assert_array_equal(r1, r2)
        np.testing.assert_array_equal(d1, d2)
        for a, b in zip(i1, i2, strict=True):
            assert a.keys() == b.keys()
            if "terminal_observation" in a:
                ended += 1
                np.testing.assert_array_equal(a["terminal_observation"], b["terminal_observation"])
                assert a["is_success"] is b["is_success"]
                assert a["TimeLimit.truncated"] is b["TimeLimit.truncated"]
    assert ended >= 8
