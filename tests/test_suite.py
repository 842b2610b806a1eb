"""The memory benchmark suite: bsuite's memory_len and memory_size adapters, the suite's own
envs, the runner."""

from __future__ import annotations

import csv
import json
import shlex

import dm_env
import gymnasium as gym
import numpy as np
import pytest
from dm_env import specs

pytest.importorskip("bsuite")

from bench.suite import run_suite, suite_envs  # noqa: E402
from envs import accepted_kwargs  # noqa: E402
from envs.bsuite import (  # noqa: E402
    ENV_ID,
    MEMORY_LENGTHS,
    NUM_BITS,
    NUM_EPISODES,
    SIZE_ENV_ID,
    DmEnvAdapter,
    bsuite_score,
    learning_curve,
    read_episode_log,
)
from recurrent_agents.run.records import FINISHED, RunResult  # noqa: E402


def _episode(env: gym.Env, actions) -> list[tuple]:
    """Steps of one episode taking ``actions(t)``: (obs, reward, terminated, truncated, info)."""
    env.reset(seed=0)
    steps, t = [], 0
    while not steps or not (steps[-1][2] or steps[-1][3]):
        steps.append(env.step(actions(t)))
        t += 1
    return steps


@pytest.mark.parametrize("memory_length", [1, 5, 30])
def test_memory_len_episode_lasts_its_horizon_and_terminates(memory_length: int) -> None:
    env = gym.make(ENV_ID, memory_length=memory_length)
    assert env.observation_space == gym.spaces.Box(-np.inf, np.inf, (1, 3), np.float32)
    assert env.action_space == gym.spaces.Discrete(2)
    assert env.unwrapped.episode_horizon == memory_length + 1
    steps = _episode(env, lambda t: 0)
    assert len(steps) == memory_length + 1
    *middle, last = steps
    assert all(not s[2] and not s[3] and "is_success" not in s[4] for s in middle)
    assert last[2] and not last[3]  # bsuite's termination (discount 0): a true terminal
    assert last[4]["is_success"] == (last[1] > 0) and last[1] in (-1.0, 1.0)


def test_memory_len_success_is_repeating_the_context() -> None:
    env = gym.make(ENV_ID, memory_length=3)
    for seed in range(6):
        obs, _ = env.reset(seed=seed)
        context = int(obs[0, 2] > 0)  # shown as +1 / -1 on the first step
        for _ in range(3):
            env.step(0)
        _, reward, terminated, _, info = env.step(context)
        assert terminated and reward == 1.0 and info["is_success"]


def test_memory_len_is_registered_with_its_options_and_bsuite_sweep() -> None:
    assert accepted_kwargs(f"envs.bsuite:{ENV_ID}") == ("memory_length", "episode_log")
    assert len(MEMORY_LENGTHS) == 23 and MEMORY_LENGTHS[0] == 1 and MEMORY_LENGTHS[-1] == 100
    assert NUM_EPISODES == 10_000
    with pytest.raises(ValueError, match="memory_length"):
        gym.make(ENV_ID, memory_length=0)


@pytest.mark.parametrize("num_bits", [1, 7, 40])
def test_memory_size_recalls_the_queried_bit_after_bsuites_two_steps(num_bits: int) -> None:
    env = gym.make(SIZE_ENV_ID, num_bits=num_bits)
    assert env.observation_space.shape == (1, num_bits + 2)
    assert env.unwrapped.episode_horizon == 3 and env.unwrapped.num_bits == num_bits
    for seed in range(8):
        first, _ = env.reset(seed=seed)
        bits = first[0, 2:]
        assert set(np.unique(bits)) <= {-1.0, 1.0}  # every bit shown on the first step
        _, reward, *_ = env.step(0)
        query, reward, terminated, *_ = env.step(0)
        assert not terminated and reward == 0.0 and not query[0, 2:].any()  # bits gone
        answer = int(bits[int(query[0, 1])] > 0)  # the index of the bit asked for
        for action, success in ((answer, True), (1 - answer, False)):
            env.reset(seed=seed)
            env.step(0), env.step(0)
            _, reward, terminated, truncated, info = env.step(action)
            assert terminated and not truncated
            assert info["is_success"] is success and reward == (1.0 if success else -1.0)


def test_memory_size_is_registered_with_bsuites_sweep_and_checks_num_bits() -> None:
    assert accepted_kwargs(f"envs.bsuite:{SIZE_ENV_ID}") == ("num_bits", "episode_log")
    assert len(NUM_BITS) == 17 and NUM_BITS[:3] == (1, 2, 3) and NUM_BITS[-1] == 40
    with pytest.raises(ValueError, match="num_bits"):
        gym.make(SIZE_ENV_ID, num_bits=0)


class _TwoStepsThenTruncate(dm_env.Environment):
    """A dm_env whose episodes end after two steps with a truncation (discount 1)."""

    def __init__(self, seed: int | None) -> None:
        self.t = 0

    def reset(self) -> dm_env.TimeStep:
        self.t = 0
        return dm_env.restart(np.zeros(2, np.float32))

    def step(self, action: int) -> dm_env.TimeStep:
        self.t += 1
        obs = np.full(2, self.t, np.float32)
        return dm_env.truncation(1.0, obs) if self.t == 2 else dm_env.transition(0.0, obs)

    def observation_spec(self) -> specs.BoundedArray:
        return specs.BoundedArray((2,), np.float32, minimum=0.0, maximum=2.0)

    def action_spec(self) -> specs.DiscreteArray:
        return specs.DiscreteArray(3)


def test_dm_env_adapter_maps_truncation_and_bounded_specs() -> None:
    env = DmEnvAdapter(_TwoStepsThenTruncate)
    assert env.observation_space == gym.spaces.Box(0.0, 2.0, (2,), np.float32)
    assert env.action_space == gym.spaces.Discrete(3)
    steps = _episode(env, lambda t: 0)
    assert [(s[2], s[3]) for s in steps] == [(False, False), (False, True)]
    assert steps[-1][1] == 1.0


def test_episode_log_and_bsuite_score(tmp_path) -> None:
    log = tmp_path / "episodes.txt"
    env = gym.make(ENV_ID, memory_length=2, episode_log=str(log))
    outcomes = [_episode(env, lambda t: 1)[-1][1] for _ in range(5)]
    assert read_episode_log(log).tolist() == outcomes
    # bsuite: a length is learned when more than 62.5% of its 10k episodes were correct.
    learned = learning_curve(4, [1.0] * 6300 + [-1.0] * 3700 + [-1.0] * 50)
    assert len(learned) == NUM_EPISODES  # only bsuite's episode budget counts
    not_learned = learning_curve(5, [1.0] * 6200 + [-1.0] * 3800)
    assert bsuite_score([learned]) == 1.0
    assert bsuite_score([not_learned]) == 0.0
    assert bsuite_score([learned, not_learned]) == 0.5
    # memory_size is scored by bsuite's same analysis, over its settings of num_bits.
    by_bits = [learning_curve(n, [1.0] * c + [-1.0] * 9000, "num_bits") for n, c in ((5, 9000),)]
    by_bits.append(learning_curve(40, [1.0] * 5000 + [-1.0] * 5000, "num_bits"))
    assert bsuite_score(by_bits, "num_bits") == 0.5
    with pytest.raises(ValueError, match="group_col must be one of memory_length, num_bits"):
        learning_curve(5, [1.0], "bits")


@pytest.mark.parametrize("memory_length", [1, 10])
def test_truncated_tmaze_ends_in_a_truncation(memory_length: int) -> None:
    env = gym.make(suite_envs.TRUNCATED_TMAZE_ID, memory_length=memory_length)
    assert env.unwrapped.episode_horizon == memory_length + 1
    for turn_to_cue in (True, False):
        cue = int(env.reset(seed=3)[0][0])
        turn = (1 if cue == 1 else 3) if turn_to_cue else (3 if cue == 1 else 1)
        steps = _episode(env, lambda t, turn=turn: 0 if t < memory_length else turn)
        assert len(steps) == memory_length + 1
        assert not any(s[2] for s in steps) and steps[-1][3]
        assert not any(s[3] for s in steps[:-1])
        assert steps[-1][4]["is_success"] is turn_to_cue
        assert sum(s[1] for s in steps) == float(turn_to_cue)


def test_truncated_tmaze_penalises_falling_behind_and_shows_the_cue_once() -> None:
    env = gym.make(suite_envs.TRUNCATED_TMAZE_ID, memory_length=4)
    obs, _ = env.reset(seed=0)
    assert obs[0] in (-1.0, 1.0)
    obs, reward, *_ = env.step(2)  # left into the wall: behind the pace
    assert obs[0] == 0.0 and reward == pytest.approx(-0.25)


def test_cartpole_without_velocity() -> None:
    env = gym.make(suite_envs.CARTPOLE_NOVEL_ID)
    obs, _ = env.reset(seed=0)
    assert obs.shape == (2,) and env.observation_space.shape == (2,)
    assert env.spec.max_episode_steps == 500


def test_suite_lists_every_task_of_the_issue() -> None:
    names = {t.name for t in run_suite.suite_tasks()}
    for game in ("RepeatPrevious", "RepeatFirst", "Autoencode", "PositionOnlyCartPole"):
        assert {f"{game}Easy", f"{game}Medium"} <= names
    assert {"NoisyPositionOnlyCartPoleEasy", "NoisyPositionOnlyCartPoleMedium"} <= names
    assert {"MiniGrid-MemoryS7", "MiniGrid-MemoryS11", "CartPoleNoVel"} <= names
    for maze in ("TMaze", "DelayedCue", "TruncatedTMaze"):
        assert {f"{maze}-L{n}" for n in (10, 30, 100)} <= names
    bsuite = [t for t in run_suite.suite_tasks() if t.source == "bsuite"]
    assert [t.memory_length for t in bsuite] == list(MEMORY_LENGTHS)
    assert all(t.budget >= NUM_EPISODES * (t.memory_length + 1) for t in bsuite)


def test_held_out_games_run_only_when_asked_and_as_popgym_cells(tmp_path, capsys) -> None:
    default = {t.name for t in run_suite.suite_tasks()}
    held_out = [t for t in run_suite.suite_tasks(held_out=True) if t.name not in default]
    assert [t.name for t in held_out] == [f"{g}Easy" for g in run_suite.HELD_OUT_POPGYM] + [
        f"bsuite-size-B{n}" for n in NUM_BITS
    ]
    assert not default & {"CountRecallEasy", "HigherLowerEasy"}
    argv = ["--out", str(tmp_path / "suite"), "--tasks", "CountRecallEasy", "--seeds", "0"]
    assert run_suite.main([*argv, "--dry-run"]) == 2  # unknown without --held-out
    assert "unknown suite tasks CountRecallEasy" in capsys.readouterr().err
    assert run_suite.main([*argv, "--held-out", "--budget", "1000", "--dry-run"]) == 0
    commands = capsys.readouterr().out.splitlines()[1:]
    assert len(commands) == 4  # three cores and stock
    assert all("--task=popgym:popgym-CountRecallEasy-v0" in c for c in commands)
    assert sum(f"--stop_at_return={run_suite.POPGYM_SOLVED}" in c for c in commands) == 3


def test_memory_size_cells_are_bsuite_cells_at_each_num_bits(tmp_path, capsys) -> None:
    size = [t for t in run_suite.suite_tasks(held_out=True) if t.family == "bsuite-size"]
    assert [dict(t.options)["num_bits"] for t in size] == list(NUM_BITS)
    assert all(t.budget >= NUM_EPISODES * 3 and t.memory_length is None for t in size)
    argv = ["--out", str(tmp_path), "--held-out", "--tasks", "bsuite-size-B12", "--seeds", "0"]
    assert run_suite.main([*argv, "--dry-run"]) == 0
    commands = capsys.readouterr().out.splitlines()[1:]
    assert len(commands) == 4  # three cores and stock: 30k env steps
    for command in commands:
        args = dict(a.split("=", 1) for a in shlex.split(command)[2:])
        options = json.loads(args["--env_options"])
        assert options == {"num_bits": 12, "episode_log": f"{args['--run_dir']}/episodes.txt"}
        assert "--memory_length" not in args and "--eval_sampled" not in args
        assert (args.get("--stop_at_success") == "None") == ("train.py" in command)


def test_an_interrupted_bsuite_cell_starts_over_with_a_fresh_episode_log(tmp_path) -> None:
    # bsuite scores every training episode from the first: a cell resumed from a checkpoint
    # would log the episodes after it twice, so an unfinished bsuite cell starts over.
    tasks = {t.name: t for t in run_suite.suite_tasks(quick=True)}
    bsuite, maze = (run_suite.Cell(tasks[n], "lstm", 0) for n in ("bsuite-L2", "TMaze-L10"))
    for cell in (bsuite, maze):
        run_dir = tmp_path / "runs" / cell.name
        run_dir.mkdir(parents=True)
        (run_dir / "config.yaml").write_text("seed: 0\n")
        (run_dir / run_suite.EPISODE_LOG).write_text("1\n-1\n")
    bsuite_cmd = run_suite.cell_command(bsuite, tmp_path, "g", None, None)
    assert "--overwrite=true" in bsuite_cmd and "--checkpoint_every=0" in bsuite_cmd
    assert not any(a.startswith("--resume") for a in bsuite_cmd)
    assert "--resume=true" in run_suite.cell_command(maze, tmp_path, "g", None, None)
    # A cell another suite is running keeps its log (that run holds the run directory).
    from recurrent_agents.run.rundir import RunDirLock

    holder = RunDirLock(tmp_path / "runs" / bsuite.name)
    holder.acquire()
    try:
        run_suite.restart_bsuite_cell(bsuite, tmp_path)
        assert (tmp_path / "runs" / bsuite.name / run_suite.EPISODE_LOG).exists()
    finally:
        holder.release()
    for cell in (bsuite, maze):
        run_suite.restart_bsuite_cell(cell, tmp_path)
    assert not (tmp_path / "runs" / bsuite.name / run_suite.EPISODE_LOG).exists()
    assert (tmp_path / "runs" / maze.name / run_suite.EPISODE_LOG).exists()  # not bsuite's


def test_popgym_cells_stop_at_popgyms_solved_return_and_no_other_cell_does(
    tmp_path, capsys
) -> None:
    argv = ["--out", str(tmp_path / "suite"), "--tasks", "RepeatFirstEasy,CartPoleNoVel,TMaze-L10"]
    assert run_suite.main([*argv, "--seeds", "0", "--dry-run"]) == 0
    commands = capsys.readouterr().out.splitlines()[1:]
    popgym = [c for c in commands if "--task=popgym:" in c]
    assert len(popgym) == 3 and all("train.py" in c for c in popgym)  # no stock at 1M
    assert all(f"--stop_at_return={run_suite.POPGYM_SOLVED}" in c for c in popgym)
    # Stock sb3-contrib trains its budget, and the other tasks keep their own stop.
    others = [c for c in commands if c not in popgym]
    assert any("stock.py" in c for c in others)
    assert not any("--stop_at_return" in c for c in others)


def test_dry_run_cells_are_default_train_runs(tmp_path, capsys) -> None:
    out = tmp_path / "suite"
    argv = ["--out", str(out), "--quick", "--tasks", "TMaze-L10,bsuite-L1", "--seeds", "0,1"]
    assert run_suite.main([*argv, "--dry-run"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("16 cells, 0 finished, 16 to run")
    commands = lines[1:]
    assert len(commands) == 16
    train = [c for c in commands if "train.py" in c]
    assert len(train) == 12 and all("--total_timesteps=" in c for c in train)
    options = {a.split("=")[0] for c in train for a in shlex.split(c)[2:]}
    assert options == {
        "--task", "--memory_length", "--core", "--seed", "--run_dir", "--wandb_group",
        "--torch_threads", "--progress", "--total_timesteps", "--video", "--env_options",
        "--stop_at_success", "--eval_sampled", "--checkpoint_every",
    }  # fmt: skip
    bsuite = [c for c in train if "bsuite" in c]  # bsuite scores all its training episodes
    assert bsuite and all("--stop_at_success=None" in c for c in bsuite)
    assert not any("--stop_at_success" in c for c in train if c not in bsuite)
    # Every cell but bsuite's (scored on its training episodes) is also played with sampled
    # actions, stock's too.
    assert all("--eval_sampled=true" in c for c in commands if "bsuite" not in c)
    assert not any("--eval_sampled" in c for c in bsuite)
    assert sum("stock.py" in c for c in commands) == 4
    # A finished cell is not run again.
    cell = run_suite.Cell(run_suite.suite_tasks(quick=True)[-3], "lstm", 0)
    assert cell.name == "bsuite-L1-lstm-s0"
    user_cell = run_suite.Cell(cell.task, "my_cores:ln-gru", 0)
    assert user_cell.name == "bsuite-L1-my_cores_ln-gru-s0"  # no colon in a directory name
    RunResult(memory_length=1, core="lstm", seed=0, status=FINISHED).write(out / "runs" / cell.name)
    assert run_suite.main([*argv, "--dry-run"]) == 0
    assert "1 finished, 15 to run" in capsys.readouterr().out


def _finished(
    out, cell: run_suite.Cell, success: float | None, mean_return: float, **sampled: float
) -> None:
    run_dir = out / "runs" / cell.name
    RunResult(
        **sampled,
        task=cell.task.task,
        memory_length=cell.task.memory_length,
        core=cell.agent,
        seed=cell.seed,
        env_steps=cell.task.budget,
        eval_success_rate=success,
        eval_mean_return=mean_return,
        status=FINISHED,
    ).write(run_dir)
    if cell.task.source == "bsuite":
        correct = 7000 if cell.agent == "lstm" else 5000
        rewards = [1] * correct + [-1] * (NUM_EPISODES - correct)
        (run_dir / run_suite.EPISODE_LOG).write_text("".join(f"{r}\n" for r in rewards))


def test_table_writer(tmp_path) -> None:
    tasks = {t.name: t for t in run_suite.suite_tasks(quick=True)}
    cells = [
        run_suite.Cell(tasks[name], agent, seed)
        for name in ("RepeatPreviousEasy", "TMaze-L10", "bsuite-L1", "bsuite-L2")
        for agent in ("lstm", "rnn")
        for seed in (0, 1)
    ]
    for cell in cells:
        success = None if cell.task.source == "POPGym" else 0.5 + 0.5 * cell.seed
        _finished(tmp_path, cell, success, mean_return=0.25 * (cell.seed + 1))
    table, agents = run_suite.write_table(cells, ["lstm", "gru", "rnn", "stock"], tmp_path, "h")
    assert agents == ["lstm", "rnn"]  # agents without a finished cell are left out
    rows = list(csv.DictReader((tmp_path / "suite.csv").open()))
    assert len(rows) == len(cells)
    by_task = {entry["task"]: entry for entry in table}
    assert by_task["RepeatPreviousEasy"]["metric"] == "return"
    assert by_task["RepeatPreviousEasy"]["lstm_seeds"] == [0.25, 0.5]
    assert by_task["TMaze-L10"]["rnn"] == 0.75
    assert by_task["bsuite memory_len"]["lstm"] == 1.0 and by_task["bsuite memory_len"]["rnn"] == 0
    markdown = (tmp_path / "suite.md").read_text()
    bsuite_row = "| bsuite memory_len | bsuite | 10k episodes / length | bsuite score (lengths run "
    assert bsuite_row + "of 23: lstm 2, rnn 2) | 1 (1, 1) | 0 (0, 0) |" in markdown
    # memory_size gets a row of its own, scored over its bit counts.
    size = [
        t for t in run_suite.suite_tasks(quick=True, held_out=True) if t.family == "bsuite-size"
    ]
    size_cells = [run_suite.Cell(t, agent, 0) for t in size for agent in ("lstm", "rnn")]
    for cell in size_cells:
        _finished(tmp_path, cell, 1.0, mean_return=1.0)
    table, _ = run_suite.write_table(cells + size_cells, ["lstm", "rnn"], tmp_path, "h")
    size_entry = {entry["task"]: entry for entry in table}["bsuite memory_size"]
    assert size_entry["lstm"] == 1.0 and size_entry["rnn"] == 0.0
    assert size_entry["metric"] == "bsuite score (bit counts run of 17: lstm 2, rnn 2)"
    rows = list(csv.DictReader((tmp_path / "suite.csv").open()))
    assert {r["env_options"] for r in rows if r["task"].startswith("bsuite-size")} == {
        '{"num_bits": 1}',
        '{"num_bits": 2}',
    }
    assert (tmp_path / "suite.png").stat().st_size > 0


@pytest.mark.slow
def test_two_cell_smoke_run(tmp_path) -> None:
    out = tmp_path / "smoke"
    argv = ["--out", str(out), "--tasks", "TMaze-L10", "--agents", "lstm,rnn", "--seeds", "0"]
    argv += ["--budget", "2048", "--wandb-mode", "disabled"]
    assert run_suite.main(argv) == 0
    rows = list(csv.DictReader((out / "suite.csv").open()))
    assert [(r["task"], r["agent"], r["metric"]) for r in rows] == [
        ("TMaze-L10", "lstm", "success"),
        ("TMaze-L10", "rnn", "success"),
    ]
    assert all(0.0 <= float(r["score"]) <= 1.0 for r in rows)
    assert "| TMaze-L10 | toolkit | 2,048 | success |" in (out / "suite.md").read_text()


def test_set_adds_an_ablation_option_to_every_core_cell_only(tmp_path, capsys) -> None:
    argv = ["--out", str(tmp_path), "--quick", "--tasks", "TruncatedTMaze-L10", "--seeds", "0"]
    assert run_suite.main([*argv, "--set", "batch_size=128", "--dry-run"]) == 0
    commands = capsys.readouterr().out.splitlines()[1:]
    ours = [c for c in commands if "train.py" in c]
    assert len(ours) == 3 and all(c.endswith("--batch_size=128") for c in ours)
    assert all("batch_size" not in c for c in commands if "stock.py" in c)
    assert run_suite.main([*argv, "--set", "batch=128", "--dry-run"]) == 2
    assert "--set takes KEY=VALUE with a train.py option KEY, got 'batch=128'" in (
        capsys.readouterr().err
    )


def test_ablation_table_has_a_column_per_setting(tmp_path) -> None:
    from bench.suite import ablation

    tasks = {t.name: t for t in run_suite.suite_tasks(budget=1000)}
    for setting, score in (("defaults", 0.5), ("b128", 1.0)):
        cells = [run_suite.Cell(tasks["TMaze-L10"], "lstm", seed) for seed in (0, 1)]
        for cell in cells:
            _finished(tmp_path / setting / "1000", cell, score - 0.5 * cell.seed, mean_return=0)
        run_suite.write_table(cells, ["lstm"], tmp_path / setting / "1000", "h")
    argv = ["--out", str(tmp_path), "--table-only", "--seeds", "0,1", "--agents", "lstm"]
    argv += ["--setting", "defaults=", "--setting", "b128=batch_size=128"]
    assert ablation.main([*argv, "--group", "1000:TMaze-L10"]) == 0
    md = (tmp_path / "ablation.md").read_text()
    assert "| task | agent | defaults | b128 |" in md
    assert "| TMaze-L10 | lstm | 0.25 (0.50, 0.00) | 0.75 (1.00, 0.50) |" in md
    rows = list(csv.DictReader((tmp_path / "ablation.csv").open()))
    assert {(r["setting"], r["options"]) for r in rows} == {
        ("defaults", ""),
        ("b128", "batch_size=128"),
    }


def test_the_ablation_table_holds_cells_of_every_invocation(tmp_path) -> None:
    # A suite's suite.csv holds its last invocation's seeds; the ablation table reads the cells.
    from bench.suite import ablation

    task = {t.name: t for t in run_suite.suite_tasks(budget=1000)}["TMaze-L10"]
    suite_out = tmp_path / "defaults" / "1000"
    for seed in (0, 1):
        cell = run_suite.Cell(task, "lstm", seed)
        _finished(suite_out, cell, 1.0 - seed, mean_return=0)
        run_suite.write_table([cell], ["lstm"], suite_out, "h")  # one invocation per seed
    argv = ["--out", str(tmp_path), "--table-only", "--seeds", "0,1", "--agents", "lstm"]
    assert ablation.main([*argv, "--setting", "defaults=", "--group", "1000:TMaze-L10"]) == 0
    assert "| TMaze-L10 | lstm | 0.50 (1.00, 0.00) |" in (tmp_path / "ablation.md").read_text()


def test_a_stock_run_leaves_a_run_directory_another_run_holds_alone(tmp_path, capsys) -> None:
    # Two suites on one OUT must not train one stock cell twice into the same files.
    from bench.suite import stock
    from recurrent_agents.run.rundir import RunDirLock

    run_dir = tmp_path / "cell"
    holder = RunDirLock(run_dir)
    holder.acquire()
    try:
        argv = ["--task=DelayedCue", "--total_timesteps=64", f"--run_dir={run_dir}"]
        assert stock.main(argv) == 2
    finally:
        holder.release()
    assert "is in use by another run" in capsys.readouterr().err
    assert sorted(p.name for p in run_dir.iterdir()) == [".run.lock"]


def test_the_table_shows_the_sampled_policy_beside_the_greedy_one(tmp_path) -> None:
    # A near-uniform policy's greedy play can score below random while its samples do not: the
    # suite writes both, the sampled in a second table and its own CSV column.
    tasks = {t.name: t for t in run_suite.suite_tasks(quick=True)}
    cells = [run_suite.Cell(tasks["RepeatPreviousEasy"], "lstm", s) for s in (0, 1)]
    cells += [run_suite.Cell(tasks["TMaze-L10"], "lstm", 0)]
    _finished(tmp_path, cells[0], None, -0.7, sampled_eval_mean_return=-0.1)
    _finished(tmp_path, cells[1], None, -0.5, sampled_eval_mean_return=0.3)
    _finished(tmp_path, cells[2], 1.0, 1.0)  # evaluated greedily only
    run_suite.write_table(cells, ["lstm"], tmp_path, "h")
    rows = {(r["task"], r["seed"]): r for r in csv.DictReader((tmp_path / "suite.csv").open())}
    assert rows["RepeatPreviousEasy", "0"]["sampled_score"] == "-0.1"
    assert rows["TMaze-L10", "0"]["sampled_score"] == ""
    greedy, sampled = (tmp_path / "suite.md").read_text().split("actions sampled from them")
    assert "| RepeatPreviousEasy | POPGym | 20,000 | return | -0.6 (-0.7, -0.5) |" in greedy
    assert "| RepeatPreviousEasy | POPGym | 20,000 | return | 0.1 (-0.1, 0.3) |" in sampled
    assert "TMaze-L10" in greedy and "TMaze-L10" not in sampled
