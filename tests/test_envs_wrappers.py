"""PrevActionReward / PrevActionRewardVec: the previous action and reward in the obs; the
"auto" choice that observes the action where the env declares it needs it."""

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env as gym_check_env
from gymnasium.vector import AutoresetMode
from stable_baselines3.common.env_checker import check_env as sb3_check_env

import envs
from envs.sb3 import make_sb3_vec_env

CONFIGS = [
    ("TMaze", {"memory_length": 2}),
    ("TMaze", {"memory_length": 3, "variant": "active"}),
    ("BakkerTMaze", {"memory_length": 2}),
    ("DelayedCue", {"memory_length": 2, "num_cues": 3, "distractors": True}),
]


@pytest.mark.parametrize("task,kwargs", CONFIGS)
def test_single_wrapper_passes_gymnasium_and_sb3_check_env(task, kwargs):
    env = envs.PrevActionReward(gym.make(envs.TASKS[task], **kwargs).unwrapped)
    inner = env.env
    n = inner.action_space.n
    assert env.observation_space.shape == (inner.observation_space.shape[0] + n + 1,)
    assert env.observation_space.dtype == np.float32
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any checker warning fails, except "this is a wrapper"
        warnings.filterwarnings("ignore", message=".*different from the unwrapped")
        gym_check_env(env, skip_render_check=True)
        sb3_check_env(env, warn=True)


def test_single_wrapper_appends_one_hot_action_and_reward():
    env = envs.PrevActionReward(gym.make("memory/TMaze-v0", memory_length=1))
    obs, _ = env.reset(seed=0)
    assert obs.shape == (8,) and (obs[3:] == 0).all()
    obs, reward, *_ = env.step(2)  # into the wall: a penalty
    np.testing.assert_array_equal(obs[3:], [0, 0, 1, 0, reward])
    assert reward != 0


def test_reward_only_appends_the_reward_alone():
    env = envs.PrevActionReward(gym.make("memory/TMaze-v0", memory_length=1), action=False)
    obs, _ = env.reset(seed=0)
    assert obs.shape == (4,) and obs[3] == 0
    obs, reward, *_ = env.step(2)  # into the wall: a penalty
    assert reward != 0 and obs[3] == reward
    vec = envs.PrevActionRewardVec(gym.make_vec("memory/TMaze-v0", num_envs=2), action=False)
    assert vec.single_observation_space.shape == (4,)
    vec.reset(seed=0)
    obs, rewards, *_ = vec.step(np.array([2, 0]))
    np.testing.assert_array_equal(obs[:, 3], rewards.astype(np.float32))


@pytest.mark.parametrize("action", [True, False])
@pytest.mark.parametrize("task,kwargs", CONFIGS)
def test_vec_wrapper_equals_single_wrappers(task, kwargs, action):
    n, steps, seed = 8, 200, 11
    rng = np.random.default_rng(3)
    venv = envs.PrevActionRewardVec(
        gym.make_vec(envs.TASKS[task], num_envs=n, **kwargs), action=action
    )
    singles = [
        envs.PrevActionReward(gym.make(envs.TASKS[task], **kwargs), action=action) for _ in range(n)
    ]
    assert venv.single_observation_space == singles[0].observation_space
    assert venv.observation_space.shape == (n, *singles[0].observation_space.shape)
    obs, _ = venv.reset(seed=seed)
    np.testing.assert_array_equal(
        obs, np.stack([e.reset(seed=seed + i)[0] for i, e in enumerate(singles)])
    )
    n_actions = singles[0].action_space.n
    p = [0.55, 0.2, 0.1, 0.15] if "TMaze" in task else None
    episodes = 0
    for _ in range(steps):
        actions = rng.choice(n_actions, size=n, p=p)
        obs, rewards, terminated, truncated, infos = venv.step(actions)
        assert obs in venv.observation_space
        for i, env in enumerate(singles):
            s_obs, s_rew, s_term, s_trunc, _ = env.step(int(actions[i]))
            assert rewards[i] == s_rew and terminated[i] == s_term and truncated[i] == s_trunc
            if s_term or s_trunc:
                episodes += 1
                assert infos["_final_obs"][i]
                np.testing.assert_array_equal(infos["final_obs"][i], s_obs)
                s_obs, _ = env.reset()
                extra = n_actions + 1 if action else 1
                assert (obs[i, -extra:] == 0).all()  # a fresh episode: zeros
            else:
                assert not infos or infos["final_obs"][i] is None
            np.testing.assert_array_equal(obs[i], s_obs)
    assert episodes >= 2 * n


def test_vec_reset_mask_zeros_only_the_reset_copies():
    venv = envs.PrevActionRewardVec(gym.make_vec("memory/TMaze-v0", num_envs=3, memory_length=5))
    venv.reset(seed=0)
    before, *_ = venv.step(np.array([0, 0, 0]))
    assert (before[:, 3] == 1).all()
    mask = np.array([True, False, True])
    obs, _ = venv.reset(options={"reset_mask": mask})
    assert (obs[mask, 3:] == 0).all()
    np.testing.assert_array_equal(obs[1], before[1])


def test_bad_spaces_and_autoreset_mode_are_rejected():
    box = gym.make("memory/TMaze-v0")
    with pytest.raises(ValueError, match=r"PrevActionReward needs a Box observation space, got"):
        envs.PrevActionReward(
            gym.wrappers.TransformObservation(
                box, lambda o: {"o": o}, gym.spaces.Dict({"o": box.observation_space})
            )
        )
    multi = gym.wrappers.TransformAction(box, lambda a: int(a[0]), gym.spaces.MultiBinary(4))
    with pytest.raises(
        ValueError, match=r"needs a Discrete, MultiDiscrete or Box action space, got Multi"
    ):
        envs.PrevActionReward(multi)
    reward_only = envs.PrevActionReward(multi, action=False)  # any action space
    assert reward_only.observation_space.shape == (3 + 1,)
    reward_only.reset(seed=0)
    obs, reward, *_ = reward_only.step(np.array([1, 0, 0, 0]))
    assert obs[-1] == reward
    sync = gym.make_vec("memory/TMaze-v0", num_envs=2, vectorization_mode="sync")
    assert sync.metadata["autoreset_mode"] is AutoresetMode.NEXT_STEP
    with pytest.raises(ValueError, match="needs autoreset_mode AutoresetMode.SAME_STEP, got"):
        envs.PrevActionRewardVec(sync)


@pytest.mark.parametrize("vectorization_mode", ["vector_entry_point", "sync"])
def test_make_sb3_vec_env_with_prev_action_reward(vectorization_mode):
    task = "TMaze" if vectorization_mode == "vector_entry_point" else "memory/TMazeSync-v0"
    if task not in gym.registry:  # an id without a vector entry point: the SyncVectorEnv path
        gym.register(task, entry_point="envs.tmaze:TMazeEnv")
    venv = make_sb3_vec_env(task, n_envs=4, seed=0, prev_action_reward=True, memory_length=1)
    assert venv.observation_space.shape == (3 + 4 + 1,)
    if vectorization_mode == "vector_entry_point":  # attributes reach the env inside the wrapper
        assert venv.get_attr("memory_length") == [1] * 4
    obs = venv.reset()
    assert obs.shape == (4, 8) and (obs[:, 3:] == 0).all()
    episodes = 0
    for _ in range(12):
        actions = np.array([venv.action_space.sample() for _ in range(4)])
        obs, rewards, dones, infos = venv.step(actions)
        assert obs.shape == (4, 8) and obs.dtype == np.float32
        for i in range(4):
            if dones[i]:
                episodes += 1
                assert (obs[i, 3:] == 0).all()
                last = infos[i]["terminal_observation"]
                assert last.shape == (8,) and last[3 + actions[i]] == 1 and last[-1] == rewards[i]
            else:
                assert obs[i, 3 + actions[i]] == 1 and obs[i, -1] == rewards[i]
    assert episodes > 0
    with pytest.raises(
        ValueError, match="prev_action_reward must be true, false, 'reward' or 'auto', got 'yes'"
    ):
        make_sb3_vec_env("TMaze", n_envs=2, prev_action_reward="yes")
    reward_only = make_sb3_vec_env("TMaze", n_envs=2, prev_action_reward="reward")
    assert reward_only.observation_space.shape == (3 + 1,)


class _PayoutEnv(gym.Env):
    """A two-armed bandit observing only the last payout, which (like POPGym's bandit) declares
    that its observations need the previous action; its actions are ``MultiDiscrete`` or ``Box``
    to exercise every action code."""

    obs_requires_prev_action = True

    def __init__(self, action_space: gym.Space | None = None) -> None:
        self.observation_space = gym.spaces.Box(0.0, 1.0, (1,), np.float32)
        self.action_space = action_space or gym.spaces.MultiDiscrete([2, 3])
        self._t = 0

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self._t = 0
        return np.zeros(1, np.float32), {}

    def step(self, action):
        self._t += 1
        payout = float(self.np_random.random() < 0.5)
        return np.array([payout], np.float32), payout, False, self._t >= 5, {}


def test_multidiscrete_and_box_actions_are_observed_one_hot_per_component_and_as_values():
    env = envs.PrevActionReward(_PayoutEnv(gym.spaces.MultiDiscrete([2, 3], start=[0, 1])))
    assert env.observation_space.shape == (1 + 2 + 3 + 1,)
    obs, _ = env.reset(seed=0)
    assert (obs[1:] == 0).all()
    obs, reward, *_ = env.step(np.array([1, 2]))  # second of 2, second of 3 (start 1)
    np.testing.assert_array_equal(obs[1:], [0, 1, 0, 1, 0, reward])
    box = gym.spaces.Box(-2.0, 2.0, (2,), np.float32)
    env = envs.PrevActionReward(_PayoutEnv(box))
    assert env.observation_space.shape == (1 + 2 + 1,)
    np.testing.assert_array_equal(env.observation_space.low[1:3], [-2, -2])
    env.reset(seed=0)
    obs, reward, *_ = env.step(np.array([0.5, -1.5], np.float32))
    np.testing.assert_array_equal(obs[1:], [0.5, -1.5, reward])


@pytest.mark.parametrize("space", [gym.spaces.MultiDiscrete([2, 3]), gym.spaces.Box(-1, 1, (2,))])
def test_vec_wrapper_codes_actions_as_the_single_wrapper_does(space):
    n = 3
    venv = envs.PrevActionRewardVec(
        gym.vector.SyncVectorEnv(
            [lambda: _PayoutEnv(space)] * n, autoreset_mode=AutoresetMode.SAME_STEP
        )
    )
    singles = [envs.PrevActionReward(_PayoutEnv(space)) for _ in range(n)]
    assert venv.single_observation_space == singles[0].observation_space
    obs, _ = venv.reset(seed=4)
    np.testing.assert_array_equal(
        obs, np.stack([e.reset(seed=4 + i)[0] for i, e in enumerate(singles)])
    )
    for _ in range(7):
        actions = np.stack([space.sample() for _ in range(n)])
        obs, *_ = venv.step(actions)
        for i, env in enumerate(singles):
            s_obs, _, term, trunc, _ = env.step(actions[i])
            if term or trunc:
                s_obs, _ = env.reset()
            np.testing.assert_array_equal(obs[i], s_obs)


def test_auto_observes_the_action_only_where_the_env_declares_it_needs_it():
    assert envs.needs_prev_action(gym.wrappers.TimeLimit(_PayoutEnv(), 9))
    assert not envs.needs_prev_action(gym.make("memory/TMaze-v0"))
    sync = gym.vector.SyncVectorEnv([_PayoutEnv] * 2)
    assert envs.needs_prev_action(sync)
    assert not envs.needs_prev_action(gym.make_vec("memory/TMaze-v0", num_envs=2))
    if "test/Payout-v0" not in gym.registry:
        gym.register("test/Payout-v0", entry_point=_PayoutEnv)
    shapes = {
        value: make_sb3_vec_env(
            "test/Payout-v0", 2, prev_action_reward=value
        ).observation_space.shape
        for value in ("reward", "auto", True)
    }
    assert shapes == {"reward": (1 + 1,), "auto": (1 + 5 + 1,), True: (1 + 5 + 1,)}
    tmaze = {
        value: make_sb3_vec_env("TMaze", 2, prev_action_reward=value).observation_space.shape
        for value in ("reward", "auto")
    }
    assert tmaze == {"reward": (3 + 1,), "auto": (3 + 1,)}  # declares nothing: the reward alone
