#!/usr/bin/env bash
# The vanilla RNN with a critic core of its own and the actor's value head (the gated cores'
# default pair: --critic_core=separate --actor_value_coef=0.25), against its default (the
# critic on the actor's core). 45th session, 2026-12-08, commit 6902de4; two runs at a time on
# 2 cores; OUT is scratch.
set -euo pipefail
D=bench/suite/results/rnn_critic_head
PAIR=(--critic_core=separate --actor_value_coef=0.25)

# runs.csv, T-maze rows: from scratch at L=100, stop once solved, 2M env steps at most
for s in 0 1 2 3 4; do
  python train.py --task=TMaze --memory_length=100 --core=rnn --seed=$s "${PAIR[@]}" \
    --total_timesteps=2000000 --video=false --wandb_mode=offline --torch_threads=1 \
    --progress=false --run_dir=OUT/mem/TMaze-L100-rnn-s$s
done

# runs.csv, the suite's cells (DelayedCue-L100 was stopped after seeds 0 and 1)
SET=(--set critic_core=separate --set actor_value_coef=0.25 --agents rnn --workers 1 --wandb-mode offline)
python bench/suite/run_suite.py --out OUT/dc --tasks DelayedCue-L100 --seeds 0,1 "${SET[@]}"
python bench/suite/run_suite.py --out OUT/100k --tasks RepeatFirstMedium,PositionOnlyCartPoleMedium \
  --budget 100000 --seeds 0,1,2,3,4 "${SET[@]}"
python bench/suite/run_suite.py --out OUT/rfe --tasks RepeatFirstEasy --seeds 0,1,2 "${SET[@]}"
python bench/suite/run_suite.py --out OUT/cp --tasks CartPoleNoVel --seeds 0,1,2,3,4,5,6,7,8,9 "${SET[@]}"
python bench/suite/results/time_limits_auto/collect_runs.py $D/runs.csv OUT/mem/* OUT/{dc,rfe,100k,cp}/runs/*

# cartpole_per_update.csv: CartPole without velocities to 70k env steps, a checkpoint after
# every update, each from 30k on played greedily (10 episodes): the protocol of
# ../declared_time_limit/ (its commands.sh), with "${PAIR[@]}" added
