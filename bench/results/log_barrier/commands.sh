#!/bin/bash
# The log barrier (--log_barrier_coef) on the T-maze cells where the defaults fall into the
# junction trap (2026-12-05, commit 58c1223). One train.py run per row of tmaze_runs.csv; the
# defaults' own cells are the frontier sweep's (bench/frontier/results/defaults/tmaze/).
for lam in 0.001 0.01; do
  python train.py --task=TMaze --memory_length=100 --core=lstm --seed=1 --total_timesteps=2000000 \
    --eval_length_factor=10 --log_barrier_coef=$lam --run_dir=runs/tmaze-lstm-L100-s1-lb$lam
done
for lam in 0.003 0.01; do
  python train.py --task=TMaze --memory_length=100 --core=lstm --seed=1 --total_timesteps=2000000 \
    --eval_length_factor=10 --log_barrier_coef=$lam --success_measure=greedy \
    --run_dir=runs/tmaze-lstm-L100-s1-lb$lam-greedy
done
# the control: the defaults with the greedy-judged stop (stopped by hand at 1.13M env steps,
# trapped since 400k: its history is in tmaze_histories.csv, it has no result)
python train.py --task=TMaze --memory_length=100 --core=lstm --seed=1 --total_timesteps=2000000 \
  --eval_length_factor=10 --success_measure=greedy --run_dir=runs/tmaze-lstm-L100-s1-lb0-greedy
for seed in 0 3; do
  python train.py --task=TMaze --memory_length=200 --core=lstm --seed=$seed \
    --total_timesteps=2000000 --eval_length_factor=10 --log_barrier_coef=0.01 \
    --success_measure=greedy --run_dir=runs/tmaze-lstm-L200-s$seed-lb0.01-greedy
done
# tmaze_runs.csv: each run's config.yaml and result.json; tmaze_histories.csv: its W&B history
# (wandb leet inspect --json), one row per ~50k env steps.
