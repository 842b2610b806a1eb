#!/bin/bash
# bptt_rollouts=horizon against the defaults (2026-12-05), from the repository root.
# The T-maze at L=200 from scratch, every core and seed (the defaults' cells are the frontier
# sweep's: python bench/frontier/horizon.py --recipe defaults --tasks TMaze --lengths 5,10,20,50,100,200):
for core in lstm gru rnn; do for seed in 0 1 2 3 4; do
  python train.py --task=TMaze --memory_length=200 --core=$core --seed=$seed \
    --total_timesteps=2000000 --eval_length_factor=10 --bptt_rollouts=horizon \
    --run_dir runs/bptt_L200/${core}_s${seed}
done; done
# DelayedCue at L=200, the LSTM (the defaults' cells: python bench/frontier/horizon.py --recipe
# defaults --tasks DelayedCue --cores lstm --lengths 5,10,20,50,100,200):
for seed in 0 1 2 3 4; do
  python train.py --task=DelayedCue --memory_length=200 --core=lstm --seed=$seed \
    --total_timesteps=2000000 --eval_length_factor=10 --bptt_rollouts=horizon \
    --run_dir runs/bptt_dc_L200/lstm_s${seed}
done
# The RNN's DelayedCue at L=100, seed 2:
python train.py --task=DelayedCue --memory_length=100 --core=rnn --seed=2 --total_timesteps=2000000 \
  --eval_length_factor=10 --bptt_rollouts=horizon
# The T-maze's trap seeds with the bonus scaled by the advantage instead:
for seed in 0 3; do
  python train.py --task=TMaze --memory_length=200 --core=lstm --seed=$seed \
    --total_timesteps=2000000 --eval_length_factor=10 --entropy_weighting=advantage
done
# Suite cells it did not aim at (POPGym Easy, sb3-contrib's CartPole without velocities):
python bench/suite/run_suite.py --out OUT_BPTT --name suite-bptt --workers 1 --wandb-mode offline \
  --agents lstm,gru,rnn --seeds 0,1,2 \
  --tasks RepeatPreviousEasy,RepeatFirstEasy,PositionOnlyCartPoleEasy,CartPoleNoVel \
  --set bptt_rollouts=horizon
# The defaults' CartPoleNoVel cells on the same code, same session:
python bench/suite/run_suite.py --out OUT_DEFAULTS --name suite-defaults-cp --workers 1 \
  --wandb-mode offline --agents lstm,gru,rnn --seeds 0,1,2 --tasks CartPoleNoVel
# Throughput, same process, alternating rounds (LSTM, the defaults' rollout and epochs):
python bench/bench_ppo.py --lengths 10 100 200 --n-steps 256 --batch-size 512 --n-epochs 8 \
  --steps 16384 --rounds 3 --bptt-rollouts horizon
