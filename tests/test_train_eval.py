"""Greedy evaluation passes the recurrent state and episode starts like RecurrentPPO.predict."""

from __future__ import annotations

import numpy as np

from recurrent_agents.run.evaluation import evaluate, record_frames


class CueMemoryModel:
    """Oracle for the passive T-maze whose memory lives in `state`, like a recurrent policy."""

    def predict(self, obs, state=None, episode_start=None, deterministic=False):
        assert deterministic, "evaluation must be greedy"
        cue = np.zeros(len(obs)) if state is None else state.copy()
        cue[episode_start] = obs[episode_start, 0]  # the cue is visible only at t=0
        at_junction = obs[:, 1] > 0.5
        action = np.where(at_junction, np.where(cue > 0, 1, 3), 0)  # right, then up/down
        return action, cue


def test_memory_in_state_solves_the_task_with_exact_episode_count():
    out = evaluate(CueMemoryModel(), "TMaze", {"memory_length": 4}, n_episodes=13, seed=0)
    assert out["episodes"] == 13
    assert out["success_rate"] == 1.0 and out["mean_return"] == 1.0


def test_forgetting_the_state_is_at_chance():
    class Forgetful(CueMemoryModel):
        def predict(self, obs, state=None, episode_start=None, deterministic=False):
            return super().predict(obs, None, np.zeros(len(obs), bool), deterministic)

    out = evaluate(Forgetful(), "TMaze", {"memory_length": 4}, n_episodes=64, seed=0)
    assert out["episodes"] == 64 and 0.2 < out["success_rate"] < 0.8


def test_video_frames_are_even_sized_rgb():
    frames = record_frames(CueMemoryModel(), "TMaze", {"memory_length": 3}, 2, seed=0)
    assert frames.dtype == np.uint8 and frames.ndim == 4 and frames.shape[-1] == 3
    assert frames.shape[1] % 2 == 0 and frames.shape[2] % 2 == 0
    assert len(frames) == 2 * (3 + 2 + 3)  # per episode: reset + L+1 steps + 3 held frames


def test_prev_action_reward_reaches_evaluation_and_video():
    class WithPrev(CueMemoryModel):
        def predict(self, obs, state=None, episode_start=None, deterministic=False):
            assert obs.shape[1] == 3 + 4 + 1  # obs, one-hot previous action, previous reward
            assert (obs[episode_start, 3:] == 0).all()
            return super().predict(obs, state, episode_start, deterministic)

    kwargs = {"memory_length": 3}
    out = evaluate(WithPrev(), "TMaze", kwargs, n_episodes=6, seed=0, prev_action_reward=True)
    assert out["episodes"] == 6 and out["success_rate"] == 1.0
    frames = record_frames(WithPrev(), "TMaze", kwargs, 1, seed=0, prev_action_reward=True)
    assert len(frames) == 3 + 2 + 3


class ShortMemoryModel(CueMemoryModel):
    """The oracle, but its memory fades after `span` steps (it then guesses "up")."""

    span = 8

    def predict(self, obs, state=None, episode_start=None, deterministic=False):
        cue, age = (np.zeros(len(obs)), np.zeros(len(obs))) if state is None else state
        age = np.where(episode_start, 0, age + 1)
        action, cue = super().predict(obs, cue, episode_start, deterministic)
        return np.where((age > self.span) & (obs[:, 1] > 0.5), 1, action), (cue, age)


def test_longer_evaluation_measures_the_trained_model_at_a_multiple_of_its_length():
    from recurrent_agents.run.config import build_config
    from recurrent_agents.run.training import evaluate_run

    cfg = build_config(["--memory_length=4", "--eval_episodes=64", "--eval_length_factor=3"])
    fields = evaluate_run(cfg, ShortMemoryModel())
    assert fields["eval_success_rate"] == 1.0 and fields["long_eval_memory_length"] == 12
    assert 0.2 < fields["long_eval_success_rate"] < 0.8  # the memory does not hold 12 steps
    assert 0.0 < fields["long_eval_mean_return"] < 0.8
    cfg = build_config(["--memory_length=4", "--eval_episodes=8"])
    assert "long_eval_memory_length" not in evaluate_run(cfg, ShortMemoryModel())


class SamplingModel(CueMemoryModel):
    """The oracle when greedy; with sampled actions it turns at random (torch's generator, as
    a policy's distribution samples)."""

    def predict(self, obs, state=None, episode_start=None, deterministic=False):
        import torch as th

        action, cue = super().predict(obs, state, episode_start, deterministic=True)
        if not deterministic:
            turn = np.where(th.rand(len(obs)).numpy() < 0.5, 1, 3)
            action = np.where(obs[:, 1] > 0.5, turn, action)
        return action, cue


def test_sampled_evaluation_plays_the_policys_samples_reproducibly():
    import torch as th

    from recurrent_agents.run.config import build_config
    from recurrent_agents.run.records import RunResult
    from recurrent_agents.run.training import evaluate_run, format_result

    cfg = build_config(["--memory_length=4", "--eval_episodes=64", "--eval_sampled=true"])
    th.manual_seed(123)
    before = th.random.get_rng_state()
    fields = evaluate_run(cfg, SamplingModel())
    assert fields["eval_success_rate"] == 1.0
    assert 0.2 < fields["sampled_eval_success_rate"] < 0.8  # random turns: chance
    # Seeded for the evaluation alone: the same episodes again, the caller's stream untouched.
    assert th.equal(th.random.get_rng_state(), before)
    assert evaluate_run(cfg, SamplingModel()) == fields
    line = format_result(
        RunResult(
            core="lstm",
            task="TMaze",
            memory_length=4,
            seed=0,
            env_steps=1,
            env_steps_per_sec=1.0,
            train_seconds=1.0,
            **fields,
        )
    )
    assert f"(sampled actions: {fields['sampled_eval_success_rate']:.1%})" in line
    cfg = build_config(["--memory_length=4", "--eval_episodes=8"])
    assert "sampled_eval_success_rate" not in evaluate_run(cfg, SamplingModel())
