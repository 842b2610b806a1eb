"""ONNX export: the exported step reproduces predict over whole episodes (onnxruntime)."""

from __future__ import annotations

import numpy as np
import pytest

ort = pytest.importorskip("onnxruntime")
pytest.importorskip("onnxscript")

from envs.sb3 import make_sb3_vec_env  # noqa: E402
from recurrent_agents import RecurrentPPO  # noqa: E402
from recurrent_agents.export import export_onnx, state_names  # noqa: E402


def _trained(core: str, critic_core: str, task: str = "TMaze") -> RecurrentPPO:
    env = make_sb3_vec_env(task, n_envs=4, seed=0, memory_length=4)
    policy_kwargs = dict(core=core, hidden_size=16, critic_core=critic_core, normalize_obs=True)
    model = RecurrentPPO(
        "MlpPolicy", env, n_steps=32, batch_size=64, n_epochs=2, policy_kwargs=policy_kwargs, seed=0
    )
    return model.learn(256)  # non-trivial weights and observation statistics


@pytest.mark.parametrize(
    "core,critic_core,n_envs",
    [
        ("lstm", "separate", 1),
        pytest.param("gru", "shared", 1, marks=pytest.mark.slow),
        pytest.param("rnn", "none", 3, marks=pytest.mark.slow),
        pytest.param("lstm", "shared_detached", 5, marks=pytest.mark.slow),
    ],
)
def test_onnx_step_matches_predict_over_whole_episodes(tmp_path, core, critic_core, n_envs):
    model = _trained(core, critic_core)
    path = export_onnx(model, tmp_path / "policy.onnx", n_envs=n_envs)
    session = ort.InferenceSession(str(path))
    names = state_names(model.policy)
    assert [i.name for i in session.get_inputs()] == ["obs", "episode_start", *names]

    env = make_sb3_vec_env("TMaze", n_envs=n_envs, seed=7, memory_length=4)
    obs, start = env.reset(), np.ones(n_envs, dtype=bool)
    state = None
    onnx_state = [np.zeros(i.shape, dtype=np.float32) for i in session.get_inputs()[2:]]
    episodes, steps = 0, 0
    while episodes < 6:
        action, state = model.predict(obs, state=state, episode_start=start, deterministic=True)
        feed = {"obs": obs.astype(np.float32), "episode_start": start.astype(np.float32)}
        outputs = session.run(None, feed | dict(zip(names, onnx_state, strict=True)))
        onnx_action, onnx_value, onnx_state = outputs[0], outputs[1], outputs[2:]
        np.testing.assert_array_equal(onnx_action, action)
        for ours, theirs in zip(onnx_state, state, strict=False):  # actor state comes first
            np.testing.assert_allclose(ours, theirs, atol=1e-5)
        assert onnx_value.shape == (n_envs,)
        obs, _, start, _ = env.step(action)
        episodes += int(start.sum())
        steps += 1
    assert steps > 5


def test_values_match_the_critic(tmp_path):
    import torch as th

    model = _trained("lstm", "separate")
    session = ort.InferenceSession(str(export_onnx(model, tmp_path / "p.onnx", n_envs=4)))
    obs = make_sb3_vec_env("TMaze", n_envs=4, seed=1, memory_length=4).reset()
    zeros = [np.zeros(i.shape, dtype=np.float32) for i in session.get_inputs()[2:]]
    start = np.ones(4, dtype=np.float32)
    names = state_names(model.policy)
    feed = {"obs": obs, "episode_start": start} | dict(zip(names, zeros, strict=True))
    onnx_value = session.run(["value"], feed)
    with th.no_grad():
        value = model.policy.predict_values(
            th.as_tensor(obs), model.policy.initial_state(4).vf, th.as_tensor(start)
        )
    np.testing.assert_allclose(onnx_value[0], value.numpy().reshape(-1), atol=1e-5)


def test_cli_exports_a_saved_model_and_rejects_a_bad_file(tmp_path, capsys):
    from recurrent_agents.export import main

    model = _trained("gru", "separate")
    model.save(tmp_path / "model.zip")
    assert main([str(tmp_path / "model.zip"), str(tmp_path / "out.onnx")]) == 0
    assert (tmp_path / "out.onnx").stat().st_size > 0
    (tmp_path / "bad.zip").write_text("not a zip")
    assert main([str(tmp_path / "bad.zip"), str(tmp_path / "x.onnx")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.zip" in err[0]
    assert not (tmp_path / "x.onnx").exists()
