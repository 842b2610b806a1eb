"""Shared recurrent policy: options, predict's state API, rollout path == predict path."""

import numpy as np
import pytest
import torch as th
from gymnasium import spaces

from recurrent_agents import RecurrentActorCriticCnnPolicy, RecurrentActorCriticPolicy

OBS = spaces.Box(-1.0, 1.0, (3,), np.float32)


def make_policy(**kwargs) -> RecurrentActorCriticPolicy:
    return RecurrentActorCriticPolicy(OBS, spaces.Discrete(4), lambda _: 1e-3, **kwargs)


@pytest.mark.parametrize("core,n_states", [("lstm", 2), ("gru", 1), ("rnn", 1)])
def test_predict_state_tuple_and_reset(core: str, n_states: int) -> None:
    th.manual_seed(0)
    policy = make_policy(core=core, hidden_size=8, num_layers=2)
    obs = np.random.default_rng(0).uniform(-1, 1, (5, 3)).astype(np.float32)
    actions, state = policy.predict(obs, None, np.ones(5, bool), deterministic=True)
    assert actions.shape == (5,) and len(state) == n_states
    assert all(isinstance(s, np.ndarray) and s.shape == (2, 5, 8) for s in state)
    # episode_start=True ignores whatever state is passed in.
    junk = tuple(np.full_like(s, 3.0) for s in state)
    _, state_reset = policy.predict(obs, junk, np.ones(5, bool), deterministic=True)
    assert all(np.allclose(a, b) for a, b in zip(state, state_reset, strict=True))
    _, state_kept = policy.predict(obs, junk, np.zeros(5, bool), deterministic=True)
    assert not np.allclose(state_kept[0], state[0])
    # Single (non-vectorised) observation.
    action, _ = policy.predict(obs[0], None, np.array([True]), deterministic=True)
    assert np.ndim(action) == 0


@pytest.mark.parametrize("features_to_heads", [False, True])
def test_predict_matches_rollout_forward(features_to_heads: bool) -> None:
    th.manual_seed(0)
    policy = make_policy(core="lstm", hidden_size=8, features_to_heads=features_to_heads)
    rng = np.random.default_rng(1)
    states = policy.initial_state(4)
    p_state = None
    starts = np.ones(4, bool)
    for _ in range(6):
        obs = rng.uniform(-1, 1, (4, 3)).astype(np.float32)
        with th.no_grad():
            actions, _, _, states = policy(
                th.as_tensor(obs), states, th.as_tensor(starts, dtype=th.float32), True
            )
        p_actions, p_state = policy.predict(obs, p_state, starts, deterministic=True)
        assert np.array_equal(actions.numpy(), p_actions)
        assert np.allclose(states.pi[0].numpy(), p_state[0], atol=1e-7)
        starts = rng.random(4) < 0.3


@pytest.mark.parametrize("n_envs", [1, 3])
@pytest.mark.parametrize("shared_core", [False, True])
def test_every_step_entry_point_rounds_like_the_rollout_step(n_envs: int, shared_core: bool):
    """predict, get_distribution and predict_values run the rollout step's padded forward path:
    bit-identical states, values and action probabilities with fewer than 4 envs too."""
    th.manual_seed(0)
    policy = make_policy(core="gru", hidden_size=16, shared_core=shared_core)
    rng = np.random.default_rng(0)
    states = policy.initial_state(n_envs)
    starts = np.ones(n_envs, bool)
    for _ in range(4):
        obs = rng.uniform(-1, 1, (n_envs, 3)).astype(np.float32)
        obs_t, starts_t = th.as_tensor(obs), th.as_tensor(starts, dtype=th.float32)
        with th.no_grad():
            actions, values, log_prob, new_states = policy(obs_t, states, starts_t, True)
            dist, dist_state = policy.get_distribution(obs_t, states.pi, starts_t)
            assert th.equal(policy.predict_values(obs_t, states.vf, starts_t), values)
        p_state = tuple(s.numpy() for s in states.pi)
        p_actions, p_state = policy.predict(obs, p_state, starts, deterministic=True)
        assert np.array_equal(p_actions, actions.numpy())
        for p_s, d_s, s in zip(p_state, dist_state, new_states.pi, strict=True):
            assert np.array_equal(p_s, s.numpy()) and th.equal(d_s, s)
        assert th.allclose(dist.log_prob(actions), log_prob, atol=1e-6)
        states, starts = new_states, rng.random(n_envs) < 0.3


def test_shared_and_separate_cores() -> None:
    shared = make_policy(core="gru", hidden_size=8, shared_core=True)
    separate = make_policy(core="gru", hidden_size=8)
    assert shared.core_actor is shared.core_critic
    assert separate.core_actor is not separate.core_critic
    n_shared = sum(p.numel() for p in shared.parameters())
    n_separate = sum(p.numel() for p in separate.parameters())
    assert n_separate - n_shared == sum(p.numel() for p in separate.core_critic.parameters())
    # The optimizer sees the core parameters.
    opt_params = {id(p) for g in separate.optimizer.param_groups for p in g["params"]}
    assert all(id(p) in opt_params for p in separate.core_critic.parameters())


def test_core_options_reach_the_core() -> None:
    policy = make_policy(core="lstm", hidden_size=8, forget_bias=2.0)
    rnn = policy.core_actor.rnn
    assert th.allclose(rnn.bias_ih_l0[8:16] + rnn.bias_hh_l0[8:16], th.full((8,), 2.0))
    with pytest.raises(ValueError, match="core must be one of"):
        make_policy(core="nope")


def test_evaluate_actions_uses_sb3_contrib_layout() -> None:
    th.manual_seed(0)
    policy = make_policy(core="gru", hidden_size=8)
    obs, actions = th.randn(5, 3, 3), th.randint(0, 4, (5, 3))
    starts = th.zeros(5, 3)
    starts[0] = 1.0
    states = policy.initial_state(3)
    with th.no_grad():
        values, log_prob, entropy = policy.evaluate_sequences(obs, actions, states, starts)
        # sb3-contrib flattens (n_seq, max_len) sequence-major.
        flat = policy.evaluate_actions(
            obs.transpose(0, 1).reshape(15, 3), actions.T.flatten(), states, starts.T.flatten()
        )
    assert th.allclose(flat[0].flatten(), values.T.flatten())
    assert th.allclose(flat[1], log_prob.T.flatten())
    assert th.allclose(flat[2], entropy.T.flatten())


def test_features_to_heads_is_a_skip_connection_around_the_core() -> None:
    th.manual_seed(0)
    policy = make_policy(core="gru", hidden_size=8, features_to_heads=True)
    assert policy.mlp_extractor.policy_net[0].in_features == 8 + 3
    assert policy.mlp_extractor.value_net[0].in_features == 8 + 3
    # Silence the cores: their output is then the same for every input, yet the heads still
    # tell observations apart through the skip connection.
    for core in (policy.core_actor, policy.core_critic):
        for p in core.parameters():
            p.data.zero_()
    obs = th.tensor([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    starts = th.ones(2)
    with th.no_grad():
        _, values, _, _ = policy(obs, policy.initial_state(2), starts)
        dist, _ = policy.get_distribution(obs, policy.initial_state(2).pi, starts)
    assert values[0] != values[1]
    assert not th.allclose(dist.distribution.logits[0], dist.distribution.logits[1])
    # Sequence path (training) == step path (rollout).
    seq_obs = th.randn(4, 2, 3)
    with th.no_grad():
        seq_values, _, _ = policy.evaluate_sequences(
            seq_obs, th.zeros(4, 2, dtype=th.long), policy.initial_state(2), th.ones(4, 2)
        )
        step_values = [policy(seq_obs[t], policy.initial_state(2), starts)[1] for t in range(4)]
    assert th.allclose(seq_values, th.stack(step_values).reshape(4, 2), atol=1e-6)


@pytest.mark.parametrize("features_to_heads", [True, False])
def test_entropy_trains_core_false_stops_the_entropy_gradient_at_the_core(
    features_to_heads: bool,
) -> None:
    obs, actions, starts = th.randn(5, 2, 3), th.zeros(5, 2, dtype=th.long), th.ones(5, 2)
    grads = {}
    for trains_core in (True, False):
        th.manual_seed(0)
        policy = make_policy(
            core="lstm", entropy_trains_core=trains_core, features_to_heads=features_to_heads
        )
        _, log_prob, entropy = policy.evaluate_sequences(
            obs, actions, policy.initial_state(2), starts
        )
        head = policy.mlp_extractor.policy_net[0].weight
        params = [head, *policy.core_actor.parameters()]
        entropy_grads = th.autograd.grad(
            entropy.sum(), params, retain_graph=True, allow_unused=True, materialize_grads=True
        )
        core_grads = th.autograd.grad(log_prob.sum(), list(policy.core_actor.parameters()))
        grads[trains_core] = entropy_grads, core_grads, entropy.detach()
    (head_on, *core_on), log_prob_on, entropy_on = grads[True]
    (head_off, *core_off), log_prob_off, entropy_off = grads[False]
    assert th.equal(entropy_on, entropy_off)  # the same value
    assert all(g.abs().sum() > 0 for g in core_on) and all(g.abs().sum() == 0 for g in core_off)
    assert th.equal(head_on, head_off)  # the head still gets it
    # the policy loss's gradient still reaches the core
    assert all(th.equal(a, b) for a, b in zip(log_prob_on, log_prob_off, strict=True))


def test_action_epsilon_keeps_every_action_possible() -> None:
    th.manual_seed(0)
    policy = make_policy(core="lstm", hidden_size=8, action_epsilon=0.04)
    with th.no_grad():
        policy.action_net.bias.copy_(th.tensor([50.0, 0.0, 0.0, 0.0]))  # near-deterministic net
        obs, starts = th.zeros(3, 3), th.ones(3)
        dist, _ = policy.get_distribution(obs, policy.initial_state(3).pi, starts)
        probs = dist.distribution.probs
        assert th.allclose(probs.sum(-1), th.ones(3))
        assert th.allclose(probs[:, 1:], th.full((3, 3), 0.01), rtol=1e-4)  # eps / n_actions
        seq = obs.reshape(1, 3, 3)
        actions = th.tensor([[1, 2, 3]])
        _, log_prob, entropy = policy.evaluate_sequences(
            seq, actions, policy.initial_state(3), starts.reshape(1, 3)
        )
    assert th.allclose(log_prob, th.log(th.tensor(0.01)), rtol=1e-4)
    assert (entropy > 0.1).all()
    greedy, _ = policy.predict(obs.numpy(), None, np.ones(3, bool), deterministic=True)
    assert (greedy == 0).all()
    with pytest.raises(ValueError, match=r"action_epsilon must be in \[0, 1\), got 1.5"):
        make_policy(action_epsilon=1.5)


def test_normalize_obs_running_statistics_and_clip() -> None:
    policy = make_policy(core="gru", hidden_size=8, normalize_obs=True, obs_clip=5.0)
    rng = np.random.default_rng(0)
    # A rare input (non-zero once in 100 steps) next to a frequent one, in two batches.
    batches = []
    for _ in range(2):
        x = np.zeros((50, 4, 3), np.float32)
        x[..., 0] = rng.normal(2.0, 3.0, (50, 4))
        x[::50, :, 1] = 1.0  # a flag on 1 step in 50: normalised to sqrt(49) = 7
        batches.append(x)
        policy.update_obs_stats(th.as_tensor(x))
    seen = np.concatenate(batches).reshape(-1, 3)
    assert np.allclose(policy.obs_mean.numpy(), seen.mean(0), atol=1e-5)
    assert np.allclose(policy.obs_var.numpy(), seen.var(0), rtol=1e-4, atol=1e-6)
    assert policy.obs_count.item() == 400
    flag = th.tensor([[0.0, 1.0, 0.0]])
    features = policy.extract_features(flag)[0]
    # The rare flag becomes large (7), clipped to obs_clip=5.
    assert features[1].item() == pytest.approx(5.0, rel=0.05)
    # The never-varying third entry maps to 0, not to a division by zero.
    assert features[2].item() == 0.0
    off = make_policy(core="gru", hidden_size=8, normalize_obs=False)
    off.update_obs_stats(th.as_tensor(batches[0]))  # a no-op without normalize_obs
    assert "obs_mean" not in off.state_dict()
    assert make_policy(core="gru", hidden_size=8).normalize_obs  # default: on for a Box
    # default off where it does not apply: Discrete (one-hot) and image observations
    assert not RecurrentActorCriticPolicy(
        spaces.Discrete(3), spaces.Discrete(2), lambda _: 1e-3
    ).normalize_obs
    image = spaces.Box(0, 255, (3, 64, 64), np.uint8)
    cnn = RecurrentActorCriticCnnPolicy(image, spaces.Discrete(2), lambda _: 1e-3)
    assert not cnn.normalize_obs
    with pytest.raises(ValueError, match="normalize_obs needs a Box observation space"):
        RecurrentActorCriticPolicy(
            spaces.Discrete(3), spaces.Discrete(2), lambda _: 1e-3, normalize_obs=True
        )
