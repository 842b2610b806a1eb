#!/usr/bin/env bash
# Held-out check of train.py tune's choices: seeds 10-14 (tuning used 0 and 1) at the tuned task,
# train.py's defaults against each core's configs/tuned/<name>/<core>.yaml, same budget.
#   bash bench/tune/heldout.sh [SWEEPS_DIR]      (rerun to resume; about 15 minutes on 2 cores)
# Reports: SWEEPS_DIR/<defaults|tuned-<core>>/report/frontier.{csv,md}
set -euo pipefail
cd "$(dirname "$0")/../.."
SWEEPS=${1:-bench/tune/sweeps/tmaze_L20}
BUDGET="--total_timesteps=200000 --stop_at_success=0.95 --checkpoint_every=0 --video=false --eval_length_factor=10"
GRID="--task TMaze --memory-lengths 20 --seeds 10,11,12,13,14 --wandb-mode disabled --workers 1"
python train.py sweep $GRID --cores lstm,gru,rnn --sweep-dir "$SWEEPS/defaults" -- $BUDGET
for core in lstm gru rnn; do
    python train.py sweep $GRID --cores "$core" --sweep-dir "$SWEEPS/tuned-$core" -- \
        "--config=configs/tuned/tmaze_L20/$core.yaml" $BUDGET
done
