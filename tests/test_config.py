"""Config parsing: YAML + sweep-style overrides, types, and one-line errors with exit status 2."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from recurrent_agents.run import config as C

ROOT = Path(__file__).resolve().parent.parent


def test_sweep_syntax_space_syntax_and_bare_flags():
    cfg = C.build_config(
        ["--memory_length=20", "--core", "gru", "--resume", "seed=3", "--tags=a,b", "--n_envs", "4"]
    )
    assert (cfg.memory_length, cfg.core, cfg.resume, cfg.seed) == (20, "gru", True, 3)
    assert cfg.tags == ["a", "b"] and cfg.n_envs == 4
    assert cfg.run_dir == str(Path("runs") / "TMaze-gru-L20-s3")
    assert cfg.wandb_group == "TMaze-gru"


def test_yaml_then_cli_precedence(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("core: rnn\nmemory_length: 7\nlearning_rate: 1e-3\ntotal_timesteps: 2e4\n")
    cfg = C.build_config([f"--config={path}", "--memory_length=9"])
    assert cfg.core == "rnn" and cfg.memory_length == 9
    assert cfg.learning_rate == pytest.approx(1e-3) and cfg.total_timesteps == 20000


def test_unset_ppo_options_come_from_defaults_and_none_is_kept_when_explicit():
    defaults = C.ppo_defaults()
    cfg = C.build_config(["--target_kl=None"])
    assert cfg.target_kl is None
    assert cfg.n_steps == defaults["n_steps"] and cfg.learning_rate == defaults["learning_rate"]


def test_every_shipped_config_loads():
    files = sorted((ROOT / "configs").glob("*.yaml"))
    assert files, "configs/*.yaml missing"
    for path in files:
        cfg = C.build_config([f"--config={path}"])
        assert cfg.memory_length >= 1, path


def test_help_lists_every_option_with_default(capsys):
    with pytest.raises(SystemExit) as done:  # argparse's --help
        C.build_config(["--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    for name in C.FIELDS:
        assert f"--{name}=" in text
    assert "[default: TMaze]" in text


BAD_INPUTS = {
    "unknown_key": (["--memroy_length=5"], ["unknown option --memroy_length", "memory_length"]),
    "unknown_core": (["--core=tcn"], ["core must be one of", "lstm", "gru", "'tcn'"]),
    "unknown_task": (["--task=Maze"], ["task must be one of", "TMaze", "'Maze'"]),
    "wrong_type": (["--hidden_size=big"], ["hidden_size must be an int", "'big'"]),
    "missing_config": (["--config=configs/nope.yaml"], ["config file not found", "tmaze_lstm"]),
    "negative_memory_length": (["--memory_length=-3"], ["memory_length must be a positive int"]),
}


@pytest.mark.slow  # a train.py process per case; test_hostile_inputs.py runs them in-process
@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_2_with_one_line(case):
    argv, expected = BAD_INPUTS[case]
    proc = subprocess.run(
        [sys.executable, str(ROOT / "train.py"), *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("train.py: error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    for text in expected:
        assert text in lines[0]


def test_unknown_key_in_yaml_names_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("cores: lstm\n")
    with pytest.raises(C.ConfigError, match=r"unknown key in bad.yaml: cores \(did you mean core"):
        C.build_config([f"--config={path}"])


def _train_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("train_cli", ROOT / "train.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_train_main_help_and_bad_input_status(capsys):
    train = _train_module()
    assert train.main(["--help"]) == 0
    assert "--memory_length=INT" in capsys.readouterr().out
    assert train.main(["--total_timesteps=0"]) == 2
    assert "total_timesteps must be a positive int, got 0" in capsys.readouterr().err


def test_subcommands_dispatch_to_sweep_and_analysis_modules(monkeypatch):
    import types

    train = _train_module()
    calls = []
    for name, module_name in train.SUBCOMMANDS.items():
        fake = types.SimpleNamespace(main=lambda argv, name=name: calls.append((name, argv)) or 3)
        monkeypatch.setitem(sys.modules, module_name, fake)
        assert train.main([name, "--x", "1"]) == 3
    assert calls == [(name, ["--x", "1"]) for name in train.SUBCOMMANDS]


def test_prev_action_reward_parses_and_widens_the_training_env():
    from recurrent_agents.run.training import make_env

    # the default: the reward, and the action only where the env declares it needs it
    assert C.build_config([]).prev_action_reward == "auto"
    cfg = C.build_config(["--prev_action_reward=true", "--n_envs=2", "--memory_length=2"])
    assert cfg.prev_action_reward is True
    env = make_env(cfg, seed=0)
    try:
        assert env.observation_space.shape == (3 + 4 + 1,)  # TMaze obs + one-hot action + reward
        assert env.reset().shape == (2, 8)
    finally:
        env.close()
    cfg = C.build_config(["--prev_action_reward=reward", "--n_envs=2", "--memory_length=2"])
    assert cfg.prev_action_reward == "reward"
    env = make_env(cfg, seed=0)
    try:
        assert env.observation_space.shape == (3 + 1,)  # TMaze obs + reward
    finally:
        env.close()
    cfg = C.build_config(["--n_envs=2", "--memory_length=2"])
    env = make_env(cfg, seed=0)
    try:
        assert env.observation_space.shape == (3 + 1,)  # the T-maze declares nothing
    finally:
        env.close()
    with pytest.raises(
        C.ConfigError, match="must be true, false, 'reward' or 'auto', got 'action'"
    ):
        C.build_config(["--prev_action_reward=action"])


def test_align_rollouts_reads_a_bool_or_auto_and_reaches_the_model():
    from recurrent_agents.run.training import make_env, new_model

    assert C.build_config(["--align_rollouts"]).align_rollouts is True
    assert C.build_config(["--align_rollouts=false"]).align_rollouts is False
    cfg = C.build_config(["--align_rollouts=auto", "--n_envs=2", "--n_steps=16", "--batch_size=8"])
    assert cfg.align_rollouts == "auto"
    for memory_length, n_steps in ((10, 16), (20, 21)):  # T-maze horizon L + 1
        env = make_env(cfg, seed=0, memory_length=memory_length)
        try:
            assert new_model(cfg, env).n_steps == n_steps
        finally:
            env.close()
    with pytest.raises(C.ConfigError, match="align_rollouts must be true, false or 'auto', got"):
        C.build_config(["--align_rollouts=sometimes"])


def test_bootstrap_truncated_reads_a_bool_or_auto_and_reaches_the_model():
    from recurrent_agents.run.training import make_env, new_model

    assert C.build_config(["--bootstrap_truncated=true"]).bootstrap_truncated is True
    assert C.build_config([]).bootstrap_truncated == "auto"
    assert C.build_config(["--bootstrap_truncated=false"]).bootstrap_truncated is False
    cfg = C.build_config(
        ["--bootstrap_truncated=auto", "--n_envs=2", "--n_steps=16", "--batch_size=8"]
    )
    env = make_env(cfg, seed=0, memory_length=10)
    try:
        assert new_model(cfg, env).bootstrap_truncated == "auto"
    finally:
        env.close()
    with pytest.raises(C.ConfigError, match="bootstrap_truncated must be true, false or 'auto'"):
        C.build_config(["--bootstrap_truncated=sometimes"])


def test_every_command_line_form_of_an_option():
    cfg = C.build_config(
        [
            "--memory-length",  # dashes as well as underscores
            "12",
            "--prev-action-reward",  # a bare boolean flag
            "--progress",
            "false",
            "--shared_core",  # a bare flag of an optional boolean
            "--forget_bias=None",
            "--total_timesteps=1e5",  # an integral float for an int
            "--curriculum=[3, 6]",  # a list as W&B passes it
            "--tags=",
            "core=gru",  # wandb's ${args_no_hyphens}
        ]
    )
    assert (cfg.memory_length, cfg.prev_action_reward, cfg.progress) == (12, True, False)
    assert cfg.shared_core is True and cfg.forget_bias is None
    assert cfg.total_timesteps == 100_000 and cfg.curriculum == [3, 6] and cfg.tags == []
    assert cfg.core == "gru"


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--memory-lenght", "5"], "unknown option --memory_lenght (did you mean memory_length?)"),
        (["--total_timesteps=2.5"], "total_timesteps must be an int, got '2.5'"),
        (["--resume=maybe"], "resume must be a bool (true or false), got 'maybe'"),
        (["--curriculum=3,x"], "curriculum must be an int, got 'x'"),
        (["--core"], "core expected one argument"),
        (["gru"], "unexpected argument 'gru'; options look like --key=value"),
    ],
)
def test_command_line_errors_name_the_option(argv, message):
    with pytest.raises(C.ConfigError) as error:
        C.build_config(argv)
    assert str(error.value).startswith(message) and "\n" not in str(error.value)


def test_yaml_values_are_checked_and_shown_as_defaults_in_help(tmp_path, capsys):
    path = tmp_path / "c.yaml"
    path.write_text("hidden_size: big\n")
    with pytest.raises(C.ConfigError, match=r"^hidden_size must be an int, got 'big'$"):
        C.build_config([f"--config={path}"])
    path.write_text("core: gru\n")
    with pytest.raises(SystemExit) as done:
        C.build_config([f"--config={path}", "--help"])
    assert done.value.code == 0
    help_lines = capsys.readouterr().out.splitlines()
    assert next(line for line in help_lines if "--core=" in line).endswith("[default: gru]")


def test_env_kwargs_are_the_task_options_its_env_accepts():
    kwargs = C.build_config(["--variant=active"]).env_kwargs()
    assert kwargs == {"memory_length": 10, "variant": "active"}
    assert C.build_config(["--task=BakkerTMaze"]).env_kwargs() == {"memory_length": 10}
    cfg = C.build_config(["--task=memory/DelayedCue-v0", "--num_cues=3"])
    assert cfg.env_kwargs() == {"memory_length": 10, "num_cues": 3, "distractors": False}


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--num_cues=3"], "task TMaze takes no num_cues; its options: memory_length, variant"),
        (["--task=BakkerTMaze", "--variant=active"], "task BakkerTMaze takes no variant;"),
        (["--task=DelayedCue", "--variant=active"], "task DelayedCue takes no variant;"),
    ],
)
def test_a_task_option_its_env_does_not_take_is_an_error(argv, message):
    with pytest.raises(C.ConfigError, match=message):
        C.build_config(argv)


POPGYM_TASK = "popgym:popgym-RepeatPreviousEasy-v0"


def test_a_foreign_task_takes_its_own_options_and_has_no_memory_length():
    cfg = C.build_config([f"--task={POPGYM_TASK}", '--env_options={"k": 3}'])
    assert (cfg.memory_length, cfg.variant, cfg.num_cues, cfg.distractors) == (None,) * 4
    assert cfg.env_kwargs() == {"k": 3}
    # ':' and '/' stay out of the run directory and the W&B group
    assert cfg.run_dir == os.path.join("runs", "popgym-RepeatPreviousEasy-v0-lstm-s0")
    assert cfg.wandb_group == "popgym-RepeatPreviousEasy-v0-lstm"


def test_a_bare_id_works_once_its_package_is_imported():
    import popgym  # noqa: F401 - registers the popgym ids

    cfg = C.build_config(["--task=popgym-RepeatPreviousEasy-v0"])
    assert cfg.memory_length is None and cfg.env_kwargs() == {}


def test_a_users_own_package_with_a_memory_length(user_task):
    cfg = C.build_config([f"--task={user_task}"])
    assert cfg.memory_length == 3 and cfg.env_kwargs() == {"memory_length": 3}  # its default
    cfg = C.build_config([f"--task={user_task}", "--memory_length=7"])
    assert cfg.env_kwargs() == {"memory_length": 7}
    assert cfg.run_dir == os.path.join("runs", "Recall-v0-lstm-L7-s0")


@pytest.mark.parametrize(
    "argv,message",
    [
        (
            [f"--task={POPGYM_TASK}", "--memory_length=5"],
            f"task {POPGYM_TASK} takes no memory_length; its options: num_decks, k "
            "(via --env_options)",
        ),
        (["--task=minigrid:MiniGrid-MemoryS7-v0", "--variant=active"], "takes no variant"),
        (
            [f"--task={POPGYM_TASK}", "--curriculum=3"],
            "curriculum needs a task whose env takes memory_length",
        ),
        (
            [f"--task={POPGYM_TASK}", "--eval_length_factor=10"],
            f"eval_length_factor=10 needs a task whose env takes memory_length; task "
            f"{POPGYM_TASK} takes none",
        ),
        (["--eval_length_factor=-1"], "eval_length_factor must be an int >= 0, got -1"),
        (
            ["--memory_length=200000", "--eval_length_factor=10"],
            "eval_length_factor * memory_length must be at most 1,000,000, got 10 * 200,000",
        ),
        (["--task=no_such_module:X-v0"], "task 'no_such_module:X-v0': cannot import module"),
        (["--task=popgym:popgym-Nope-v0"], "or a registered Gymnasium id"),
        (['--env_options={"memory_length": 4}'], "env_options must not hold memory_length"),
        (["--env_options=k=3"], "env_options must be a JSON object, got 'k=3'"),
    ],
)
def test_foreign_task_errors_are_one_line(argv, message):
    with pytest.raises(C.ConfigError, match=re.escape(message)) as error:
        C.build_config(argv)
    assert "\n" not in str(error.value)


def test_core_init_and_entropy_options_reach_the_policy() -> None:
    from envs.sb3 import make_sb3_vec_env
    from recurrent_agents import RecurrentPPO
    from recurrent_agents.run.config import ConfigError, build_config

    cfg = build_config(["--core_init=pytorch", "--entropy_trains_core=true"])
    kwargs = cfg.policy_kwargs()
    assert kwargs["core_kwargs"] == {"init": "pytorch"} and kwargs["entropy_trains_core"] is True
    assert "core_kwargs" not in build_config([]).policy_kwargs()
    with pytest.raises(ConfigError, match="core_init must be one of elman, pytorch, got 'xavier'"):
        build_config(["--core_init=xavier"])
    # one sweep command for every core: the RNN, which has no gates, drops the option
    env = make_sb3_vec_env("TMaze", 2, seed=0, memory_length=3)
    for core in ("rnn", "gru"):
        model = RecurrentPPO(
            "MlpPolicy", env, n_steps=8, batch_size=16, policy_kwargs=dict(kwargs, core=core)
        )
        assert model.policy.entropy_trains_core is True
    gru = RecurrentPPO("MlpPolicy", env, n_steps=8, batch_size=16, policy_kwargs={"core": "gru"})
    assert gru.policy.entropy_trains_core is False
    bias = gru.policy.core_actor.rnn.bias_ih_l0.detach().split(64)
    # the default elman init: update gate shut, but on the three quarters of the GRU's units
    # with chrono init
    assert float(bias[1][48:].mean()) == -3.0 and float(bias[1][:48].min()) >= 0


@pytest.mark.parametrize(
    "argv,critic_core,value_loss_trains_actor_core",
    [
        ([], "separate", False),
        (["--shared_core"], "shared", True),
        (["--critic_core=shared"], "shared", True),
        (["--critic_core=shared_detached"], "shared_detached", False),
    ],
)
def test_critic_core_reaches_the_policy(argv, critic_core, value_loss_trains_actor_core) -> None:
    import torch as th

    from envs.sb3 import make_sb3_vec_env
    from recurrent_agents import RecurrentPPO

    cfg = C.build_config(argv)
    env = make_sb3_vec_env("TMaze", 2, seed=0, memory_length=3)
    model = RecurrentPPO(
        "MlpPolicy", env, n_steps=8, batch_size=16, policy_kwargs=cfg.policy_kwargs()
    )
    assert model.policy.critic_core == critic_core
    # the value loss reaches the actor's core exactly when the critic reads it with gradient
    obs = th.rand(4, 2, *env.observation_space.shape)
    values, _, _ = model.policy.evaluate_sequences(
        obs, th.zeros(4, 2), model.policy.initial_state(2), th.ones(4, 2)
    )
    model.policy.zero_grad()
    values.sum().backward()
    grads = [p.grad for p in model.policy.core_actor.parameters()]
    reached = any(g is not None and bool(g.abs().sum() > 0) for g in grads)
    assert reached is value_loss_trains_actor_core


def test_critic_core_errors_are_one_line(tmp_path, capsys) -> None:
    with pytest.raises(C.ConfigError, match="^critic_core must be one of 'separate', 'shared'"):
        C.build_config(["--critic_core=both"])
    # both spellings at once: the policy's error, before anything is written
    run_dir = tmp_path / "run"
    argv = ["--shared_core", "--critic_core=separate", f"--run_dir={run_dir}"]
    assert _train_module().main([*argv, "--wandb_mode=disabled"]) == 2
    err = capsys.readouterr().err.strip()
    assert "critic_core and shared_core set the same option" in err and "\n" not in err
    assert not run_dir.exists()


def test_runs_stop_once_solved_by_default_and_can_train_the_whole_budget():
    assert C.build_config([]).stop_at_success == 0.95
    assert C.build_config(["--stop_at_success=None"]).stop_at_success is None
