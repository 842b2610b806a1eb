"""The tasks need memory: a policy that remembers the cue gets the maximum return (1) at every
tested length, and the best policy that sees only the current observation gets chance.

The memoryless optimum is computed, not assumed: every deterministic map from the (finite) set
of observations to actions is evaluated exactly, all at once in the batched env, under every cue.

Stochastic memoryless policies cannot do better either (checked by Monte Carlo below):

* Passive T-maze: success needs L moves right and then the right turn from the junction at t=L.
  The junction observation is the same for both cues, so with p_up, p_down its action
  probabilities, P(success | up) <= p_up and P(success | down) <= p_down: mean <= 1/2, and the
  pace penalties are <= 0, so the return is <= 0.5.
* Active T-maze: an agent that sees the cue (cell 0, reachable first at t=1) has no spare step
  left, so it succeeds only by following the unique optimal path, whose turn is taken on the
  cue-independent junction observation: the two cues' success chances along that path sum to at
  most P(first action is left). Paths that never see the cue are cue-independent: their success
  chances over both cues sum to at most P(first action is not left). Mean success <= 1/2.
* Bakker T-maze: the arm is chosen on the cue-independent junction observation, so again
  P(goal arm | up) + P(goal arm | down) <= P(reach an arm), and the return
  4 P(goal) - 0.1 P(wrong) - 0.1 E[bumps] is at most 1.95 P(reach an arm) <= 1.95.
* DelayedCue: only the answer on the query observation is rewarded and that observation is the
  same for every cue, so every memoryless policy answers right with probability exactly 1/k:
  return 2/k - 1.
"""

import itertools

import gymnasium as gym
import numpy as np
import pytest

import envs

LENGTHS = [1, 2, 5, 20, 100]


def first_cue(env: gym.Env, seed: int) -> int:
    """The cue of the first episode after ``reset(seed=seed)``."""
    env.reset(seed=seed)
    return int(env.unwrapped._cue)


def seeds_per_cue(make_single, cues) -> dict[int, int]:
    """A seed for each cue value whose first episode has that cue."""
    env, found = make_single(), {}
    for seed in range(1000):
        found.setdefault(first_cue(env, seed), seed)
        if len(found) == len(cues):
            return found
    raise AssertionError(f"no seed found for some cue: {found}")


def tmaze_memory_policy(obs: np.ndarray, memory: dict) -> int:
    """Scripted agent with memory: step back if the cue is not yet known, walk right, turn."""
    if obs[0] != 0:
        memory["cue"] = obs[0]
    if "cue" not in memory:
        return 2  # active variant: the cue is one cell behind
    if obs[1] == 1:
        return 1 if memory["cue"] > 0 else 3
    return 0


def bakker_memory_policy(obs: np.ndarray, memory: dict) -> int:
    """Scripted agent with memory for Bakker's T-maze: read the road sign, walk right, turn."""
    if "cue" not in memory:
        memory["cue"] = 1 if obs[2] == 1 else -1  # sign [0, 1, 1]: up, [1, 1, 0]: down
    if obs.tolist() == [0, 1, 0]:
        return 1 if memory["cue"] > 0 else 3
    return 0


def delayed_cue_memory_policy(obs: np.ndarray, memory: dict) -> int:
    """Scripted agent with memory: store the cue at t=0, answer it on the query."""
    if "cue" not in memory:
        memory["cue"] = int(np.argmax(obs[2:]))
    return memory["cue"]


@pytest.mark.parametrize("memory_length", LENGTHS)
@pytest.mark.parametrize(
    "task,kwargs,policy,max_return",
    [
        ("TMaze", {"variant": "passive"}, tmaze_memory_policy, 1.0),
        ("TMaze", {"variant": "active"}, tmaze_memory_policy, 1.0),
        ("BakkerTMaze", {}, bakker_memory_policy, 4.0),
        ("DelayedCue", {}, delayed_cue_memory_policy, 1.0),
        ("DelayedCue", {"num_cues": 3, "distractors": True}, delayed_cue_memory_policy, 1.0),
    ],
)
def test_scripted_memory_policy_gets_max_return(task, kwargs, policy, max_return, memory_length):
    env = gym.make(envs.TASKS[task], memory_length=memory_length, **kwargs)
    cues = set()
    for episode in range(12):
        obs, _ = env.reset(seed=episode)
        memory: dict = {}
        total, done, steps = 0.0, False, 0
        while not done:
            obs, reward, terminated, truncated, info = env.step(policy(obs, memory))
            total, done, steps = total + reward, terminated or truncated, steps + 1
        cues.add(int(env.unwrapped._cue))
        assert terminated and not truncated
        assert info["is_success"] is True
        assert total == pytest.approx(max_return)
        assert steps == memory_length + 1 + (kwargs.get("variant") == "active")
    assert len(cues) > 1  # both kinds of episode were played


def observation_ids(obs: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Index of each row of ``obs`` in ``table`` (fails if an observation is not in the set)."""
    match = (obs[:, None, :] == table[None, :, :]).all(axis=2)
    assert match.any(axis=1).all(), "an observation outside the enumerated set"
    return match.argmax(axis=1)


def first_episodes(venv, obs: np.ndarray, act) -> tuple[np.ndarray, np.ndarray]:
    """Step every copy of ``venv`` (just reset, showing ``obs``) with ``act(obs)`` until its first
    episode ends; return each copy's return and success in that episode."""
    returns = np.zeros(venv.num_envs)
    success = np.zeros(venv.num_envs)
    running = np.ones(venv.num_envs, dtype=bool)  # still in its first episode
    while running.any():
        obs, rewards, terminated, truncated, infos = venv.step(act(obs))
        returns += rewards * running
        ended = running & (terminated | truncated)
        if ended.any():
            success[ended] = infos["final_info"]["is_success"][ended]
            running &= ~ended
    return returns, success


def best_deterministic_memoryless(task, obs_set, num_actions, cues, **kwargs):
    """Exact mean return and success of every deterministic memoryless policy.

    Copy (p, c) of the batched env runs policy p (a table obs id -> action) on cue c for one
    episode; the mean over cues is the policy's exact expected return (cues are uniform). The
    env is deterministic given the cue, so one episode per (policy, cue) is exact.
    """
    table = np.array(obs_set, dtype=np.float32)
    policies = np.array(list(itertools.product(range(num_actions), repeat=len(table))))
    spec_id = envs.TASKS[task]
    single = gym.make(spec_id, **kwargs).unwrapped
    cue_seeds = seeds_per_cue(lambda: single, cues)
    n_pol, n_cue = len(policies), len(cues)
    venv = gym.make_vec(spec_id, num_envs=n_pol * n_cue, **kwargs)
    obs, _ = venv.reset(seed=[cue_seeds[c] for _ in range(n_pol) for c in cues])
    policy_of_copy = np.repeat(np.arange(n_pol), n_cue)
    returns, success = first_episodes(
        venv, obs, lambda obs: policies[policy_of_copy, observation_ids(obs, table)]
    )
    per_policy = returns.reshape(n_pol, n_cue).mean(axis=1)
    return per_policy, success.reshape(n_pol, n_cue).mean(axis=1)


TMAZE_OBS = [[1, 0, 0], [-1, 0, 0], [0, 0, 0], [0, 1, 0], [0, 1, 1], [0, 1, -1]]


@pytest.mark.parametrize("variant", ["passive", "active"])
@pytest.mark.parametrize("memory_length", [1, 2, 5, 30])
def test_best_memoryless_tmaze_policy_is_chance(variant, memory_length):
    returns, success = best_deterministic_memoryless(
        "TMaze", TMAZE_OBS, 4, [1, -1], memory_length=memory_length, variant=variant
    )
    assert len(returns) == 4 ** len(TMAZE_OBS)
    assert returns.max() == pytest.approx(0.5)  # chance, attained by "walk right, then turn"
    assert success.max() == pytest.approx(0.5)


BAKKER_OBS = [[0, 1, 1], [1, 1, 0], [1, 0, 1], [0, 1, 0]]


@pytest.mark.parametrize("memory_length", [1, 2, 5, 30])
def test_best_memoryless_bakker_policy_is_chance(memory_length):
    returns, success = best_deterministic_memoryless(
        "BakkerTMaze", BAKKER_OBS, 4, [1, -1], memory_length=memory_length
    )
    assert len(returns) == 4 ** len(BAKKER_OBS)
    assert returns.max() == pytest.approx(0.5 * 4 - 0.5 * 0.1)  # walk right, guess the arm
    assert success.max() == pytest.approx(0.5)


def delayed_cue_obs_set(memory_length, num_cues, distractors):
    """Every observation DelayedCue can emit before its final one (see its docstring)."""
    width = num_cues + 2
    out = []
    for t in range(memory_length + 1):
        base = np.zeros(width)
        base[0], base[1] = 1 - t / memory_length, t == memory_length
        if t == 0 or (distractors and t < memory_length):
            for k in range(num_cues):
                row = base.copy()
                row[2 + k] = 1
                out.append(row)
        else:
            out.append(base)
    return np.array(out, dtype=np.float32).tolist()


@pytest.mark.parametrize(
    "memory_length,num_cues,distractors",
    [(1, 2, False), (3, 2, False), (1, 3, False), (2, 2, True)],
)
def test_best_memoryless_delayed_cue_policy_is_chance(memory_length, num_cues, distractors):
    obs_set = delayed_cue_obs_set(memory_length, num_cues, distractors)
    returns, success = best_deterministic_memoryless(
        "DelayedCue",
        obs_set,
        num_cues,
        list(range(num_cues)),
        memory_length=memory_length,
        num_cues=num_cues,
        distractors=distractors,
    )
    chance = 2 / num_cues - 1
    assert returns.max() == pytest.approx(chance)
    assert returns.min() == pytest.approx(chance)  # the query observation hides the cue
    assert success.max() == pytest.approx(1 / num_cues)


@pytest.mark.parametrize(
    "variant,obs_set", [("passive", TMAZE_OBS), ("active", TMAZE_OBS), ("bakker", BAKKER_OBS)]
)
def test_stochastic_memoryless_tmaze_policies_stay_at_or_below_chance(variant, obs_set):
    """Monte Carlo over random stochastic memoryless policies (the bound is proved above)."""
    rng = np.random.default_rng(0)
    n_pol, episodes, memory_length = 48, 512, 3
    # Sharp Dirichlet draws put mass near the deterministic corners, where the best policies are.
    probs = rng.dirichlet(np.full(4, 0.3), size=(n_pol, len(obs_set)))
    probs[0] = 0.0
    probs[0, :, 0] = 1.0  # policy 0: "walk right, turn up at the junction" (exactly chance)
    junction = obs_set.index([0, 1, 0])
    probs[0, junction:, 1], probs[0, junction:, 0] = 1.0, 0.0
    venv = gym.make_vec(
        "memory/TMaze-v0",
        num_envs=n_pol * episodes,
        memory_length=memory_length,
        variant=variant,
    )
    obs, _ = venv.reset(seed=1)
    table = np.array(obs_set, dtype=np.float32)
    policy_of_copy = np.repeat(np.arange(n_pol), episodes)
    cdf = probs.cumsum(axis=2)

    def sample_actions(obs: np.ndarray) -> np.ndarray:
        c = cdf[policy_of_copy, observation_ids(obs, table)]
        return (rng.random(len(c))[:, None] > c).sum(axis=1).clip(0, 3)

    _, success = first_episodes(venv, obs, sample_actions)
    success = success.reshape(n_pol, episodes).mean(axis=1)
    standard_error = 0.5 / np.sqrt(episodes)
    assert success.max() <= 0.5 + 4 * standard_error
    assert abs(success[0] - 0.5) <= 4 * standard_error
