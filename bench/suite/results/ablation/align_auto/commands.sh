# align_rollouts="auto" (the default since 2026-12-06) on every suite task whose episode horizon
# exceeds the default n_steps of 256 (RepeatFirstMedium 415, PositionOnlyCartPoleMedium 400,
# MiniGrid-MemoryS11 605, CartPoleNoVel 500); 27th session, commit 4da3c68, where "auto" was an
# option (hence --set), two cells at a time. Each OUT is its own suite directory.
python bench/suite/run_suite.py --out OUT/auto-T-A --tasks T --agents A --seeds 0 --workers 1 \
  --wandb-mode offline --set align_rollouts=auto
#   T x A: RepeatFirstMedium, PositionOnlyCartPoleMedium, CartPoleNoVel x lstm, gru, rnn;
#          MiniGrid-MemoryS11 x lstm, rnn
python bench/suite/run_suite.py --out OUT/auto-cartpole-A --tasks CartPoleNoVel --agents A \
  --seeds 1,2,3,4 --workers 1 --wandb-mode offline --set align_rollouts=auto   # A = lstm, gru, rnn
python bench/suite/run_suite.py --out OUT/auto-rfm-rnn --tasks RepeatFirstMedium --agents rnn \
  --seeds 1,2 --workers 1 --wandb-mode offline --set align_rollouts=auto
# the defaults before (align_rollouts=false) on the same code, where no earlier run had the cell:
python bench/suite/run_suite.py --out OUT/defaults-cartpole-A --tasks CartPoleNoVel --agents A \
  --seeds 0,1,2,3,4 --workers 1 --wandb-mode offline                          # A = gru, rnn
python bench/suite/run_suite.py --out OUT/defaults-rfm-rnn --tasks RepeatFirstMedium --agents rnn \
  --seeds 1,2 --workers 1 --wandb-mode offline
# the first four rollouts' sizes with align_rollouts=auto (when each task goes back to 256):
python bench/suite/results/ablation/align_auto/rollout_sizes.py \
  MiniGrid-MemoryS11,CartPoleNoVel,PositionOnlyCartPoleMedium,RepeatFirstMedium,MiniGrid-MemoryS7,AutoencodeMedium
