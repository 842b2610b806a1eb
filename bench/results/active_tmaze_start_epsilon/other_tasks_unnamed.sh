#!/bin/bash
# start_epsilon on tasks no issue names: a truncating memory task (Bakker T-maze) and other observation spaces.
cd "$(dirname "$0")/../../.." && mkdir -p "${OUT:-/tmp/start_epsilon_unnamed}"
run() { name=$1; shift; "${PYTHON:-python}" train.py "$@" --wandb_mode=disabled --checkpoint_every=0 --video=false --progress=false --run_dir=${OUT:-/tmp/start_epsilon_unnamed}/$name > ${OUT:-/tmp/start_epsilon_unnamed}/$name.log 2>&1; tail -2 ${OUT:-/tmp/start_epsilon_unnamed}/$name.log | head -1; }
for s in 0 1; do
  run bakker_def_s$s --task=BakkerTMaze --memory_length=10 --seed=$s --total_timesteps=200000 &
  run bakker_se_s$s --task=BakkerTMaze --memory_length=10 --seed=$s --total_timesteps=200000 --start_epsilon=0.5
  wait
done
run rp_def --task=popgym:popgym-RepeatPreviousEasy-v0 --seed=0 --total_timesteps=60000 &
run rp_se --task=popgym:popgym-RepeatPreviousEasy-v0 --seed=0 --total_timesteps=60000 --start_epsilon=0.5
wait
run mg_def --task=minigrid:MiniGrid-MemoryS7-v0 --seed=0 --total_timesteps=100000 &
run mg_se --task=minigrid:MiniGrid-MemoryS7-v0 --seed=0 --total_timesteps=100000 --start_epsilon=0.5
wait
