"""Shared recurrent actor-critic policy: features extractor -> core -> MLP actor / critic heads."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch as th
from gymnasium import spaces
from sb3_contrib.common.recurrent.policies import RecurrentActorCriticPolicy as _ContribPolicy
from sb3_contrib.common.recurrent.type_aliases import RNNStates
from stable_baselines3.common.distributions import Distribution
from stable_baselines3.common.policies import ActorCriticPolicy, BasePolicy
from stable_baselines3.common.running_mean_std import RunningMeanStd
from stable_baselines3.common.torch_layers import BaseFeaturesExtractor, FlattenExtractor
from stable_baselines3.common.type_aliases import Schedule
from torch import nn

from recurrent_agents.buffer import SequenceBatch
from recurrent_agents.cores import RecurrentCore, check_core_sizes, make_core

State = tuple[th.Tensor, ...]

# CPU matrix products take a different kernel, with different rounding, for fewer than 4 rows.
# The forward path pads the envs (or sequences) its cores see and the rows its heads see to at
# least this many, so rollout steps and training batches round the same way and the PPO ratio is
# exactly 1.
_MIN_ROWS = 4


def _pad_rows(x: th.Tensor, dim: int) -> th.Tensor:
    """``x`` with zero rows appended along ``dim`` up to ``_MIN_ROWS``."""
    missing = _MIN_ROWS - x.shape[dim]
    if missing <= 0:
        return x
    shape = list(x.shape)
    shape[dim] = missing
    return th.cat([x, x.new_zeros(shape)], dim=dim)


def _pad_state(state: State | None) -> State | None:
    """A core state (tensors ``[layers, B, H]``) padded with zeros along ``B``; None stays."""
    return None if state is None else tuple(_pad_rows(s, 1) for s in state)


def _unpad_state(state: State | None, n: int) -> State | None:
    """The first ``n`` columns of a core state; None stays."""
    return None if state is None else tuple(s[:, :n] for s in state)


def _check_options(
    observation_space: spaces.Space,
    action_space: spaces.Space,
    share_features_extractor: bool,
    action_epsilon: float,
    normalize_obs: bool,
    obs_clip: float,
) -> None:
    """Raise ``ValueError`` for policy options this policy does not support."""
    if not share_features_extractor:
        raise ValueError("share_features_extractor must be True, got False")
    if not 0.0 <= action_epsilon < 1.0:
        raise ValueError(f"action_epsilon must be in [0, 1), got {action_epsilon!r}")
    if action_epsilon > 0 and not isinstance(action_space, spaces.Discrete):
        raise ValueError(f"action_epsilon needs a Discrete action space, got {action_space}")
    if normalize_obs and not isinstance(observation_space, spaces.Box):
        raise ValueError(f"normalize_obs needs a Box observation space, got {observation_space}")
    if not (isinstance(obs_clip, (int, float)) and obs_clip > 0):
        raise ValueError(f"obs_clip must be a positive number, got {obs_clip!r}")


class RecurrentActorCriticPolicy(_ContribPolicy):
    """Recurrent actor-critic policy with any registered core.

    Layout per time step: ``features_extractor(obs) -> core -> mlp_extractor -> action_net /
    value_net``. The actor's core is ``core_actor``, the critic's ``core_critic`` (the same
    object when ``shared_core=True``; then the value loss also trains the shared core).

    :param core: registered core name ("lstm", "gru", "rnn", or one you registered).
    :param hidden_size: core hidden size.
    :param num_layers: core layers.
    :param shared_core: one core for actor and critic (True) or one each (False, default,
        as in sb3-contrib: the critic's error cannot disturb the actor's memory).
    :param forget_bias: keep-gate bias for cores that take it (LSTM forget, GRU update).
    :param chrono_init: memory length for chrono init (Tallec & Ollivier 2018), gated cores.
    :param features_to_heads: the actor and critic heads also see the current step's features
        (a skip connection around the core; default True), so what the observation alone
        decides (e.g. "this is the junction") need not pass through the memory.
    :param action_epsilon: discrete actions only: the policy is ``(1 - eps) * softmax(logits) +
        eps / n_actions``, so no action's probability falls below ``eps / n_actions`` and
        exploration cannot vanish the way an entropy bonus's gradient does once the policy is
        near-deterministic (default 0: the plain softmax).
    :param normalize_obs: Box observations only: standardise each observation entry with a
        running mean and variance of the observations seen in training, then clip to
        ``[-obs_clip, obs_clip]`` (default False). Rare inputs become large: an entry that is
        non-zero once in ``L`` steps (a cue, a junction flag) scales to about ``sqrt(L)``, so it
        is neither drowned by frequent inputs nor does its state share their action. The
        statistics are updated after each PPO update (never during a rollout, which keeps the
        ratio exact) and saved with the model.
    :param obs_clip: clip bound of normalised observations.
    :param core_kwargs: any other keyword arguments for the core constructor.
    Other parameters are those of SB3's ``ActorCriticPolicy``.
    """

    def __init__(
        self,
        observation_space: spaces.Space,
        action_space: spaces.Space,
        lr_schedule: Schedule,
        net_arch: list[int] | dict[str, list[int]] | None = None,
        activation_fn: type[nn.Module] = nn.Tanh,
        ortho_init: bool = True,
        use_sde: bool = False,
        log_std_init: float = 0.0,
        full_std: bool = True,
        use_expln: bool = False,
        squash_output: bool = False,
        features_extractor_class: type[BaseFeaturesExtractor] = FlattenExtractor,
        features_extractor_kwargs: dict[str, Any] | None = None,
        share_features_extractor: bool = True,
        normalize_images: bool = True,
        optimizer_class: type[th.optim.Optimizer] = th.optim.Adam,
        optimizer_kwargs: dict[str, Any] | None = None,
        core: str = "lstm",
        hidden_size: int = 64,
        num_layers: int = 1,
        shared_core: bool = False,
        forget_bias: float | None = None,
        chrono_init: int | None = None,
        features_to_heads: bool = True,
        action_epsilon: float = 0.0,
        normalize_obs: bool = False,
        obs_clip: float = 10.0,
        core_kwargs: dict[str, Any] | None = None,
    ) -> None:
        _check_options(
            observation_space,
            action_space,
            share_features_extractor,
            action_epsilon,
            normalize_obs,
            obs_clip,
        )
        if optimizer_class is th.optim.Adam and optimizer_kwargs is None:
            # SB3's Adam eps, and the fused kernel (~4x faster per step on CPU for small nets).
            optimizer_kwargs = {"eps": 1e-5, "fused": True}
        self.features_to_heads = features_to_heads
        self.action_epsilon = float(action_epsilon)
        self.normalize_obs = bool(normalize_obs)
        self.obs_clip = float(obs_clip)
        check_core_sizes(hidden_size=hidden_size, num_layers=num_layers)  # sizes the heads too
        # _build_mlp_extractor (called by ActorCriticPolicy.__init__) reads this; the
        # features' size is added once the features extractor exists.
        self.lstm_output_dim = hidden_size
        # Skip sb3-contrib's __init__: it builds nn.LSTM modules we replace by cores.
        ActorCriticPolicy.__init__(
            self,
            observation_space,
            action_space,
            lr_schedule,
            net_arch,
            activation_fn,
            ortho_init,
            use_sde,
            log_std_init,
            full_std,
            use_expln,
            squash_output,
            features_extractor_class,
            features_extractor_kwargs,
            share_features_extractor,
            normalize_images,
            optimizer_class,
            optimizer_kwargs,
        )
        if self.normalize_obs:
            # Buffers (saved in the state dict); before the first update: the identity.
            self.register_buffer("obs_mean", th.zeros(observation_space.shape))
            self.register_buffer("obs_var", th.ones(observation_space.shape))
            self.register_buffer("obs_count", th.zeros(()))
        self._discrete = isinstance(action_space, spaces.Discrete)
        self._build_cores(
            core, hidden_size, num_layers, shared_core, forget_bias, chrono_init, core_kwargs
        )
        # The optimizer built by ActorCriticPolicy did not see the cores.
        self.optimizer = self.optimizer_class(
            self.parameters(), lr=lr_schedule(1), **self.optimizer_kwargs
        )

    def _build_cores(
        self,
        core: str,
        hidden_size: int,
        num_layers: int,
        shared_core: bool,
        forget_bias: float | None,
        chrono_init: int | None,
        core_kwargs: dict[str, Any] | None,
    ) -> None:
        """Build ``core_actor`` and ``core_critic`` (one object when ``shared_core``)."""
        self.core_name = core
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.shared_core = shared_core
        self.forget_bias = forget_bias
        self.chrono_init = chrono_init
        self.core_kwargs = dict(core_kwargs or {})
        kwargs = dict(self.core_kwargs)
        if forget_bias is not None:
            kwargs["forget_bias"] = forget_bias
        if chrono_init is not None:
            kwargs["chrono_init"] = chrono_init
        self.core_actor: RecurrentCore = make_core(
            core, self.features_dim, hidden_size, num_layers, **kwargs
        )
        self.core_critic: RecurrentCore = (
            self.core_actor
            if shared_core
            else make_core(core, self.features_dim, hidden_size, num_layers, **kwargs)
        )
        # sb3-contrib's module names; they are state_dict keys, so saved models keep loading.
        self.lstm_actor = self.core_actor
        self.lstm_critic = None if shared_core else self.core_critic

    def _build_mlp_extractor(self) -> None:
        if self.features_to_heads:
            self.lstm_output_dim += self.features_dim
        super()._build_mlp_extractor()

    def _get_constructor_parameters(self) -> dict[str, Any]:
        data = super()._get_constructor_parameters()
        data.update(
            core=self.core_name,
            hidden_size=self.hidden_size,
            num_layers=self.num_layers,
            shared_core=self.shared_core,
            forget_bias=self.forget_bias,
            chrono_init=self.chrono_init,
            features_to_heads=self.features_to_heads,
            action_epsilon=self.action_epsilon,
            normalize_obs=self.normalize_obs,
            obs_clip=self.obs_clip,
            core_kwargs=self.core_kwargs,
        )
        return data

    def initial_state(self, n_envs: int) -> RNNStates:
        """Zero states of actor and critic cores for ``n_envs`` environments."""
        pi = self.core_actor.initial_state(n_envs)
        return RNNStates(pi, pi if self.shared_core else self.core_critic.initial_state(n_envs))

    # --- observations: normalisation and features ------------------------------------------

    def extract_features(  # type: ignore[override]
        self, obs: th.Tensor, features_extractor: BaseFeaturesExtractor | None = None
    ) -> th.Tensor:
        """SB3's feature extraction, after the ``normalize_obs`` standardisation (if on), so that
        every path to the features (rollout, training, SB3 helpers, diagnostics) sees it."""
        if self.normalize_obs:
            obs = (obs.float() - self.obs_mean) / th.sqrt(self.obs_var + 1e-8)
            obs = obs.clamp(-self.obs_clip, self.obs_clip)
        return BasePolicy.extract_features(self, obs, features_extractor or self.features_extractor)

    @th.no_grad()
    def update_obs_stats(self, obs: th.Tensor) -> None:
        """Fold raw observations ``[..., *obs_shape]`` into the running mean and variance."""
        if not self.normalize_obs:
            return
        # SB3's parallel mean/variance update; the statistics live in torch buffers so that
        # they are part of the saved state dict (count starts at 0: no epsilon prior).
        x = obs.reshape(-1, *self.obs_mean.shape).to(self.obs_mean)
        rms = RunningMeanStd(shape=tuple(self.obs_mean.shape))
        rms.mean, rms.var = self.obs_mean.cpu().numpy(), self.obs_var.cpu().numpy()
        rms.count = self.obs_count.item()
        rms.update_from_moments(
            x.mean(0).cpu().numpy(), x.var(0, unbiased=False).cpu().numpy(), x.shape[0]
        )
        self.obs_mean.copy_(th.as_tensor(rms.mean))
        self.obs_var.copy_(th.as_tensor(rms.var))
        self.obs_count.fill_(rms.count)

    # --- the one forward path: features -> core(s) -> heads ----------------------------------

    def _forward_path(
        self,
        obs: th.Tensor,
        states: RNNStates,
        episode_starts: th.Tensor,
        steps: th.Tensor | None = None,
    ) -> tuple[th.Tensor | None, th.Tensor | None, RNNStates]:
        """Actor and critic head inputs of ``obs[T, B, ...]``, and the cores' final states.

        Every entry point (rollout step, training batches, predict, get_distribution, the value
        bootstrap) runs through here.
        ``states`` are the actor's and the critic's core states; a core whose state is None is
        not run (its head input and final state are None). The states are zeroed where
        ``episode_starts[B]`` is 1, before the first step: the callers never have an episode
        start later in a sequence, so each core runs once, as one step (T=1) or a sequence.
        Head inputs are ``[T * B, D]`` (time-major), or only the flat indices ``steps`` into it.

        Fewer than ``_MIN_ROWS`` columns are padded with zeros for the cores, as are fewer than
        ``_MIN_ROWS`` head rows in the heads (:meth:`_sample`, :meth:`_log_prob_entropy`,
        :meth:`_actor_distribution`, :meth:`_critic_head`), so every path rounds the same way.
        """
        t, n = obs.shape[:2]
        features = self.extract_features(obs.reshape(t * n, *obs.shape[2:])).reshape(t, n, -1)
        keep = 1.0 - episode_starts.reshape(1, n, 1).to(features.dtype)
        if n < _MIN_ROWS:
            features, keep = _pad_rows(features, 1), _pad_rows(keep, 1)
            states = RNNStates(_pad_state(states.pi), _pad_state(states.vf))
        out_pi, state_pi = self._run_core(self.core_actor, features, states.pi, keep)
        if self.shared_core and states.pi is not None and states.vf is not None:
            out_vf, state_vf = out_pi, state_pi  # one core, one state: run it once
        else:
            out_vf, state_vf = self._run_core(self.core_critic, features, states.vf, keep)
        in_pi, in_vf = (
            None if out is None else self._step_rows(out, features, n, steps)
            for out in (out_pi, out_vf)
        )
        if n < _MIN_ROWS:
            state_pi, state_vf = _unpad_state(state_pi, n), _unpad_state(state_vf, n)
        return in_pi, in_vf, RNNStates(state_pi, state_vf)

    @staticmethod
    def _run_core(
        core: RecurrentCore, features: th.Tensor, state: State | None, keep: th.Tensor
    ) -> tuple[th.Tensor | None, State | None]:
        """``core`` over ``features[T, B, F]`` from ``state`` zeroed where ``keep`` is 0."""
        if state is None:
            return None, None
        state = tuple(s * keep for s in state)
        if features.shape[0] == 1:
            out, state = core.forward_step(features[0], state)
            return out.unsqueeze(0), state
        return core.forward_sequence(features, state)

    def _step_rows(
        self, core_out: th.Tensor, features: th.Tensor, n: int, steps: th.Tensor | None
    ) -> th.Tensor:
        """Head inputs ``[T * n, D]`` of the first ``n`` (unpadded) columns, or rows ``steps``."""
        head_inputs = self._head_inputs(core_out, features)[:, :n]
        head_inputs = head_inputs.reshape(-1, head_inputs.shape[-1])
        return head_inputs if steps is None else head_inputs.index_select(0, steps)

    def _head_inputs(self, core_out: th.Tensor, features: th.Tensor) -> th.Tensor:
        """What the heads see: the core's output, plus the features with ``features_to_heads``."""
        return th.cat([core_out, features], dim=-1) if self.features_to_heads else core_out

    def _critic_head(self, head_inputs: th.Tensor) -> th.Tensor:
        """Values ``[R, 1]`` of critic head inputs ``[R, D]``."""
        rows = head_inputs.shape[0]
        return self._value(self.mlp_extractor.forward_critic(_pad_rows(head_inputs, 0)))[:rows]

    def _value(self, latent_vf: th.Tensor) -> th.Tensor:
        """``value_net(latent_vf)``, rounded the same way for any number of rows.

        A one-output Linear runs as a matrix-vector product whose rounding depends on the row
        count (~1e-7); multiply-and-sum does not, so rollout and training values agree exactly.
        """
        return (latent_vf * self.value_net.weight[0]).sum(-1, keepdim=True) + self.value_net.bias

    def _action_log_probs(self, latent_pi: th.Tensor) -> th.Tensor:
        """Log-probabilities of every discrete action (with the ``action_epsilon`` mixture)."""
        log_probs = th.log_softmax(self.action_net(latent_pi), dim=-1)
        if self.action_epsilon > 0:
            uniform = th.full_like(log_probs, math.log(self.action_epsilon / log_probs.shape[-1]))
            log_probs = th.logaddexp(log_probs + math.log1p(-self.action_epsilon), uniform)
        return log_probs

    def _sample(self, head_inputs: th.Tensor, deterministic: bool) -> tuple[th.Tensor, th.Tensor]:
        """Actions and their log-probs ``[R]`` from actor head inputs ``[R, D]``.

        Padding rows draw actions too (then dropped): with fewer than 4 envs a seeded run keeps
        the random stream it had when the rollout step padded everything.
        """
        rows = head_inputs.shape[0]
        latent_pi = self.mlp_extractor.forward_actor(_pad_rows(head_inputs, 0))
        if self._discrete:
            # Direct log-softmax + Gumbel-max sampling: torch.distributions objects cost more
            # than the whole rest of a rollout step for small networks.
            log_probs = self._action_log_probs(latent_pi)
            if deterministic:
                actions = log_probs.argmax(-1)
            else:
                noise = th.empty_like(log_probs).exponential_().log()
                actions = (log_probs - noise).argmax(-1)
            log_prob = log_probs.gather(-1, actions.unsqueeze(-1)).squeeze(-1)
            return actions[:rows], log_prob[:rows]
        distribution = self._get_action_dist_from_latent(latent_pi)
        actions = distribution.get_actions(deterministic=deterministic)
        return actions[:rows], distribution.log_prob(actions)[:rows]

    def _log_prob_entropy(
        self, head_inputs: th.Tensor, actions: th.Tensor
    ) -> tuple[th.Tensor, th.Tensor | None]:
        """Log-probs of ``actions`` and entropies ``[R]`` from actor head inputs ``[R, D]``."""
        rows = head_inputs.shape[0]
        latent_pi = self.mlp_extractor.forward_actor(_pad_rows(head_inputs, 0))
        if self._discrete:
            log_probs = self._action_log_probs(latent_pi)[:rows]
            log_prob = log_probs.gather(-1, actions.long().unsqueeze(-1)).squeeze(-1)
            return log_prob, -(log_probs.exp() * log_probs).sum(-1)
        distribution = self._get_action_dist_from_latent(latent_pi)
        log_prob = distribution.log_prob(_pad_rows(actions, 0))[:rows]
        entropy = distribution.entropy()
        return log_prob, entropy[:rows] if entropy is not None else None

    def _actor_distribution(self, head_inputs: th.Tensor) -> Distribution:
        """The action distribution for actor head inputs ``[R, D]``."""
        rows = head_inputs.shape[0]
        latent_pi = self.mlp_extractor.forward_actor(_pad_rows(head_inputs, 0))
        if self._discrete:
            log_probs = self._action_log_probs(latent_pi)[:rows]
            return self.action_dist.proba_distribution(action_logits=log_probs)
        # A Distribution cannot be cut to rows after the fact: here the mean's layer sees the
        # real rows only (no training quantity comes from this distribution).
        return self._get_action_dist_from_latent(latent_pi[:rows])

    def actor_distribution(self, core_output: th.Tensor, features: th.Tensor) -> Distribution:
        """The actor head: action distribution for actor-core outputs ``[B, hidden_size]`` and
        the same steps' features ``[B, features_dim]`` (with ``features_to_heads`` and
        ``action_epsilon``), e.g. to differentiate a decision's log-prob with respect to core
        states the caller kept (gradient-flow diagnostics)."""
        return self._actor_distribution(self._head_inputs(core_output, features))

    # --- training API: padded sequences, time-major ---------------------------------------

    def evaluate_sequences(
        self,
        obs: th.Tensor,
        actions: th.Tensor,
        states: RNNStates,
        episode_starts: th.Tensor,
        valid: th.Tensor | None = None,
    ) -> tuple[th.Tensor, th.Tensor, th.Tensor | None]:
        """Values, log-probs and entropies ``[T, B]`` of padded sequences ``obs[T, B, ...]``.

        One core call per batch: the caller guarantees that episode starts only occur at t=0.
        With ``valid`` (flat indices into ``[T * B]`` of the non-padding steps), the heads only
        run on those steps and the results are flat ``[len(valid)]`` tensors in that order.
        """
        t, n_seq = episode_starts.shape
        in_pi, in_vf, _ = self._forward_path(obs, states, episode_starts[0], steps=valid)
        actions = actions.reshape(t * n_seq, *actions.shape[2:])
        if valid is not None:
            actions = actions.index_select(0, valid)
        shape = (len(valid),) if valid is not None else (t, n_seq)
        log_prob, entropy = self._log_prob_entropy(in_pi, actions)
        values = self._critic_head(in_vf).reshape(shape)
        entropy = entropy.reshape(shape) if entropy is not None else None
        return values, log_prob.reshape(shape), entropy

    def evaluate_batch(self, batch: SequenceBatch) -> tuple[th.Tensor, th.Tensor, th.Tensor | None]:
        """Values, log-probs and entropies of a training minibatch's valid steps, flat and in
        the order of ``batch.targets`` (the PPO update's forward pass)."""
        return self.evaluate_sequences(
            batch.observations, batch.actions, batch.states, batch.episode_starts, batch.valid
        )

    # --- step API (flat batch of n_envs, one time step), same signatures as sb3-contrib ----

    def forward(
        self,
        obs: th.Tensor,
        lstm_states: RNNStates,
        episode_starts: th.Tensor,
        deterministic: bool = False,
    ) -> tuple[th.Tensor, th.Tensor, th.Tensor, RNNStates]:
        """One step for a batch of envs: actions, values, log-probs, new states."""
        in_pi, in_vf, states = self._forward_path(obs[None], lstm_states, episode_starts)
        actions, log_prob = self._sample(in_pi, deterministic)
        values = self._critic_head(in_vf)
        return actions.reshape((-1, *self.action_space.shape)), values, log_prob, states

    def get_distribution(
        self, obs: th.Tensor, lstm_states: State, episode_starts: th.Tensor
    ) -> tuple[Distribution, State]:
        """Actor distribution for one step of a batch of envs, and the actor core's new state."""
        in_pi, _, states = self._forward_path(
            obs[None], RNNStates(lstm_states, None), episode_starts
        )
        return self._actor_distribution(in_pi), states.pi

    def predict_values(
        self, obs: th.Tensor, lstm_states: State, episode_starts: th.Tensor
    ) -> th.Tensor:
        """Values for one step of a batch of envs, given the critic core's state."""
        _, in_vf, _ = self._forward_path(obs[None], RNNStates(None, lstm_states), episode_starts)
        return self._critic_head(in_vf)

    def evaluate_actions(
        self, obs: th.Tensor, actions: th.Tensor, lstm_states: RNNStates, episode_starts: th.Tensor
    ) -> tuple[th.Tensor, th.Tensor, th.Tensor]:
        """sb3-contrib layout: ``obs`` is ``(n_seq * max_len, ...)``, sequence-major."""
        n_seq = lstm_states.pi[0].shape[1]
        starts = episode_starts.reshape(n_seq, -1).T
        t = starts.shape[0]
        obs_seq = obs.reshape(n_seq, t, *obs.shape[1:]).transpose(0, 1)
        act_seq = actions.reshape(n_seq, t, *actions.shape[1:]).transpose(0, 1)
        values, log_prob, entropy = self.evaluate_sequences(obs_seq, act_seq, lstm_states, starts)
        entropy = entropy.T.flatten() if entropy is not None else None
        return values.T.reshape(-1, 1), log_prob.T.flatten(), entropy

    def predict(
        self,
        observation: np.ndarray | dict[str, np.ndarray],
        state: tuple[np.ndarray, ...] | None = None,
        episode_start: np.ndarray | None = None,
        deterministic: bool = False,
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """Actions for ``observation`` and the actor core's next state (tuple of arrays).

        ``state=None`` starts from the zero state; ``episode_start`` (bool per env) resets it.
        """
        self.set_training_mode(False)
        obs, vectorized_env = self.obs_to_tensor(observation)
        n_envs = obs.shape[0]
        with th.no_grad():
            if state is None:
                states = self.core_actor.initial_state(n_envs)
            else:
                states = tuple(
                    th.as_tensor(np.asarray(s), dtype=th.float32, device=self.device) for s in state
                )
            if episode_start is None:
                episode_start = np.zeros(n_envs, dtype=bool)
            starts = th.as_tensor(np.asarray(episode_start, dtype=np.float32), device=self.device)
            in_pi, _, new_states = self._forward_path(obs[None], RNNStates(states, None), starts)
            actions, _ = self._sample(in_pi, deterministic)
        new_state = tuple(s.cpu().numpy() for s in new_states.pi)
        actions = actions.cpu().numpy().reshape((-1, *self.action_space.shape))
        if isinstance(self.action_space, spaces.Box):
            if self.squash_output:
                actions = self.unscale_action(actions)
            else:
                actions = np.clip(actions, self.action_space.low, self.action_space.high)
        if not vectorized_env:
            actions = actions.squeeze(axis=0)
        return actions, new_state
