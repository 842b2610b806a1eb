# time_aware_critic=true against the defaults (time_aware_critic=false, bootstrap_truncated=false)
# and bootstrap_truncated="auto" on the tasks where the defaults trail stock because of their time
# limit (36th session, 2026-12-07; two runs at a time on 2 cores). The defaults' and auto's cells
# are those of ../bootstrap_auto/ (its compare.py reads them).
S="--set time_aware_critic=true"
W="--workers 1 --wandb-mode offline"

# cells/: the suite tables with the time-aware critic
python bench/suite/run_suite.py --out pendulum --held-out --tasks PositionOnlyPendulumEasy \
  --agents lstm,gru,rnn --seeds 0,1 --budget 100000 $W $S
python bench/suite/run_suite.py --out pocp_medium --tasks PositionOnlyCartPoleMedium \
  --agents gru --seeds 0,1 --budget 100000 $W $S
python bench/suite/run_suite.py --out noisy_pendulum --held-out --tasks NoisyPositionOnlyPendulumEasy \
  --agents lstm,gru,rnn --seeds 0 --budget 100000 $W $S

# cells/rnn_*: the vanilla RNN on every other suite task whose episodes can end by truncation
# (../bootstrap_auto/which_truncate.txt), to see whether the option should be the RNN's default
python bench/suite/run_suite.py --out pocp_medium --tasks PositionOnlyCartPoleMedium --agents rnn \
  --seeds 0,1,2 --budget 100000 $W $S
python bench/suite/run_suite.py --out truncated_tmaze --tasks TruncatedTMaze-L10,TruncatedTMaze-L30 \
  --agents rnn --seeds 0,1,2 $W $S
python bench/suite/run_suite.py --out cartpole_novel --tasks CartPoleNoVel --agents rnn --seeds 0,1,2,3,4 $W $S
python bench/suite/run_suite.py --out cartpole_medium_easy \
  --tasks NoisyPositionOnlyCartPoleMedium,PositionOnlyCartPoleEasy --agents rnn --seeds 0 --budget 100000 $W $S
python bench/suite/run_suite.py --out games --held-out --tasks \
  MultiarmedBanditEasy,ConcentrationEasy,MineSweeperEasy,BattleshipEasy,VelocityOnlyCartpoleEasy \
  --agents rnn --seeds 0 --budget 100000 $W $S
python bench/suite/run_suite.py --out minigrid_s7 --tasks MiniGrid-MemoryS7 --agents rnn --seeds 0 --budget 100000 $W $S
python bench/suite/run_suite.py --out truncated_tmaze_L100 --tasks TruncatedTMaze-L100 --agents rnn --seeds 0 $W $S

# compare.md / compare.csv: every cell against the defaults, auto and stock
R=bench/suite/results/time_aware_critic
python bench/suite/results/bootstrap_auto/compare.py --label time_aware_critic --cells $R/cells --out $R

# critic_fit.csv: the critic's explained variance and the training return over the last fifth of
# each pendulum run (the defaults: the min_updates ablation's mu64 cells, ../min_updates/; true
# and auto: ../bootstrap_auto/'s runs; each SUITE_OUT a run_suite.py --out directory)
python $R/critic_fit.py defaults=DEFAULTS_OUT bootstrap_true=TRUE_OUT bootstrap_auto=AUTO_OUT \
  time_aware_critic=pendulum > $R/critic_fit.csv
