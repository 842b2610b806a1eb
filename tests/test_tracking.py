"""init_wandb: mode selection without network, and fallback when wandb.init fails."""

from __future__ import annotations

import pytest
import wandb

from recurrent_agents.run import tracking


@pytest.fixture
def no_key(monkeypatch, tmp_path):
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    monkeypatch.delenv("WANDB_MODE", raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "netrc"))
    monkeypatch.setattr(tracking, "api_key_configured", lambda: False)


def test_mode_resolution(no_key, monkeypatch):
    assert tracking.resolve_mode(None) == "offline"
    assert tracking.resolve_mode("disabled") == "disabled"
    monkeypatch.setattr(tracking, "api_key_configured", lambda: True)
    assert tracking.resolve_mode(None) == "online"
    monkeypatch.setenv("WANDB_MODE", "offline")
    assert tracking.resolve_mode(None) == "offline"
    with pytest.raises(ValueError, match="wandb_mode must be one of online, offline, disabled"):
        tracking.resolve_mode("cloud")


def test_api_key_from_env_is_detected(monkeypatch):
    monkeypatch.setenv("WANDB_API_KEY", "x" * 40)
    assert tracking.api_key_configured()


def test_offline_run_prints_dir_and_sync_command(no_key, tmp_path, capsys):
    run = tracking.init_wandb(
        project="p", group="g", job_type="test", config={"a": 1}, dir=tmp_path
    )
    run_dir = tracking.run_directory(run)
    run.finish()
    err = capsys.readouterr().err
    assert run.settings.mode == "offline" and run_dir.startswith(str(tmp_path))
    assert f"wandb sync {run_dir}" in err


def test_failed_init_falls_back_and_says_so_once(no_key, tmp_path, monkeypatch, capsys):
    real_init = wandb.init
    modes = []

    def flaky_init(*args, mode=None, **kwargs):
        modes.append(mode)
        if mode != "disabled":
            raise RuntimeError("server unreachable\nsecond line")
        return real_init(*args, mode=mode, **kwargs)

    monkeypatch.setattr(wandb, "init", flaky_init)
    monkeypatch.setattr(tracking, "api_key_configured", lambda: True)
    run = tracking.init_wandb(
        project="p", group=None, job_type="test", config={}, mode="online", dir=tmp_path
    )
    run.log({"x": 1})  # a disabled run accepts calls
    run.finish()
    assert modes == ["online", "offline", "disabled"]
    lines = [line for line in capsys.readouterr().err.splitlines() if "init failed" in line]
    assert len(lines) == 1 and "continuing disabled" in lines[0] and "second line" in lines[0]


def test_online_without_key_goes_offline_without_prompting(no_key, tmp_path, capsys):
    run = tracking.init_wandb(
        project="p", group=None, job_type="test", config={}, mode="online", dir=tmp_path
    )
    run.finish()
    assert run.settings.mode == "offline"
    assert "no API key is configured" in capsys.readouterr().err


def test_key_detection_does_not_start_the_wandb_service(monkeypatch, tmp_path):
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    monkeypatch.delenv("WANDB_SERVICE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("WANDB_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.delenv("NETRC", raising=False)
    assert tracking.api_key_configured() is False
    (tmp_path / ".netrc").write_text(
        f"machine {tracking._local_settings().base_url.split('//')[1]}"
        f" login user password {'k' * 40}\n"
    )
    (tmp_path / ".netrc").chmod(0o600)
    assert tracking.api_key_configured() is True
    import os

    assert "WANDB_SERVICE" not in os.environ
