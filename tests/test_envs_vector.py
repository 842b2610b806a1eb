"""Batched vector envs equal the single envs step for step, and follow Gymnasium's SAME_STEP API."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode

import envs

CONFIGS = [
    ("TMaze", {"memory_length": 1}),
    ("TMaze", {"memory_length": 4}),
    ("TMaze", {"memory_length": 2, "variant": "active"}),
    ("TMaze", {"memory_length": 5, "variant": "active"}),
    ("BakkerTMaze", {"memory_length": 1}),
    ("BakkerTMaze", {"memory_length": 4}),
    ("DelayedCue", {"memory_length": 1}),
    ("DelayedCue", {"memory_length": 6, "num_cues": 3}),
    ("DelayedCue", {"memory_length": 4, "num_cues": 4, "distractors": True}),
]


def random_actions(rng, task, kwargs, size):
    """Random actions; T-maze ones lean right so that many episodes reach the junction."""
    if task in ("TMaze", "BakkerTMaze"):
        return rng.choice(4, size=size, p=[0.55, 0.2, 0.1, 0.15])
    return rng.integers(0, kwargs.get("num_cues", 2), size=size)


@pytest.mark.parametrize("task,kwargs", CONFIGS)
def test_batched_env_equals_single_envs(task, kwargs):
    n, steps, seed = 16, 300, 123
    rng = np.random.default_rng(7)
    venv = gym.make_vec(envs.TASKS[task], num_envs=n, **kwargs)
    singles = [gym.make(envs.TASKS[task], **kwargs) for _ in range(n)]
    obs, _ = venv.reset(seed=seed)
    single_obs = [env.reset(seed=seed + i)[0] for i, env in enumerate(singles)]
    np.testing.assert_array_equal(obs, np.stack(single_obs))
    episodes = successes = 0
    for step in range(steps):
        if step == 150:  # an unseeded reset in the middle continues every episode sequence
            obs, _ = venv.reset()
            np.testing.assert_array_equal(obs, np.stack([env.reset()[0] for env in singles]))
        actions = random_actions(rng, task, kwargs, n)
        obs, rewards, terminated, truncated, infos = venv.step(actions)
        for i, env in enumerate(singles):
            s_obs, s_rew, s_term, s_trunc, s_info = env.step(int(actions[i]))
            assert rewards[i] == s_rew and terminated[i] == s_term and truncated[i] == s_trunc
            if s_term or s_trunc:
                episodes += 1
                successes += s_info["is_success"]
                assert infos["_final_obs"][i] and infos["_final_info"][i]
                np.testing.assert_array_equal(infos["final_obs"][i], s_obs)
                assert infos["final_info"]["is_success"][i] == s_info["is_success"]
                s_obs, _ = env.reset()
            else:
                assert not infos or not infos["_final_obs"][i]
            np.testing.assert_array_equal(obs[i], s_obs)
    assert episodes >= 2 * n
    assert 0 < successes < episodes  # both outcomes were compared


@pytest.mark.parametrize("task", list(envs.TASKS))
def test_make_vec_returns_the_batched_class(task):
    expected = envs.DelayedCueVecEnv if task == "DelayedCue" else envs.TMazeVecEnv
    venv = gym.make_vec(
        envs.TASKS[task], num_envs=8, vectorization_mode="vector_entry_point", memory_length=3
    )
    assert type(venv) is expected
    assert isinstance(venv, gym.vector.VectorEnv)
    assert venv.metadata["autoreset_mode"] is AutoresetMode.SAME_STEP
    assert venv.num_envs == 8 and venv.memory_length == 3
    assert venv.observation_space.shape == (8, *venv.single_observation_space.shape)
    obs, infos = venv.reset(seed=0)
    assert obs in venv.observation_space and infos == {}
    assert venv.action_space.sample() in venv.action_space


def test_same_step_layout_matches_sync_vector_env():
    """Same keys, types and values as Gymnasium's SyncVectorEnv in SAME_STEP mode."""
    kwargs = {"memory_length": 2}
    batched = gym.make_vec("memory/TMaze-v0", num_envs=3, **kwargs)
    sync = gym.make_vec(
        "memory/TMaze-v0",
        num_envs=3,
        vectorization_mode="sync",
        vector_kwargs={"autoreset_mode": AutoresetMode.SAME_STEP},
        **kwargs,
    )
    for venv in (batched, sync):
        venv.reset(seed=5)
    for actions in ([0, 0, 2], [0, 0, 0], [1, 3, 1]):
        out_b = batched.step(np.array(actions))
        out_s = sync.step(np.array(actions))
        for a, b in zip(out_b[:4], out_s[:4], strict=True):
            np.testing.assert_array_equal(a, b)
        info_b, info_s = out_b[4], out_s[4]
        assert set(info_b) == set(info_s)
    assert set(info_b) == {"final_obs", "_final_obs", "final_info", "_final_info"}
    assert info_b["final_obs"].dtype == object == info_s["final_obs"].dtype
    for i in range(3):
        np.testing.assert_array_equal(info_b["final_obs"][i], info_s["final_obs"][i])
    assert set(info_b["final_info"]) == set(info_s["final_info"]) == {"is_success", "_is_success"}
    np.testing.assert_array_equal(
        info_b["final_info"]["is_success"], info_s["final_info"]["is_success"]
    )


def test_returned_arrays_are_fresh_each_step():
    venv = gym.make_vec("memory/DelayedCue-v0", num_envs=4, memory_length=3)
    first, _ = venv.reset(seed=0)
    kept = first.copy()
    second = venv.step(np.zeros(4, dtype=np.int64))[0]
    assert not np.shares_memory(first, second)
    np.testing.assert_array_equal(first, kept)


def test_reset_mask_resets_only_selected_copies():
    venv = gym.make_vec("memory/DelayedCue-v0", num_envs=4, memory_length=5)
    venv.reset(seed=0)
    before = venv.step(np.zeros(4, dtype=np.int64))[0]
    mask = np.array([True, False, True, False])
    after, _ = venv.reset(options={"reset_mask": mask})
    np.testing.assert_array_equal(after[~mask], before[~mask])
    assert (after[mask, 0] == 1.0).all() and (before[:, 0] < 1.0).all()


def test_step_before_reset_raises():
    venv = gym.make_vec("memory/TMaze-v0", num_envs=2, memory_length=3)
    with pytest.raises(gym.error.ResetNeeded):
        venv.step(np.zeros(2, dtype=np.int64))


def test_bakker_time_limit_truncates_in_single_and_batched_env():
    limit = 4 * (2 + 1)
    single = gym.make("memory/BakkerTMaze-v0", memory_length=2)
    single.reset(seed=0)
    for step in range(1, limit + 1):
        obs, reward, terminated, truncated, info = single.step(2)  # walk into the back wall
        assert reward == -0.1 and not terminated
        assert truncated == (step == limit)
    assert info == {"is_success": False}
    venv = gym.make_vec("memory/BakkerTMaze-v0", num_envs=3, memory_length=2)
    venv.reset(seed=0)
    for _ in range(limit):
        obs, rewards, terminated, truncated, infos = venv.step(np.full(3, 2))
    assert truncated.all() and not terminated.any()
    assert not infos["final_info"]["is_success"].any()
