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
# The Medium tasks auto changes, at stock sb3-contrib's 100k env steps, every core, seeds 0-2, on
# the defaults of 2026-12-06 (28th session, commit 27cea0f; one cell at a time beside another job):
python bench/suite/run_suite.py --out OUT/med100k --name suite-medium-100k-auto --agents lstm,rnn,gru \
  --seeds 0,1,2 --tasks RepeatFirstMedium,PositionOnlyCartPoleMedium --budget 100000 --workers 1 \
  --wandb-mode offline
# medium_100k.csv: those cells ("auto"), with the cells of before and stock's from
# ../../actor_value_default/medium_100k.csv (the LSTM with its head), ../../medium_100k/suite.csv
# and ../../medium_100k/more_seeds/suite.csv (the GRU, the RNN with its critic on its core, stock)
