"""Evaluation of a trained recurrent policy on fresh episodes (greedy, or with sampled actions),
and an evaluation video.

Both build the env the model was trained on: the task's env with its observations adapted for
SB3 (``envs.adapt``; ``keep_images`` as in training).
"""

from __future__ import annotations

from typing import Any

import numpy as np

# Episodes for evaluation are seeded far from the training envs' seeds.
EVAL_SEED_OFFSET = 1_000_003


def evaluate(
    model: Any,
    task: str,
    env_kwargs: dict[str, Any],
    n_episodes: int,
    seed: int,
    n_envs: int = 8,
    prev_action_reward: bool | str = False,
    keep_images: bool = False,
    deterministic: bool = True,
) -> dict[str, float | None]:
    """Run `n_episodes` greedy (deterministic) episodes with `model.predict`, or with actions
    sampled from the policy (``deterministic=False``, the policy as it acted in training).

    Each of the `min(n_envs, n_episodes)` envs runs a fixed quota of episodes, so episodes that
    end sooner are not over-represented. A model trained with `prev_action_reward` must be
    evaluated with it (its observations hold the previous action and reward); likewise
    ``keep_images`` (``envs.sb3.make_sb3_vec_env``) must be the training env's.

    Returns:
        {"success_rate", "mean_return", "mean_length", "episodes"}; the success rate is over the
        episodes' final ``info["is_success"]`` (missing counts as failed), None when no episode
        reported one (an env without a notion of success: judge it by the mean return).
    """
    from envs.sb3 import make_sb3_vec_env

    if n_episodes < 1:
        raise ValueError(f"n_episodes must be a positive int, got {n_episodes}")
    n = min(n_envs, n_episodes)
    quota = np.full(n, n_episodes // n)
    quota[: n_episodes % n] += 1
    env = make_sb3_vec_env(
        task,
        n_envs=n,
        seed=seed + EVAL_SEED_OFFSET,
        monitor=False,
        prev_action_reward=prev_action_reward,
        keep_images=keep_images,
        **env_kwargs,
    )
    try:
        if deterministic:
            successes, ep_returns, ep_lengths = play_episodes(model, env, quota)
        else:
            import torch as th

            # Sampled actions draw from torch's generator: seed it for these episodes alone, so
            # the evaluation repeats and the caller's random stream is left as it was.
            with th.random.fork_rng():
                th.manual_seed(seed + EVAL_SEED_OFFSET)
                successes, ep_returns, ep_lengths = play_episodes(model, env, quota, False)
    finally:
        env.close()
    reported = any(success is not None for success in successes)
    return {
        "success_rate": float(np.mean([bool(s) for s in successes])) if reported else None,
        "mean_return": float(np.mean(ep_returns)),
        "mean_length": float(np.mean(ep_lengths)),
        "episodes": len(successes),
    }


def play_episodes(
    model: Any, env: Any, quota: np.ndarray, deterministic: bool = True
) -> tuple[list[bool | None], list[float], list[int]]:
    """Step ``env`` (an SB3 VecEnv) greedily (or sampling, ``deterministic=False``) until env
    ``i`` has ended ``quota[i]`` episodes; each episode's final ``is_success`` (None if not
    reported), return and length."""
    n = env.num_envs
    obs, state, episode_start = env.reset(), None, np.ones(n, dtype=bool)
    returns, lengths = np.zeros(n), np.zeros(n, dtype=int)
    done_count = np.zeros(n, dtype=int)
    successes, ep_returns, ep_lengths = [], [], []
    while (done_count < quota).any():
        action, state = model.predict(
            obs, state=state, episode_start=episode_start, deterministic=deterministic
        )
        obs, rewards, dones, infos = env.step(action)
        returns += rewards
        lengths += 1
        for i in np.flatnonzero(dones):
            if done_count[i] < quota[i]:
                successes.append(infos[i].get("is_success"))
                ep_returns.append(float(returns[i]))
                ep_lengths.append(int(lengths[i]))
                done_count[i] += 1
            returns[i], lengths[i] = 0.0, 0
        episode_start = dones
    return successes, ep_returns, ep_lengths


def _upscale(frame: np.ndarray, min_height: int = 96) -> np.ndarray:
    """Nearest-neighbour upscale so tiny grid renders are visible in a video player."""
    factor = max(1, int(np.ceil(min_height / max(frame.shape[0], 1))))
    return np.repeat(np.repeat(frame, factor, axis=0), factor, axis=1)


def record_frames(
    model: Any,
    task: str,
    env_kwargs: dict[str, Any],
    n_episodes: int,
    seed: int,
    max_frames: int = 300,
    prev_action_reward: bool | str = False,
    keep_images: bool = False,
) -> np.ndarray:
    """Greedy episodes rendered as rgb_array frames, shape (T, H, W, 3) uint8.

    Long episodes are subsampled evenly to at most `max_frames` frames (first and last kept).
    `prev_action_reward` and `keep_images` as in `evaluate` (the model's observations).
    Raises ValueError for a task whose env renders no rgb_array frames.
    """
    env = _rendering_env(task, env_kwargs, prev_action_reward, keep_images)
    frames = []
    try:
        for episode in range(n_episodes):
            obs, _ = env.reset(seed=seed + EVAL_SEED_OFFSET + episode)
            state, start, done = None, np.ones(1, dtype=bool), False
            frames.append(env.render())
            while not done:
                batch = {k: v[None] for k, v in obs.items()} if isinstance(obs, dict) else obs[None]
                action, state = model.predict(
                    batch, state=state, episode_start=start, deterministic=True
                )
                obs, _, terminated, truncated, _ = env.step(action[0])
                start = np.zeros(1, dtype=bool)
                done = terminated or truncated
                frames.append(env.render())
            # Hold the last frame so the outcome is visible before the next episode.
            frames.extend([frames[-1]] * 3)
    finally:
        env.close()
    return _video(frames, max_frames)


def _rendering_env(
    task: str, env_kwargs: dict[str, Any], prev_action_reward: bool | str, keep_images: bool
) -> Any:
    """One env of ``task`` rendering rgb_array frames, observing what the model observes; a
    ValueError for a task whose env renders no rgb_array frames."""
    import gymnasium as gym
    from gymnasium.envs.registration import load_env_creator

    from envs import env_id
    from envs.adapt import adapt_observations
    from envs.wrappers import observe_previous

    spec = gym.spec(env_id(task))
    creator = spec.entry_point
    if isinstance(creator, str):
        creator = load_env_creator(creator)
    if "rgb_array" not in getattr(creator, "metadata", {}).get("render_modes", ()):
        raise ValueError(f"task {task} renders no rgb_array frames")
    env = gym.make(spec.id, render_mode="rgb_array", **env_kwargs)
    env = adapt_observations(env, keep_images=keep_images)
    return observe_previous(env, prev_action_reward)


def _video(frames: list[np.ndarray], max_frames: int) -> np.ndarray:
    """``frames`` as one uint8 array (T, H, W, 3): at most ``max_frames`` of them, evenly
    subsampled (first and last kept), upscaled and zero-padded to one even size."""
    if len(frames) > max_frames:
        keep = np.unique(np.linspace(0, len(frames) - 1, max_frames).round().astype(int))
        frames = [frames[i] for i in keep]
    frames = [_upscale(np.asarray(f, dtype=np.uint8)) for f in frames]
    # Even sizes: the H.264 encoder behind wandb.Video's mp4 rejects odd ones.
    height = max(f.shape[0] for f in frames) + 1 & ~1
    width = max(f.shape[1] for f in frames) + 1 & ~1
    padded = np.zeros((len(frames), height, width, 3), dtype=np.uint8)
    for t, f in enumerate(frames):
        padded[t, : f.shape[0], : f.shape[1]] = f[..., :3]
    return padded
