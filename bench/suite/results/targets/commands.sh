# The named suite targets run again on one commit (7152226, 2026-12-07), every core with
# its defaults, one output directory per budget; two runs at a time on 2 cores. OUT is any
# directory (each suite.md names OUT/<group>).
W="--workers 1 --wandb-mode offline --agents lstm,gru,rnn --seeds 0,1,2"

# RepeatPreviousEasy at stock's 60k (stock sb3-contrib: 0.70)
python bench/suite/run_suite.py --out OUT/rpe60k --name targets-rpe60k --tasks RepeatPreviousEasy --budget 60000 $W
# sb3-contrib's CartPole without velocities, its 50k env steps, 5 seeds (passes at 450)
python bench/suite/run_suite.py --out OUT/cartpole_novel --name targets-cartpole-novel --tasks CartPoleNoVel \
  --workers 1 --wandb-mode offline --agents lstm,gru,rnn --seeds 0,1,2,3,4
# POPGym's Easy targets at the 1M (each cell stops once solved, --stop_at_return=0.99)
python bench/suite/run_suite.py --out OUT/easy --name targets-easy \
  --tasks RepeatPreviousEasy,RepeatFirstEasy,PositionOnlyCartPoleEasy $W
# the passive T-maze whose deadline is a truncation, L = 10, 30, 100 (2M at most, stops once solved)
python bench/suite/run_suite.py --out OUT/truncated_tmaze --name targets-truncated-tmaze \
  --tasks TruncatedTMaze-L10,TruncatedTMaze-L30,TruncatedTMaze-L100 $W
# the two Medium tasks the cores and stock were compared on at stock's 100k
python bench/suite/run_suite.py --out OUT/medium100k --name targets-medium100k \
  --tasks PositionOnlyCartPoleMedium,RepeatFirstMedium --budget 100000 $W
# stock sb3-contrib on PositionOnlyCartPoleMedium at 100k, seeds 1 and 2 (seed 0: medium_100k/)
python bench/suite/run_suite.py --out OUT/stock_pocpm --agents stock --seeds 1,2 \
  --tasks PositionOnlyCartPoleMedium --budget 100000 --workers 1 --wandb-mode offline

# PositionOnlyCartPoleMedium at 100k, seeds 3 and 4 for the cores, 3 and 4 for stock
python bench/suite/run_suite.py --out OUT/medium100k --name targets-medium100k \
  --tasks PositionOnlyCartPoleMedium --budget 100000 --workers 1 --wandb-mode offline --agents lstm,gru,rnn --seeds 3,4
python bench/suite/run_suite.py --out OUT/stock_pocpm --agents stock --seeds 3,4 \
  --tasks PositionOnlyCartPoleMedium --budget 100000 --workers 1 --wandb-mode offline
# the tables over every finished cell (no training): pocp_medium_5seeds/ and stock_pocpm/
python bench/suite/run_suite.py --out OUT/medium100k --name targets-medium100k --tasks PositionOnlyCartPoleMedium \
  --budget 100000 --workers 1 --wandb-mode disabled --agents lstm,gru,rnn --seeds 0,1,2,3,4
python bench/suite/run_suite.py --out OUT/stock_pocpm --agents stock --seeds 1,2,3,4 \
  --tasks PositionOnlyCartPoleMedium --budget 100000 --workers 1 --wandb-mode disabled
# pocp_medium_5seeds/gru_*: the GRU's two defaults one at a time (learning rate 1e-3, value head 0.25)
W="--workers 1 --wandb-mode offline --agents gru --seeds 0,1,2,3,4 --tasks PositionOnlyCartPoleMedium --budget 100000"
python bench/suite/run_suite.py --out OUT/gru_lr1e3_nohead $W --set actor_value_coef=0
python bench/suite/run_suite.py --out OUT/gru_lr5e4_head $W --set learning_rate=0.0005

# stock_rfm/ (40th session): stock sb3-contrib on RepeatFirstMedium at 100k, seeds 3 and 4 (seeds
# 0-2: medium100k/), each in its own OUT (two at a time), then the table over both finished cells
python bench/suite/run_suite.py --out OUT/rfm_stock3 --agents stock --seeds 3 \
  --tasks RepeatFirstMedium --budget 100000 --workers 1 --wandb-mode offline   # and --seeds 4
python bench/suite/run_suite.py --out OUT/rfm_stock --name s40-rfm_stock --agents stock --seeds 3,4 \
  --tasks RepeatFirstMedium --budget 100000 --workers 1 --wandb-mode disabled   # both runs/ copied in
