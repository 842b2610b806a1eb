# The current defaults at the longer budgets, seed 0 (README "Ablation of the defaults").
python bench/suite/run_suite.py --out OUT/rf1m --name defaults-rf-1m --tasks RepeatFirstEasy \
  --budget 1000000 --agents lstm,gru,rnn --seeds 0 --workers 1 --wandb-mode disabled
python bench/suite/run_suite.py --out OUT/l100 --name defaults-L100-2m \
  --tasks TMaze-L100,DelayedCue-L100 --budget 2000000 --agents lstm --seeds 0 --workers 1 \
  --wandb-mode disabled
# 2026-12-02 (5th session): the defaults now (value targets at unit scale, no bootstrap at time
# limits) at 1M on RepeatFirstEasy, 3 seeds (rf1m.*; the seed-0 run of the defaults before is
# rf1m_before.*).
python bench/suite/run_suite.py --out OUT/rf1m --name defaults-rf-1m --tasks RepeatFirstEasy \
  --budget 1000000 --agents lstm,gru,rnn --seeds 0,1,2 --workers 2 --wandb-mode disabled
# 2026-12-02 (5th session): the defaults now from scratch at L=100, gru and rnn, seed 0 (l100.*;
# the lstm: DelayedCue 1.00, T-maze not learned, bench/results/tmaze_L100_scratch/; the
# seed-0 lstm table of the defaults before is l100_before.*).
python bench/suite/run_suite.py --out OUT/l100 --name defaults-L100-2m \
  --tasks TMaze-L100,DelayedCue-L100 --budget 2000000 --agents gru,rnn --seeds 0 --workers 2 \
  --wandb-mode disabled
