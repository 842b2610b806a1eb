"""Find the update that made a solved policy fail, and how that update's change acts on it.

    python bench/update_cliff.py OUT --from-step 100000 --to-step 260000 --task=TMaze \\
        --memory_length=100 --seed=1 --prev_action_reward=true [any train.py option]

Trains as ``train.py`` does (no W&B, no checkpoints) to ``--to-step`` env steps, keeping the
policy after every update from ``--from-step`` on, and evaluates each kept policy greedily on the
same ``--episodes`` episodes (``train.py``'s evaluation, seeded by ``--seed``). The first update
that takes the greedy success rate from >= ``--solved`` to <= ``--lost`` is the collapse. Its
change of the actor's recurrent core is then applied in fractions ``alpha`` (0, 0.05, ..., 1;
every other parameter as before the update). The log-probability of the old decision falling in
proportion to alpha means the update pushed the decision over; staying near 0 for most of the
way and then falling within a few fractions means the memory's dynamics crossed a boundary (a
bifurcation) of which the loss at alpha = 0 held no sign.

Output: ``OUT/updates.csv`` (env_steps, greedy success), ``OUT/cliff.csv`` (alpha, greedy
success, and the mean log-probability of the decision the policy before the update made at each
episode's last step: continuous where the success rate is a step; discrete actions) and
``OUT/summary.json`` (the collapse, and from the first solved policy on: the share of solved
policies and the count of solved -> lost flips).
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import gymnasium as gym  # noqa: E402

from recurrent_agents.run.config import ConfigError, build_config  # noqa: E402
from recurrent_agents.run.training import evaluate_run, make_env, new_model  # noqa: E402

ALPHAS = [round(0.05 * i, 2) for i in range(21)]


def greedy_success(cfg: Any, model: Any, episodes: int) -> float:
    """``train.py``'s greedy evaluation on ``episodes`` episodes, the same every call."""
    result = evaluate_run(replace(cfg, eval_episodes=episodes, eval_length_factor=0), model)
    return float(result["eval_success_rate"] or 0.0)


def last_decisions(cfg: Any, model: Any, episodes: int) -> tuple[Any, Any]:
    """Greedy ``episodes`` (one per env, the same episodes every call; discrete actions): the
    log-probabilities of every action at each episode's last step, where a memory task decides,
    and whether the episode succeeded."""
    import numpy as np
    import torch as th

    from recurrent_agents.run.evaluation import EVAL_SEED_OFFSET

    env = make_env(replace(cfg, n_envs=episodes), cfg.seed + EVAL_SEED_OFFSET)
    policy = model.policy
    obs, state = env.reset(), policy.core_actor.initial_state(episodes)
    starts, last = th.ones(episodes), np.full((episodes, env.action_space.n), np.nan)
    success = np.zeros(episodes, dtype=bool)
    with th.no_grad():
        while np.isnan(last).any():
            dist, state = policy.get_distribution(policy.obs_to_tensor(obs)[0], state, starts)
            log_probs = dist.distribution.logits.numpy()  # torch normalises Categorical logits
            obs, _, dones, infos = env.step(log_probs.argmax(1))
            for i in np.flatnonzero(dones & np.isnan(last[:, 0])):
                last[i], success[i] = log_probs[i], bool(infos[i].get("is_success"))
            starts = th.as_tensor(dones, dtype=th.float32)
    env.close()
    return last, success


def train_keeping_policies(cfg: Any, first: int, last: int) -> tuple[Any, dict[int, dict]]:
    """Train to ``last`` env steps; the policy's state after every update from ``first`` on."""
    from stable_baselines3.common.callbacks import BaseCallback

    kept: dict[int, dict] = {}

    class KeepPolicies(BaseCallback):
        def _on_rollout_start(self) -> None:  # the previous update is done
            if first <= self.model.num_timesteps <= last:
                kept[self.model.num_timesteps] = copy.deepcopy(self.model.policy.state_dict())

        def _on_step(self) -> bool:
            return True

    model = new_model(cfg, make_env(cfg, cfg.seed))
    model.learn(last, callback=KeepPolicies())
    kept[model.num_timesteps] = copy.deepcopy(model.policy.state_dict())  # after the last one
    return model, kept


def collapses(successes: dict[int, float], solved: float, lost: float) -> list[int]:
    """Env steps of every kept policy at or below ``lost`` right after one at or above
    ``solved``, in order."""
    steps = sorted(successes)
    pairs = zip(steps, steps[1:], strict=False)
    return [b for a, b in pairs if successes[a] >= solved and successes[b] <= lost]


def first_collapse(successes: dict[int, float], solved: float, lost: float) -> int | None:
    """The first of :func:`collapses`; None if there is none."""
    return next(iter(collapses(successes, solved, lost)), None)


def flip_counts(successes: dict[int, float], solved: float, lost: float) -> dict[str, Any]:
    """From the first solved policy on: how many of the policies are solved, and how often one
    solved is followed by one lost (the decision flips)."""
    first = next((s for s in sorted(successes) if successes[s] >= solved), None)
    after = [v for s, v in sorted(successes.items()) if first is not None and s >= first]
    return {
        "first_solved_env_steps": first,
        "policies_from_first_solved": len(after),
        "solved_fraction_from_first_solved": sum(a >= solved for a in after) / max(len(after), 1),
        "solved_then_lost": len(collapses(successes, solved, lost)),
    }


def core_fractions(
    model: Any, before: dict, after: dict, cfg: Any, episodes: int
) -> list[tuple[float, float]]:
    """With the actor core's change applied in each fraction of ALPHAS: greedy success, and the
    mean log-probability, at each episode's last step, of the last action the policy before the
    update took there (0: the same decision, held surely; very negative: reversed), both on the
    same ``episodes`` episodes."""
    import numpy as np
    import torch as th

    core = list(model.policy.core_actor.parameters())
    model.policy.load_state_dict(after)
    end = [p.detach().clone() for p in core]
    model.policy.load_state_dict(before)
    start = [p.detach().clone() for p in core]
    decided = None  # the decisions at alpha = 0, the policy before the update
    results = []
    for alpha in ALPHAS:
        with th.no_grad():
            for param, a, b in zip(core, start, end, strict=True):
                param.copy_(a + alpha * (b - a))
        log_probs, success = last_decisions(cfg, model, episodes)
        if decided is None:
            decided = log_probs.argmax(1)
        held = log_probs[np.arange(episodes), decided]
        results.append((float(success.mean()), float(held.mean())))
    return results


def main(argv: list[str] | None = None) -> int:
    """Parse the options, train, find the collapse, write the CSVs and the summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="output directory")
    parser.add_argument("--from-step", type=int, required=True, help="keep policies from here")
    parser.add_argument("--to-step", type=int, required=True, help="train to here")
    parser.add_argument("--episodes", type=int, default=64, help="greedy episodes per policy")
    parser.add_argument("--solved", type=float, default=0.95, help="success rate called solved")
    parser.add_argument("--lost", type=float, default=0.6, help="success rate called lost")
    args, train_args = parser.parse_known_args(argv)
    if not 0 <= args.from_step < args.to_step:
        parser.error(f"need 0 <= --from-step < --to-step, got {args.from_step}, {args.to_step}")
    if args.episodes < 1:
        parser.error(f"--episodes must be >= 1, got {args.episodes}")
    if not 0 <= args.lost < args.solved <= 1:
        parser.error(f"need 0 <= --lost < --solved <= 1, got {args.lost}, {args.solved}")
    try:
        cfg = build_config(train_args)
    except ConfigError as exc:
        parser.error(str(exc))
    import torch as th

    th.set_num_threads(cfg.torch_threads)
    args.out.mkdir(parents=True, exist_ok=True)
    model, kept = train_keeping_policies(cfg, args.from_step, args.to_step)
    successes = {}
    for steps, state in sorted(kept.items()):
        model.policy.load_state_dict(state)
        successes[steps] = greedy_success(cfg, model, args.episodes)
    with open(args.out / "updates.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["env_steps", "greedy_success"])
        writer.writerows(sorted(successes.items()))
    collapse = first_collapse(successes, args.solved, args.lost)
    summary: dict[str, Any] = {"collapse_env_steps": collapse, "policies": len(successes)}
    summary |= flip_counts(successes, args.solved, args.lost)
    discrete = isinstance(model.action_space, gym.spaces.Discrete)
    if collapse is not None and not discrete:
        summary["cut"] = f"skipped: needs Discrete actions, got {model.action_space}"
    if collapse is not None and discrete:
        previous = max(s for s in successes if s < collapse)
        fractions = core_fractions(model, kept[previous], kept[collapse], cfg, args.episodes)
        with open(args.out / "cliff.csv", "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["alpha", "greedy_success", "last_decision_log_prob"])
            writer.writerows((a, *f) for a, f in zip(ALPHAS, fractions, strict=True))
        summary |= {
            "before_env_steps": previous,
            "success_by_alpha": {a: f[0] for a, f in zip(ALPHAS, fractions, strict=True)},
        }
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
