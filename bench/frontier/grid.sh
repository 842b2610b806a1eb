#!/usr/bin/env bash
# The full curriculum frontier: 3 cores x {passive T-maze, active T-maze, DelayedCue} x lengths
# 5..1000 x 5 seeds, one curriculum run per task, core and seed (horizon.py --one-run: each
# stage's result is a cell), in two lanes of one run each on a 2-core machine. Resumable:
# rerun the script and finished runs are kept, interrupted ones continue from their checkpoints.
# Writes bench/frontier/results/grid/<recipe>/<task>/ (frontier CSV, Markdown, PNG) and
# grid_time.txt (each lane's wall time).
#   bash bench/frontier/grid.sh    # SEEDS=0 LENGTHS=5,10 OUT=/tmp/g SWEEPS=/tmp/s bash ...: smaller
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-python}
SEEDS=${SEEDS:-0,1,2,3,4}
LENGTHS=${LENGTHS:-5,10,20,50,100,200,500,1000}
OUT=${OUT:-bench/frontier/results/grid}
SWEEPS=${SWEEPS:-bench/frontier/sweeps}
COMMON=(--one-run --seeds "$SEEDS" --lengths "$LENGTHS" --results-dir "$OUT" --sweeps-dir "$SWEEPS"
    --workers 1)
mkdir -p "$OUT"

lane() {  # NAME COMMAND...: run the commands in sequence, then append the lane's wall time
    local name=$1 start=$SECONDS
    shift
    "$@"
    echo "$name: $((SECONDS - start)) s (seeds $SEEDS, lengths $LENGTHS)" >>"$OUT/grid_time.txt"
}

passive_and_delayed_cue() {
    $PY bench/frontier/horizon.py --tasks TMaze --recipe curriculum-greedy "${COMMON[@]}"
    # DelayedCue without the previous action as an input (README: it is a distractor there).
    $PY bench/frontier/horizon.py --tasks DelayedCue --recipe curriculum-greedy "${COMMON[@]}" \
        --tag noprev -- --prev_action_reward=false
}

active() {
    $PY bench/frontier/horizon.py --tasks TMaze --core-configs configs/active_tmaze \
        --max-steps 3000000 "${COMMON[@]}"
}

started=$SECONDS
lane "passive T-maze + DelayedCue" passive_and_delayed_cue &
first=$!
lane "active T-maze" active &
second=$!
status=0
wait $first || status=$?
wait $second || status=$?
echo "whole grid: $((SECONDS - started)) s, exit status $status" >>"$OUT/grid_time.txt"
exit $status
