"""Shared recurrent actor-critic policy: features extractor -> core -> MLP actor / critic heads."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
import torch as th
from gymnasium import spaces
from sb3_contrib.common.recurrent.policies import RecurrentActorCriticPolicy as _ContribPolicy
from sb3_contrib.common.recurrent.type_aliases import RNNStates
from stable_baselines3.common.distributions import (
    BernoulliDistribution,
    CategoricalDistribution,
    Distribution,
    MultiCategoricalDistribution,
)
from stable_baselines3.common.policies import ActorCriticPolicy, BasePolicy
from stable_baselines3.common.preprocessing import is_image_space
from stable_baselines3.common.running_mean_std import RunningMeanStd
from stable_baselines3.common.torch_layers import (
    BaseFeaturesExtractor,
    CombinedExtractor,
    FlattenExtractor,
    NatureCNN,
)
from stable_baselines3.common.type_aliases import Schedule
from torch import nn

from recurrent_agents.buffer import (
    Observations,
    Prefix,
    SequenceBatch,
    leading_shape,
    map_observations,
)
from recurrent_agents.cores import RecurrentCore, check_core_sizes, make_core

State = tuple[th.Tensor, ...]


class BatchEvaluation(NamedTuple):
    """The policy's outputs on a training minibatch's steps."""

    values: th.Tensor
    log_prob: th.Tensor
    #: None for distributions without a closed-form entropy.
    entropy: th.Tensor | None
    #: ``mean_a log pi(a | s)``, the log-barrier regulariser's term; None for continuous actions.
    mean_log_prob: th.Tensor | None
    #: The actor's own value estimates (``actor_value_head``); None without that head.
    actor_values: th.Tensor | None = None


# CPU matrix products take a different kernel, with different rounding, for fewer than 4 rows.
# The forward path pads the envs (or sequences) its cores see and the rows its heads see to at
# least this many, so rollout steps and training batches round the same way and the PPO ratio is
# exactly 1.
_MIN_ROWS = 4


def _one_step(obs: Observations) -> Observations:
    """Observations ``[B, ...]`` of one step as a sequence ``[1, B, ...]``."""
    return map_observations(lambda x: x.unsqueeze(0), obs)


def mean_action_log_prob(distribution: Distribution) -> th.Tensor | None:
    """``mean_a log pi(a | s)`` per row of an SB3 distribution over a discrete action space
    (summed over the sub-spaces of MultiDiscrete and MultiBinary, as their log-probs are);
    None for continuous actions, which have no finite set to average over."""
    if isinstance(distribution, CategoricalDistribution):
        return distribution.distribution.logits.mean(-1)
    if isinstance(distribution, MultiCategoricalDistribution):
        return sum(d.logits.mean(-1) for d in distribution.distribution)
    if isinstance(distribution, BernoulliDistribution):
        bits = distribution.distribution
        ones = th.ones_like(bits.logits)
        return ((bits.log_prob(ones) + bits.log_prob(1 - ones)) / 2).sum(-1)
    return None


def _pad_rows(x: th.Tensor, dim: int) -> th.Tensor:
    """``x`` with zero rows appended along ``dim`` up to ``_MIN_ROWS``."""
    missing = _MIN_ROWS - x.shape[dim]
    if missing <= 0:
        return x
    shape = list(x.shape)
    shape[dim] = missing
    return th.cat([x, x.new_zeros(shape)], dim=dim)


class RowwiseLinear(nn.Linear):
    """``nn.Linear`` rounded the same way for any number of rows.

    A Linear with few outputs (a value, a 2-action policy) runs as a matrix product whose
    rounding depends on the row count (~1e-7); multiply-and-sum does not, so rollout steps and
    training batches get the same values and action log-probs, bit for bit.
    """

    def forward(self, x: th.Tensor) -> th.Tensor:
        return (x.unsqueeze(-2) * self.weight).sum(-1) + self.bias


def _zero_linear(in_features: int) -> RowwiseLinear:
    """A ``RowwiseLinear(in_features, 1)`` of zeros, built without drawing from torch's RNG
    (so adding it leaves every other parameter's init and a seeded run's samples unchanged)."""
    layer = nn.utils.skip_init(RowwiseLinear, in_features, 1)
    with th.no_grad():
        layer.weight.zero_()
        layer.bias.zero_()
    return layer


def _pad_state(state: State | None) -> State | None:
    """A core state (tensors ``[layers, B, H]``) padded with zeros along ``B``; None stays."""
    return None if state is None else tuple(_pad_rows(s, 1) for s in state)


def _unpad_state(state: State | None, n: int) -> State | None:
    """The first ``n`` columns of a core state; None stays."""
    return None if state is None else tuple(s[:, :n] for s in state)


#: What the critic head reads (``critic_core``): its own core, the actor's core (trained by both
#: losses, or by the actor's only: "shared_detached"), or no core at all.
CRITIC_CORES = ("separate", "shared", "shared_detached", "none")


class _IncompatibleOptions(ValueError, AssertionError):
    """Policy options that cannot go together. Also an AssertionError: sb3-contrib's policy
    asserts the same conditions, so code written against it keeps working."""


def _either(name: str, value: Any, contrib_name: str, contrib_value: Any, default: Any) -> Any:
    """An option given by its toolkit ``name`` or its sb3-contrib ``contrib_name`` (not both)."""
    if value is not None and contrib_value is not None:
        raise ValueError(
            f"{name} and sb3-contrib's {contrib_name} are the same option: give one, "
            f"got {value!r} and {contrib_value!r}"
        )
    if value is not None:
        return value
    return default if contrib_value is None else contrib_value


def resolve_critic_core(
    critic_core: str | None = None,
    shared_core: bool | None = None,
    shared_lstm: bool | None = None,
    enable_critic_lstm: bool | None = None,
    share_features_extractor: bool = True,
) -> str:
    """One of :data:`CRITIC_CORES`, from the toolkit's ``critic_core`` or ``shared_core`` or
    sb3-contrib's ``shared_lstm`` / ``enable_critic_lstm`` (with sb3-contrib's meaning)."""
    contrib = shared_lstm if shared_lstm is not None else enable_critic_lstm
    given = [
        name
        for name, value in (
            ("critic_core", critic_core),
            ("shared_core", shared_core),
            ("sb3-contrib's shared_lstm / enable_critic_lstm", contrib),
        )
        if value is not None
    ]
    if len(given) > 1:
        raise ValueError(f"{' and '.join(given)} set the same option: give one")
    if contrib is not None:
        shared = bool(shared_lstm)
        enable = enable_critic_lstm is None or bool(enable_critic_lstm)
        if shared and enable:
            raise _IncompatibleOptions("shared_lstm=True needs enable_critic_lstm=False")
        critic_core = "shared_detached" if shared else "separate" if enable else "none"
    elif shared_core is not None:
        critic_core = "shared" if shared_core else "separate"
    critic_core = "separate" if critic_core is None else critic_core
    if critic_core not in CRITIC_CORES:
        raise ValueError(f"critic_core must be one of {CRITIC_CORES}, got {critic_core!r}")
    if critic_core.startswith("shared") and not share_features_extractor:
        raise _IncompatibleOptions(
            "a core shared by actor and critic needs share_features_extractor=True"
        )
    return critic_core


def _check_options(
    observation_space: spaces.Space,
    action_space: spaces.Space,
    use_sde: bool,
    action_epsilon: float,
    normalize_obs: bool,
    obs_clip: float,
) -> None:
    """Raise ``ValueError`` for policy options this policy does not support."""
    if use_sde and not isinstance(action_space, spaces.Box):
        raise ValueError(f"use_sde (gSDE) needs a Box action space, got {action_space}")
    if not 0.0 <= action_epsilon < 1.0:
        raise ValueError(f"action_epsilon must be in [0, 1), got {action_epsilon!r}")
    if action_epsilon > 0 and not isinstance(action_space, spaces.Discrete):
        raise ValueError(f"action_epsilon needs a Discrete action space, got {action_space}")
    if normalize_obs and not isinstance(observation_space, spaces.Box):
        raise ValueError(
            f"normalize_obs needs a Box observation space, got {observation_space}; for Dict "
            "observations use SB3's VecNormalize(env, norm_obs_keys=[...]) instead"
        )
    if not (isinstance(obs_clip, (int, float)) and obs_clip > 0):
        raise ValueError(f"obs_clip must be a positive number, got {obs_clip!r}")


def normalizes_by_default(observation_space: spaces.Space) -> bool:
    """Whether ``normalize_obs=None`` (the default) standardises these observations: a ``Box``
    of numbers, but not images (SB3 scales those by 1/255) and not Dict observations."""
    return isinstance(observation_space, spaces.Box) and not is_image_space(observation_space)


class RecurrentActorCriticPolicy(_ContribPolicy):
    """Recurrent actor-critic policy with any registered core.

    Layout per time step: ``features_extractor(obs) -> core -> mlp_extractor -> action_net /
    value_net``. The actor's core is ``core_actor``, the critic's ``core_critic`` (the same
    object when the core is shared, None when the critic has none).

    Any observation space SB3 policies take (Box, images, Dict with ``CombinedExtractor``, or
    any ``features_extractor_class``) and any action space of sb3-contrib's RecurrentPPO (Box of
    any shape, with gSDE too; Discrete; MultiDiscrete; MultiBinary). sb3-contrib's policy
    keywords are accepted with their meaning: ``lstm_hidden_size`` (= ``hidden_size``),
    ``n_lstm_layers`` (= ``num_layers``), ``lstm_kwargs`` (= ``core_kwargs``),
    ``shared_lstm`` / ``enable_critic_lstm`` (= ``critic_core``); naming one option twice is a
    ValueError.

    :param core: registered core name ("lstm", "gru", "rnn", or one you registered).
    :param hidden_size: core hidden size (default 64).
    :param num_layers: core layers (default 1).
    :param critic_core: what the critic head reads (default "separate"): "separate", its own
        core (sb3-contrib's default: the critic's error cannot disturb the actor's memory);
        "shared", the actor's core, which the value loss trains too; "shared_detached", the
        actor's core's output without gradient into it (sb3-contrib's ``shared_lstm=True``);
        "none", a linear layer of the features, no memory (sb3-contrib's
        ``enable_critic_lstm=False``).
    :param shared_core: True is ``critic_core="shared"``, False ``"separate"``.
    :param forget_bias: keep-gate bias for cores that take it (LSTM forget, GRU update).
    :param chrono_init: memory length for chrono init (Tallec & Ollivier 2018), gated cores.
    :param features_to_heads: the actor and critic heads also see the current step's features
        (a skip connection around the core; default True), so what the observation alone
        decides (e.g. "this is the junction") need not pass through the memory.
    :param entropy_trains_core: the entropy bonus's gradient (and the log barrier's) also
        reaches the actor's core (default False: they train the actor head only). Once a task
        is solved the advantages vanish and the bonus is the one gradient left; through the
        core, flattening the policy at a decision means erasing what the core remembers for
        it (the solved T-maze then loses its cue again and again: bench/results/robustness*.md).
    :param actor_value_head: a value head on the actor's latent (``actor_value_net``), besides
        the critic's: trained on the same targets by :class:`RecurrentPPO`'s
        ``actor_value_coef``, it trains the actor's core to carry what predicts the return,
        while the advantages keep the critic's values.
    :param time_aware_critic: the value heads take the discount left to the episode's time
        limit, ``d = gamma ** (time_limit - t)``, as a value ``v(s) - u(s) * d`` (Pardo et al.
        2018): a state ``time_limit - t`` steps before a truncation that ends the return is
        worth about ``1 - d`` of the same state with no limit near, which the observation does
        not show. ``u`` (``value_time_net``, ``actor_value_time_net``) starts at zero, and
        without ``d`` (None: no time limit known) the values are the plain heads' exactly.
        The actor never sees the time (default False; :class:`RecurrentPPO` decides).
    :param action_epsilon: discrete actions only: the policy is ``(1 - eps) * softmax(logits) +
        eps / n_actions``, so no action's probability falls below ``eps / n_actions`` and
        exploration cannot vanish the way an entropy bonus's gradient does once the policy is
        near-deterministic (default 0: the plain softmax).
    :param normalize_obs: standardise each observation entry with a running mean and variance
        of the observations seen in training, then clip to ``[-obs_clip, obs_clip]`` (Box
        observations only; default None: on for a Box of numbers, off for images and Dict
        observations, :func:`normalizes_by_default`). Inputs of any scale reach the core at
        unit scale (CartPole's pole angle, ~0.05 rad, whose change over one step is the velocity
        the memory must estimate), and rare inputs become large: an entry that is non-zero once
        in ``L`` steps (a cue, a junction flag) scales to about ``sqrt(L)``, so it is neither
        drowned by frequent inputs nor does its state share their action. The statistics are
        updated after each PPO update (never during a rollout, which keeps the ratio exact) and
        saved with the model.
    :param obs_clip: clip bound of normalised observations.
    :param core_kwargs: any other keyword arguments for the core constructor (e.g.
        ``dropout`` between stacked layers).
    Other parameters are those of SB3's ``ActorCriticPolicy``; ``features_extractor_class``
    defaults to the class's ``default_features_extractor``.
    """

    default_features_extractor: type[BaseFeaturesExtractor] = FlattenExtractor

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
        features_extractor_class: type[BaseFeaturesExtractor] | None = None,
        features_extractor_kwargs: dict[str, Any] | None = None,
        share_features_extractor: bool = True,
        normalize_images: bool = True,
        optimizer_class: type[th.optim.Optimizer] = th.optim.Adam,
        optimizer_kwargs: dict[str, Any] | None = None,
        core: str = "lstm",
        hidden_size: int | None = None,
        num_layers: int | None = None,
        critic_core: str | None = None,
        shared_core: bool | None = None,
        forget_bias: float | None = None,
        chrono_init: int | None = None,
        features_to_heads: bool = True,
        entropy_trains_core: bool = False,
        actor_value_head: bool = False,
        time_aware_critic: bool = False,
        action_epsilon: float = 0.0,
        normalize_obs: bool | None = None,
        obs_clip: float = 10.0,
        core_kwargs: dict[str, Any] | None = None,
        lstm_hidden_size: int | None = None,
        n_lstm_layers: int | None = None,
        shared_lstm: bool | None = None,
        enable_critic_lstm: bool | None = None,
        lstm_kwargs: dict[str, Any] | None = None,
    ) -> None:
        hidden_size = _either("hidden_size", hidden_size, "lstm_hidden_size", lstm_hidden_size, 64)
        num_layers = _either("num_layers", num_layers, "n_lstm_layers", n_lstm_layers, 1)
        core_kwargs = _either("core_kwargs", core_kwargs, "lstm_kwargs", lstm_kwargs, {})
        critic_core = resolve_critic_core(
            critic_core, shared_core, shared_lstm, enable_critic_lstm, share_features_extractor
        )
        if normalize_obs is None:
            normalize_obs = normalizes_by_default(observation_space)
        _check_options(
            observation_space, action_space, use_sde, action_epsilon, normalize_obs, obs_clip
        )
        if features_extractor_class is None:
            features_extractor_class = self.default_features_extractor
        if optimizer_class is th.optim.Adam and optimizer_kwargs is None:
            # SB3's Adam eps, and the fused kernel (~4x faster per step on CPU for small nets).
            optimizer_kwargs = {"eps": 1e-5, "fused": True}
        self.features_to_heads = features_to_heads
        self.entropy_trains_core = bool(entropy_trains_core)
        self.actor_value_head = bool(actor_value_head)
        self.time_aware_critic = bool(time_aware_critic)
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
        # The critic's raw values are value_scale * value_net(...); RecurrentPPO sets the scale
        # to the spread of the value targets so that the value loss is O(1) at any reward scale.
        # A model saved before it existed loads with the identity (see _load_from_state_dict).
        self.register_buffer("value_scale", th.ones(()))
        self._discrete = isinstance(action_space, spaces.Discrete)
        self._build_cores(
            core, hidden_size, num_layers, critic_core, forget_bias, chrono_init, core_kwargs
        )
        # Built after everything else, so that the other parameters' init draws are unchanged.
        self.actor_value_net = (
            RowwiseLinear(self.mlp_extractor.latent_dim_pi, 1) if self.actor_value_head else None
        )
        self.value_time_net = self.actor_value_time_net = None
        if self.time_aware_critic:
            self.value_time_net = _zero_linear(self.mlp_extractor.latent_dim_vf)
            if self.actor_value_head:
                self.actor_value_time_net = _zero_linear(self.mlp_extractor.latent_dim_pi)
        # The optimizer built by ActorCriticPolicy did not see the cores.
        self.optimizer = self.optimizer_class(
            self.parameters(), lr=lr_schedule(1), **self.optimizer_kwargs
        )

    def _build_cores(
        self,
        core: str,
        hidden_size: int,
        num_layers: int,
        critic_core: str,
        forget_bias: float | None,
        chrono_init: int | None,
        core_kwargs: dict[str, Any],
    ) -> None:
        """Build ``core_actor``, and the critic's ``core_critic`` (the same object when shared)
        or, with ``critic_core="none"``, its linear layer ``critic``."""
        self.core_name = core
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.critic_core = critic_core
        self.forget_bias = forget_bias
        self.chrono_init = chrono_init
        self.core_kwargs = dict(core_kwargs)
        kwargs = dict(self.core_kwargs)
        if forget_bias is not None:
            kwargs["forget_bias"] = forget_bias
        if chrono_init is not None:
            kwargs["chrono_init"] = chrono_init
        # int(): SB3 gives MultiDiscrete observations' features_dim as a numpy integer.
        features_dim = int(self.features_dim)
        self.core_actor: RecurrentCore = make_core(
            core, features_dim, hidden_size, num_layers, **kwargs
        )
        self.core_critic: RecurrentCore | None = None
        if critic_core == "separate":
            self.core_critic = make_core(core, features_dim, hidden_size, num_layers, **kwargs)
        elif critic_core.startswith("shared"):
            self.core_critic = self.core_actor
        # sb3-contrib's module names; they are state_dict keys, so saved models keep loading.
        self.lstm_actor = self.core_actor
        self.lstm_critic = self.core_critic if critic_core == "separate" else None
        # A critic without memory: a linear map of the features to the core's output size.
        self.critic = nn.Linear(features_dim, hidden_size) if critic_core == "none" else None

    def _build_mlp_extractor(self) -> None:
        if self.features_to_heads:
            self.lstm_output_dim += int(self.features_dim)
        super()._build_mlp_extractor()

    def _build(self, lr_schedule: Schedule) -> None:
        super()._build(lr_schedule)
        # The same parameters and init (no new draws from the RNG), row-count-free rounding.
        for layer in (self.action_net, self.value_net):
            if type(layer) is nn.Linear:
                layer.__class__ = RowwiseLinear

    def _get_constructor_parameters(self) -> dict[str, Any]:
        data = super()._get_constructor_parameters()
        data.update(
            core=self.core_name,
            hidden_size=self.hidden_size,
            num_layers=self.num_layers,
            critic_core=self.critic_core,
            forget_bias=self.forget_bias,
            chrono_init=self.chrono_init,
            features_to_heads=self.features_to_heads,
            entropy_trains_core=self.entropy_trains_core,
            actor_value_head=self.actor_value_head,
            time_aware_critic=self.time_aware_critic,
            action_epsilon=self.action_epsilon,
            normalize_obs=self.normalize_obs,
            obs_clip=self.obs_clip,
            core_kwargs=self.core_kwargs,
        )
        return data

    def initial_state(self, n_envs: int) -> RNNStates:
        """Zero states of actor and critic cores for ``n_envs`` environments (a critic without
        a core has the empty state ``()``)."""
        pi = self.core_actor.initial_state(n_envs)
        if self.core_critic is None:
            return RNNStates(pi, ())
        if self.core_critic is self.core_actor:
            return RNNStates(pi, pi)
        return RNNStates(pi, self.core_critic.initial_state(n_envs))

    def reset_noise(self, n_envs: int = 1) -> None:
        """New gSDE exploration matrices, one per env as in SB3. At least ``_MIN_ROWS``: a
        rollout step's padding rows take one each, so the real envs keep their own."""
        super().reset_noise(max(n_envs, _MIN_ROWS))

    # --- observations: normalisation and features ------------------------------------------

    def extract_features(  # type: ignore[override]
        self, obs: Observations, features_extractor: BaseFeaturesExtractor | None = None
    ) -> th.Tensor:
        """SB3's feature extraction, after the ``normalize_obs`` standardisation (if on), so that
        every path to the features (rollout, training, SB3 helpers, diagnostics) sees it."""
        if self.normalize_obs:
            obs = self._standardised(obs).clamp(-self.obs_clip, self.obs_clip)
        return BasePolicy.extract_features(self, obs, features_extractor or self.features_extractor)

    def _standardised(self, obs: th.Tensor) -> th.Tensor:
        """``obs`` in units of the running standard deviation from the running mean."""
        return (obs.float() - self.obs_mean) / th.sqrt(self.obs_var + 1e-8)

    @th.no_grad()
    def in_seen_range(self, obs: Observations) -> th.Tensor:
        """Per row of ``obs[N, *obs_shape]``: whether it lies in the range of the observations
        the networks were trained on, i.e. the ``normalize_obs`` standardisation would clip none
        of its entries. False for every row without that standardisation (images, Dict
        observations: nothing is known of the range) or before it has seen any observation."""
        (rows,) = leading_shape(obs, 1)
        if not self.normalize_obs or self.obs_count.item() == 0:
            return th.zeros(rows, dtype=th.bool, device=self.device)
        return (self._standardised(obs).abs() <= self.obs_clip).reshape(rows, -1).all(dim=1)

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
        obs: Observations,
        states: RNNStates,
        episode_starts: th.Tensor,
        steps: th.Tensor | None = None,
    ) -> tuple[th.Tensor | None, th.Tensor | None, RNNStates]:
        """Actor and critic head inputs of ``obs[T, B, ...]``, and the cores' final states.

        Every entry point (rollout step, training batches, predict, get_distribution, the value
        bootstrap) runs through here.
        ``states`` are the actor's and the critic's core states; a core whose state is None is
        not run (its head input and final state are None; a critic without a core has the state
        ``()``). With ``share_features_extractor=False`` each runs its own features extractor.
        The states are zeroed where
        ``episode_starts[B]`` is 1, before the first step: the callers never have an episode
        start later in a sequence, so each core runs once, as one step (T=1) or a sequence.
        Head inputs are ``[T * B, D]`` (time-major), or only the flat indices ``steps`` into it.

        Fewer than ``_MIN_ROWS`` columns are padded with zeros for the cores, as are fewer than
        ``_MIN_ROWS`` head rows in the heads (:meth:`_sample`, :meth:`_actor_latent`,
        :meth:`_actor_distribution`, :meth:`_critic_head`), so every path rounds the same way.
        """
        t, n = leading_shape(obs, 2)
        flat_obs = map_observations(lambda x: x.reshape(t * n, *x.shape[2:]), obs)
        if self.share_features_extractor:
            features_pi = features_vf = self._sequence_features(flat_obs, t, n)
        else:
            features_pi, features_vf = (
                None if state is None else self._sequence_features(flat_obs, t, n, extractor)
                for state, extractor in (
                    (states.pi, self.pi_features_extractor),
                    (states.vf, self.vf_features_extractor),
                )
            )
        keep = _pad_rows(1.0 - episode_starts.reshape(1, n, 1).to(th.float32), 1)
        if n < _MIN_ROWS:
            states = RNNStates(_pad_state(states.pi), _pad_state(states.vf))
        out_pi, state_pi = self._run_core(self.core_actor, features_pi, states.pi, keep)
        out_vf, state_vf = self._run_critic(features_vf, states.vf, keep, out_pi, state_pi)
        in_pi = None if out_pi is None else self._step_rows(out_pi, features_pi, n, steps)
        in_vf = None if out_vf is None else self._step_rows(out_vf, features_vf, n, steps)
        if n < _MIN_ROWS:
            state_pi, state_vf = _unpad_state(state_pi, n), _unpad_state(state_vf, n)
        return in_pi, in_vf, RNNStates(state_pi, state_vf)

    def _sequence_features(
        self,
        flat_obs: Observations,
        t: int,
        n: int,
        extractor: BaseFeaturesExtractor | None = None,
    ) -> th.Tensor:
        """Features ``[T, max(n, _MIN_ROWS), F]`` of observations ``[T * n, ...]`` (zero
        columns appended for the cores, see :meth:`_forward_path`)."""
        return _pad_rows(self.extract_features(flat_obs, extractor).reshape(t, n, -1), 1)

    def _run_critic(
        self,
        features: th.Tensor | None,
        state: State | None,
        keep: th.Tensor,
        out_pi: th.Tensor | None,
        state_pi: State | None,
    ) -> tuple[th.Tensor | None, State | None]:
        """What the critic head reads in place of a core output, and the critic's final state
        (see ``critic_core``); the actor core's output and state are reused when shared."""
        if state is None:
            return None, None
        if self.core_critic is None:
            return self.critic(features), ()
        if self.core_critic is self.core_actor and out_pi is not None:
            out, state = out_pi, state_pi  # one core, one state: run it once
        else:
            out, state = self._run_core(self.core_critic, features, state, keep)
        if self.critic_core == "shared_detached":
            out = out.detach()  # sb3-contrib's shared_lstm: only the actor's loss trains it
        return out, state

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

    def _core_detached(self, head_inputs: th.Tensor) -> th.Tensor:
        """Actor head inputs (layout of :meth:`_head_inputs`) with the core's part detached."""
        core_out, features = head_inputs.split(
            [self.core_actor.hidden_size, head_inputs.shape[-1] - self.core_actor.hidden_size], -1
        )
        return self._head_inputs(core_out.detach(), features)

    def _critic_head(
        self, head_inputs: th.Tensor, time_discount: th.Tensor | None = None
    ) -> th.Tensor:
        """Values ``[R, 1]`` of critic head inputs ``[R, D]``, in the task's return units
        (with ``time_aware_critic``, given the discount left to the time limit ``[R]``)."""
        rows = head_inputs.shape[0]
        latent_vf = self.mlp_extractor.forward_critic(_pad_rows(head_inputs, 0))
        values = self._time_limited(self.value_net, self.value_time_net, latent_vf, time_discount)
        return values[:rows] * self.value_scale

    def _actor_latent(self, head_inputs: th.Tensor) -> th.Tensor:
        """The actor's latent of head inputs ``[R, D]``, padded to at least ``_MIN_ROWS`` rows
        (the input of the action head and of the actor's value head)."""
        return self.mlp_extractor.forward_actor(_pad_rows(head_inputs, 0))

    def _actor_values(
        self, latent_pi: th.Tensor, rows: int, time_discount: th.Tensor | None = None
    ) -> th.Tensor:
        """The actor's own value estimates ``[rows]`` from its latent (the
        ``actor_value_head``), in the task's return units."""
        values = self._time_limited(
            self.actor_value_net, self.actor_value_time_net, latent_pi, time_discount
        )
        return values[:rows, 0] * self.value_scale

    @staticmethod
    def _time_limited(
        value_net: nn.Module,
        time_net: nn.Module | None,
        latent: th.Tensor,
        time_discount: th.Tensor | None,
    ) -> th.Tensor:
        """``value_net(latent) - time_net(latent) * time_discount`` ``[R, 1]`` (``R`` >= the
        discount's rows; padding rows get no time term); the plain head without a discount."""
        values = value_net(latent)
        if time_net is None or time_discount is None:
            return values
        discount = _pad_rows(time_discount.reshape(-1, 1).to(values.dtype), 0)
        return values - time_net(latent) * discount

    @th.no_grad()
    def set_value_scale(self, scale: float) -> None:
        """Measure values in units of ``scale`` from now on, without changing any value: the
        value head's weights are divided by the factor the scale grows by (PopArt's
        output-preserving rescaling, scale only)."""
        factor = float(self.value_scale) / scale
        for head in (
            self.value_net,
            self.actor_value_net,
            self.value_time_net,
            self.actor_value_time_net,
        ):
            if head is not None:
                head.weight.mul_(factor)
                head.bias.mul_(factor)
        self.value_scale.fill_(scale)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        # Models saved before the value scale existed predicted raw values: scale 1.
        state_dict.setdefault(prefix + "value_scale", th.ones(()))
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def _action_log_probs(self, latent_pi: th.Tensor) -> th.Tensor:
        """Log-probabilities of every discrete action (with the ``action_epsilon`` mixture)."""
        log_probs = th.log_softmax(self.action_net(latent_pi), dim=-1)
        if self.action_epsilon > 0:
            uniform = th.full_like(log_probs, math.log(self.action_epsilon / log_probs.shape[-1]))
            log_probs = th.logaddexp(log_probs + math.log1p(-self.action_epsilon), uniform)
        return log_probs

    def _sample(
        self, head_inputs: th.Tensor, deterministic: bool, explore: th.Tensor | None = None
    ) -> tuple[th.Tensor, th.Tensor]:
        """Actions and their log-probs ``[R]`` from actor head inputs ``[R, D]``.

        Padding rows draw actions too (then dropped): with fewer than 4 envs a seeded run keeps
        the random stream it had when the rollout step padded everything. Rows where the bool
        mask ``explore`` ``[R]`` is set take a uniformly random action instead (discrete actions
        only), with the policy's own log-prob of it.
        """
        rows = head_inputs.shape[0]
        latent_pi = self._actor_latent(head_inputs)
        if self._discrete:
            # Direct log-softmax + Gumbel-max sampling: torch.distributions objects cost more
            # than the whole rest of a rollout step for small networks.
            log_probs = self._action_log_probs(latent_pi)
            if deterministic:
                actions = log_probs.argmax(-1)
            else:
                noise = th.empty_like(log_probs).exponential_().log()
                actions = (log_probs - noise).argmax(-1)
            if explore is not None:
                uniform = th.randint_like(actions[:rows], log_probs.shape[-1])
                actions[:rows] = th.where(explore, uniform, actions[:rows])
            log_prob = log_probs.gather(-1, actions.unsqueeze(-1)).squeeze(-1)
            return actions[:rows], log_prob[:rows]
        if explore is not None:
            raise ValueError("exploring with uniformly random actions needs discrete actions")
        distribution = self._get_action_dist_from_latent(latent_pi)
        actions = distribution.get_actions(deterministic=deterministic)
        return actions[:rows], distribution.log_prob(actions)[:rows]

    def _log_prob_entropy(
        self, latent_pi: th.Tensor, actions: th.Tensor
    ) -> tuple[th.Tensor, th.Tensor | None, th.Tensor | None]:
        """Log-probs of ``actions`` ``[R, ...]``, entropies and mean log-probs over all actions
        ``[R]`` from the actor's latent (:meth:`_actor_latent`; None where the distribution
        has no such value)."""
        rows = actions.shape[0]
        if self._discrete:
            log_probs = self._action_log_probs(latent_pi)[:rows]
            log_prob = log_probs.gather(-1, actions.long().unsqueeze(-1)).squeeze(-1)
            return log_prob, -(log_probs.exp() * log_probs).sum(-1), log_probs.mean(-1)
        distribution = self._get_action_dist_from_latent(latent_pi)
        # Flat actions, as SB3's distributions take them (a Box of any shape is a vector).
        log_prob = distribution.log_prob(_pad_rows(actions.reshape(rows, -1), 0))[:rows]
        entropy = distribution.entropy()
        mean_log_prob = mean_action_log_prob(distribution)
        return (
            log_prob,
            entropy[:rows] if entropy is not None else None,
            mean_log_prob[:rows] if mean_log_prob is not None else None,
        )

    def _actor_distribution(self, head_inputs: th.Tensor) -> Distribution:
        """The action distribution for actor head inputs ``[R, D]``."""
        rows = head_inputs.shape[0]
        latent_pi = self._actor_latent(head_inputs)
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
        obs: Observations,
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
        return self._evaluate(obs, actions, states, episode_starts, valid)[:3]

    def evaluate_batch(self, batch: SequenceBatch) -> BatchEvaluation:
        """Values, log-probs, entropies, mean log-probs over all actions and the actor's own
        value estimates of a training minibatch's valid steps, flat and in the order of
        ``batch.targets`` (the PPO update's forward pass).

        Sequences with a prefix (their episode's steps in earlier rollouts) start from their
        stored state as always, but its gradient flows on through the prefix: see
        :meth:`states_through_prefixes`.
        """
        states = self.states_through_prefixes(batch.states, batch.prefixes)
        return self._evaluate(
            batch.observations,
            batch.actions,
            states,
            batch.episode_starts,
            batch.valid,
            batch.time_discount,
        )

    def _evaluate(
        self,
        obs: Observations,
        actions: th.Tensor,
        states: RNNStates,
        episode_starts: th.Tensor,
        valid: th.Tensor | None,
        time_discount: th.Tensor | None = None,
    ) -> BatchEvaluation:
        """:meth:`evaluate_sequences` with the mean log-probs over all actions and the actor's
        own value estimates as well (``time_discount``: per valid step, see
        ``time_aware_critic``)."""
        t, n_seq = episode_starts.shape
        in_pi, in_vf, _ = self._forward_path(obs, states, episode_starts[0], steps=valid)
        actions = actions.reshape(t * n_seq, *actions.shape[2:])
        if valid is not None:
            actions = actions.index_select(0, valid)
        shape = (len(valid),) if valid is not None else (t, n_seq)
        latent_pi = self._actor_latent(in_pi)
        log_prob, entropy, mean_log_prob = self._log_prob_entropy(latent_pi, actions)
        regularised = entropy is not None or mean_log_prob is not None
        if regularised and not self.entropy_trains_core and th.is_grad_enabled():
            # the same regularisers, their gradient stopped at the core's output
            detached = self._actor_latent(self._core_detached(in_pi))
            _, entropy, mean_log_prob = self._log_prob_entropy(detached, actions)
        values = self._critic_head(in_vf, time_discount).reshape(shape)
        actor_values = None
        if self.actor_value_net is not None:
            actor_values = self._actor_values(latent_pi, len(actions), time_discount)
            actor_values = actor_values.reshape(shape)
        return BatchEvaluation(
            values,
            log_prob.reshape(shape),
            entropy.reshape(shape) if entropy is not None else None,
            mean_log_prob.reshape(shape) if mean_log_prob is not None else None,
            actor_values,
        )

    def states_through_prefixes(self, states: RNNStates, prefixes: tuple[Prefix, ...]) -> RNNStates:
        """``states`` with the columns that ``prefixes`` lead to replaced by
        ``stored + (reached - reached.detach())``, where ``reached`` is the state the cores reach
        now over the prefix: the value is the stored state exactly (the rollout's, so the PPO
        ratio stays exact), the gradient is the one through the episode's earlier steps, as if
        no rollout boundary cut it."""
        if not prefixes:
            return states
        deltas = RNNStates(
            tuple(th.zeros_like(s) for s in states.pi), tuple(th.zeros_like(s) for s in states.vf)
        )
        no_heads = th.zeros(0, dtype=th.long, device=self.device)
        for prefix in prefixes:
            _, _, reached = self._forward_path(
                prefix.observations, prefix.states, prefix.episode_starts, steps=no_heads
            )
            for delta, state in zip(deltas.pi + deltas.vf, reached.pi + reached.vf, strict=True):
                delta.index_copy_(1, prefix.columns, state - state.detach())
        return RNNStates(
            tuple(s + d for s, d in zip(states.pi, deltas.pi, strict=True)),
            tuple(s + d for s, d in zip(states.vf, deltas.vf, strict=True)),
        )

    # --- step API (flat batch of n_envs, one time step), same signatures as sb3-contrib ----

    def forward(
        self,
        obs: Observations,
        lstm_states: RNNStates,
        episode_starts: th.Tensor,
        deterministic: bool = False,
        explore: th.Tensor | None = None,
        time_discount: th.Tensor | None = None,
    ) -> tuple[th.Tensor, th.Tensor, th.Tensor, RNNStates]:
        """One step for a batch of envs: actions, values, log-probs, new states. Envs where the
        bool mask ``explore`` is set act uniformly at random (discrete actions);
        ``time_discount`` ``[n_envs]`` is the critic's time input (``time_aware_critic``)."""
        in_pi, in_vf, states = self._forward_path(_one_step(obs), lstm_states, episode_starts)
        actions, log_prob = self._sample(in_pi, deterministic, explore)
        values = self._critic_head(in_vf, time_discount)
        return actions.reshape((-1, *self.action_space.shape)), values, log_prob, states

    def get_distribution(
        self, obs: Observations, lstm_states: State, episode_starts: th.Tensor
    ) -> tuple[Distribution, State]:
        """Actor distribution for one step of a batch of envs, and the actor core's new state."""
        in_pi, _, states = self._forward_path(
            _one_step(obs), RNNStates(lstm_states, None), episode_starts
        )
        return self._actor_distribution(in_pi), states.pi

    def predict_values(
        self,
        obs: Observations,
        lstm_states: State,
        episode_starts: th.Tensor,
        time_discount: th.Tensor | None = None,
    ) -> th.Tensor:
        """Values for one step of a batch of envs, given the critic core's state (and the
        critic's time input ``[n_envs]`` with ``time_aware_critic``)."""
        _, in_vf, _ = self._forward_path(
            _one_step(obs), RNNStates(None, lstm_states), episode_starts
        )
        return self._critic_head(in_vf, time_discount)

    def evaluate_actions(
        self,
        obs: Observations,
        actions: th.Tensor,
        lstm_states: RNNStates,
        episode_starts: th.Tensor,
    ) -> tuple[th.Tensor, th.Tensor, th.Tensor]:
        """sb3-contrib layout: ``obs`` is ``(n_seq * max_len, ...)``, sequence-major."""
        n_seq = lstm_states.pi[0].shape[1]
        starts = episode_starts.reshape(n_seq, -1).T
        t = starts.shape[0]
        obs_seq = map_observations(lambda x: x.reshape(n_seq, t, *x.shape[1:]).transpose(0, 1), obs)
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
        (n_envs,) = leading_shape(obs, 1)
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
            in_pi, _, new_states = self._forward_path(
                _one_step(obs), RNNStates(states, None), starts
            )
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


class RecurrentActorCriticCnnPolicy(RecurrentActorCriticPolicy):
    """:class:`RecurrentActorCriticPolicy` for image observations: SB3's ``NatureCNN`` features
    by default (aliases ``"CnnLstmPolicy"``, ``"CnnPolicy"``)."""

    default_features_extractor = NatureCNN


class RecurrentMultiInputActorCriticPolicy(RecurrentActorCriticPolicy):
    """:class:`RecurrentActorCriticPolicy` for Dict observations: SB3's ``CombinedExtractor``
    features by default (aliases ``"MultiInputLstmPolicy"``, ``"MultiInputPolicy"``)."""

    default_features_extractor = CombinedExtractor
