"""Training-time log-probs/values equal the rollout's; gradients span whole episodes."""

import itertools

import gymnasium as gym
import numpy as np
import pytest
import torch as th
from gymnasium import spaces
from stable_baselines3.common.vec_env import DummyVecEnv

from recurrent_agents import RecurrentPPO, available_cores


class CueEnv(gym.Env):
    """Cue in the first observation, decision after ``memory_length`` steps (test-local)."""

    def __init__(self, memory_length: int = 3) -> None:
        self.memory_length = memory_length
        self.observation_space = spaces.Box(-1.0, 1.0, (3,), np.float32)
        self.action_space = spaces.Discrete(2)

    def _obs(self) -> np.ndarray:
        cue = self.cue if self.t == 0 else 0.0
        return np.array([cue, float(self.t == self.memory_length), 1.0], np.float32)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t, self.cue = 0, float(self.np_random.choice([-1.0, 1.0]))
        return self._obs(), {}

    def step(self, action):
        if self.t == self.memory_length:
            success = (action == 1) == (self.cue > 0)
            return self._obs(), float(success), True, False, {"is_success": success}
        self.t += 1
        return self._obs(), 0.0, False, False, {}


class BoxCueEnv(CueEnv):
    """CueEnv with a continuous action (its first entry's sign is the choice)."""

    def __init__(self, memory_length: int = 3) -> None:
        super().__init__(memory_length)
        self.action_space = spaces.Box(-1.0, 1.0, (2,), np.float32)

    def step(self, action):
        return super().step(int(action[0] > 0))


class DictCueEnv(CueEnv):
    """CueEnv with a Dict observation: the cue and the clock under separate keys."""

    def __init__(self, memory_length: int = 3) -> None:
        super().__init__(memory_length)
        self.observation_space = spaces.Dict(
            {
                "cue": spaces.Box(-1.0, 1.0, (1,), np.float32),
                "clock": spaces.Box(-1.0, 1.0, (2,), np.float32),
            }
        )

    def _obs(self) -> dict[str, np.ndarray]:
        obs = super()._obs()
        return {"cue": obs[:1], "clock": obs[1:]}


class AnyActionCueEnv(CueEnv):
    """CueEnv with any action space; the choice is the sign of the action's first entry."""

    def __init__(self, action_space: spaces.Space, memory_length: int = 3) -> None:
        super().__init__(memory_length)
        self.action_space = action_space

    def step(self, action):
        return super().step(int(np.asarray(action).flat[0] > 0))


def make_model(
    core: str, memory_length: int = 3, n_steps: int = 10, n_envs: int = 3, hidden_size: int = 8
) -> RecurrentPPO:
    env = DummyVecEnv([lambda: CueEnv(memory_length)] * n_envs)
    return RecurrentPPO(
        "MlpPolicy",
        env,
        n_steps=n_steps,
        batch_size=8,
        policy_kwargs=dict(core=core, hidden_size=hidden_size),
        seed=0,
    )


def max_differences(model: RecurrentPPO, batch_size: int = 8) -> tuple[float, float, int]:
    """Max |log-prob| and |value| differences, training path vs rollout, and valid steps."""
    n_valid, max_lp, max_v = 0, 0.0, 0.0
    with th.no_grad():
        for batch in model.rollout_buffer.get(batch_size=batch_size):
            values, log_prob, _ = model.policy.evaluate_sequences(
                batch.observations, batch.actions, batch.states, batch.episode_starts
            )
            m = batch.mask
            n_valid += int(m.sum())
            max_lp = max(max_lp, (log_prob[m] - batch.old_log_prob[m]).abs().max().item())
            max_v = max(max_v, (values[m] - batch.old_values[m]).abs().max().item())
            # The PPO update's own forward pass (valid steps only), against its targets.
            evaluation = model.policy.evaluate_batch(batch)
            values, log_prob = evaluation.values, evaluation.log_prob
            old_values, old_log_prob, _, _ = batch.targets.unbind(-1)
            max_lp = max(max_lp, (log_prob - old_log_prob).abs().max().item())
            max_v = max(max_v, (values - old_values).abs().max().item())
            # A sequence never continues across an episode start.
            assert not batch.episode_starts[1:].any()
    return max_lp, max_v, n_valid


def second_rollout(model: RecurrentPPO) -> None:
    """Two rollouts, so the second starts mid-episode from a non-zero stored state."""
    _, callback = model._setup_learn(10_000, callback=None)
    for _ in range(2):
        model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)


@pytest.mark.parametrize("core", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize(
    "n_envs, hidden_size, memory_length, n_steps",
    [(3, 8, 3, 10), (1, 8, 3, 10), (8, 64, 5, 16), (5, 32, 7, 20)],
)
def test_ratio_is_exactly_one_before_any_update(
    core: str, n_envs: int, hidden_size: int, memory_length: int, n_steps: int
) -> None:
    """Bit-exact, like stock sb3-contrib (with one torch thread, as conftest sets).

    Rollout steps and training batches run each core's sequence kernel and are padded to at
    least 4 rows (n_envs=1 and 3, batches of 1-3 sequences), below which CPU matrix products
    round differently. With several threads the row split between threads can still differ.
    """
    model = make_model(core, memory_length, n_steps, n_envs, hidden_size)
    second_rollout(model)
    buffer = model.rollout_buffer
    starts = buffer.episode_starts
    assert starts[1:].any() and not starts[0].all(), "need episodes inside, mid-episode starts"
    assert np.abs(buffer.initial_states.pi[0].numpy()).max() > 0
    max_lp, max_v, n_valid = max_differences(model)
    assert n_valid == n_steps * n_envs
    assert max_lp == 0.0 and max_v == 0.0, (max_lp, max_v)


@pytest.mark.parametrize("core", ["lstm", "gru", "rnn"])
def test_ratio_is_exact_for_minibatches_of_fewer_than_four_steps(core: str) -> None:
    """The heads then run on 1-3 valid rows, padded to 4 like the rollout's steps."""
    model = make_model(core, n_envs=1)
    second_rollout(model)
    max_lp, max_v, n_valid = max_differences(model, batch_size=2)
    assert n_valid == 10
    assert max_lp == 0.0 and max_v == 0.0, (max_lp, max_v)


@pytest.mark.parametrize("core", ["lstm", "gru", "rnn"])
def test_ratio_is_exact_with_continuous_actions(core: str) -> None:
    """Gaussian log-probs, on minibatches of 8 and of fewer than 4 steps."""
    env = DummyVecEnv([lambda: BoxCueEnv(3)] * 3)
    model = RecurrentPPO(
        "MlpPolicy", env, n_steps=10, policy_kwargs=dict(core=core, hidden_size=8), seed=0
    )
    second_rollout(model)
    for batch_size in (8, 2):
        max_lp, max_v, n_valid = max_differences(model, batch_size)
        assert n_valid == 30
        assert max_lp == 0.0 and max_v == 0.0, (batch_size, max_lp, max_v)


BOX_2X2 = spaces.Box(-1.0, 1.0, (2, 2), np.float32)
SPACES_AND_OPTIONS = {
    "dict-obs": (DictCueEnv, "MultiInputLstmPolicy", {}, {}),
    "multidiscrete": (
        lambda: AnyActionCueEnv(spaces.MultiDiscrete([2, 3])),
        "MlpLstmPolicy",
        {},
        {},
    ),
    "multibinary": (lambda: AnyActionCueEnv(spaces.MultiBinary(3)), "MlpLstmPolicy", {}, {}),
    "box-2x2": (lambda: AnyActionCueEnv(BOX_2X2), "MlpLstmPolicy", {}, {}),
    "box-2x2-gsde": (
        lambda: AnyActionCueEnv(BOX_2X2),
        "MlpLstmPolicy",
        {},
        {"use_sde": True, "sde_sample_freq": 4},
    ),
    "critic-without-core": (CueEnv, "MlpLstmPolicy", {"enable_critic_lstm": False}, {}),
    "shared-lstm-detached": (
        CueEnv,
        "MlpLstmPolicy",
        {"shared_lstm": True, "enable_critic_lstm": False},
        {},
    ),
    "separate-extractors": (CueEnv, "MlpLstmPolicy", {"share_features_extractor": False}, {}),
}


@pytest.mark.parametrize("name", list(SPACES_AND_OPTIONS))
def test_ratio_is_exact_for_every_space_and_critic_option(name: str) -> None:
    """Dict observations, MultiDiscrete / MultiBinary / (2, 2) Box actions (also with gSDE) and
    sb3-contrib's critic options run the same padded path: 3 envs, minibatches of 8 and 2."""
    make_env, policy, policy_kwargs, ppo_kwargs = SPACES_AND_OPTIONS[name]
    model = RecurrentPPO(
        policy,
        DummyVecEnv([make_env] * 3),
        n_steps=10,
        policy_kwargs=dict(core="gru", hidden_size=8, **policy_kwargs),
        seed=0,
        **ppo_kwargs,
    )
    second_rollout(model)
    for batch_size in (8, 2):
        max_lp, max_v, n_valid = max_differences(model, batch_size)
        assert n_valid == 30
        assert max_lp == 0.0 and max_v == 0.0, (batch_size, max_lp, max_v)


def test_ratio_stays_exact_with_observation_normalisation() -> None:
    """The running statistics change between rollouts, never inside one."""
    env = DummyVecEnv([lambda: CueEnv(3)] * 4)
    model = RecurrentPPO(
        "MlpPolicy",
        env,
        n_steps=10,
        batch_size=8,
        policy_kwargs=dict(hidden_size=8, normalize_obs=True),
        seed=0,
    )
    model.learn(40)  # updates the statistics after the first update
    stats = model.policy.obs_mean.clone(), model.policy.obs_var.clone()
    assert model.policy.obs_count.item() == 40 and stats[1][0] > 0
    _, callback = model._setup_learn(10_000, callback=None, reset_num_timesteps=False)
    model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)
    assert th.equal(model.policy.obs_mean, stats[0]) and th.equal(model.policy.obs_var, stats[1])
    max_lp, max_v, n_valid = max_differences(model)
    assert n_valid == 40
    assert max_lp == 0.0 and max_v == 0.0, (max_lp, max_v)


def test_every_registered_core_passes_ratio_check() -> None:
    assert {"lstm", "gru", "rnn"} <= set(available_cores())


def test_cue_step_gets_gradient_from_decision_step() -> None:
    model = make_model("lstm", memory_length=5, n_steps=20)
    second_rollout(model)
    batch = next(model.rollout_buffer.get(batch_size=None))
    # A sequence that holds one whole episode: starts an episode and has 6 valid steps.
    full = (batch.episode_starts[0] > 0) & (batch.mask.sum(0) >= 6)
    col = int(th.nonzero(full)[0])
    obs = batch.observations.clone().requires_grad_(True)
    _, log_prob, _ = model.policy.evaluate_sequences(
        obs, batch.actions, batch.states, batch.episode_starts
    )
    log_prob[5, col].backward()
    cue_grad = obs.grad[0, col].abs().sum().item()
    assert cue_grad > 0.0
    # Nothing leaks between sequences.
    assert obs.grad[:, col + 1 :].abs().sum().item() == 0.0


def test_time_limit_truncation_bootstraps_with_the_critic() -> None:
    env = DummyVecEnv([lambda: gym.wrappers.TimeLimit(CueEnv(8), max_episode_steps=3)] * 2)
    model = RecurrentPPO(
        "MlpPolicy",
        env,
        n_steps=7,
        bootstrap_truncated=True,  # SB3's treatment, with no range or deadline check
        policy_kwargs=dict(hidden_size=8),
        seed=0,
    )
    _, callback = model._setup_learn(100, callback=None)
    model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)
    buffer = model.rollout_buffer
    # Episodes are cut at 3 steps (never reaching the reward): the last step of each gets
    # gamma * V(terminal obs), non-zero for an untrained critic; other steps keep reward 0.
    last_steps = buffer.episode_starts[1:] > 0
    assert np.all(buffer.rewards[:-1][last_steps] != 0.0)
    assert np.all(buffer.rewards[:-1][~last_steps] == 0.0)


@pytest.mark.parametrize("init", ["elman", "pytorch"])
@pytest.mark.parametrize("action_space", [spaces.Discrete(2), spaces.Box(-1, 1, (2,))])
def test_ratio_stays_exact_across_seeds_with_two_action_outputs(
    init: str, action_space: spaces.Space
) -> None:
    """A two-output action layer as a matrix product rounds by row count (1 ulp between 5-env
    rollout steps and training batches, on some seeds' weights); the heads must not."""
    for core, seed in itertools.product(("lstm", "gru"), range(5)):
        env = DummyVecEnv([lambda: AnyActionCueEnv(action_space, memory_length=7)] * 5)
        kwargs = dict(core=core, hidden_size=32, core_kwargs={"init": init})
        model = RecurrentPPO(
            "MlpPolicy", env, n_steps=20, batch_size=8, policy_kwargs=kwargs, seed=seed
        )
        second_rollout(model)
        max_lp, max_v, _ = max_differences(model)
        assert max_lp == 0.0 and max_v == 0.0, (core, seed, max_lp, max_v)
