#!/usr/bin/env bash
# A training-success stop confirmed by the greedy policy (--confirm_stop, default true since
# 2026-12-05). Commit c7105e6's code. Results: confirm_stop.csv (one row per run, from each run's
# result.json: env steps, greedy success after the last update, refused stops). README.md here.
set -euo pipefail

# The case that found it: T-maze L=100, RNN with its own critic, seed 3 (without the
# confirmation it stopped at 209,280 env steps with greedy success 0.00; ../rnn_critic/rnn_critic.csv)
python bench/suite/run_suite.py --out OUT/confirm_rnn_sep --agents rnn --seeds 3 \
    --tasks TMaze-L100 --set critic_core=separate --workers 1

# Every stopping toolkit and suite task, every core, seed 0, the defaults
python bench/suite/run_suite.py --out OUT/confirm_check --agents lstm,gru,rnn --seeds 0 --workers 1 \
    --tasks TruncatedTMaze-L10,TruncatedTMaze-L30,TruncatedTMaze-L100,TMaze-L10,TMaze-L30,TMaze-L100,DelayedCue-L10,DelayedCue-L30,DelayedCue-L100
