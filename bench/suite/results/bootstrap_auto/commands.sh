# bootstrap_truncated="auto" against the defaults (False) on every suite task whose episodes can
# end by truncation (35th session, 2026-12-07; two runs at a time on 2 cores). S is each run's
# setting; the defaults' cells are these commands without it (run again here where compare.py
# reads defaults/, else the committed cells of the 34th session on the same defaults).
S="--set bootstrap_truncated=auto"
W="--workers 1 --wandb-mode offline"

# which tasks can end an episode by truncation (random play, 3,000 steps on 4 envs)
PYTHONPATH=. python bench/suite/results/bootstrap_auto/which_truncate.py

# auto/: the suite tables with auto
python bench/suite/run_suite.py --out pendulum --held-out --tasks PositionOnlyPendulumEasy \
  --agents lstm,gru,rnn --seeds 0,1 --budget 100000 $W $S
python bench/suite/run_suite.py --out noisy_pendulum_velocity --held-out \
  --tasks NoisyPositionOnlyPendulumEasy,VelocityOnlyCartpoleEasy --agents lstm,gru,rnn --seeds 0 --budget 100000 $W $S
python bench/suite/run_suite.py --out games --held-out \
  --tasks MultiarmedBanditEasy,ConcentrationEasy,MineSweeperEasy,BattleshipEasy --agents lstm,gru,rnn --seeds 0 --budget 100000 $W $S
python bench/suite/run_suite.py --out cartpole_medium_easy \
  --tasks NoisyPositionOnlyCartPoleMedium,PositionOnlyCartPoleEasy --agents lstm,gru,rnn --seeds 0 --budget 100000 $W $S
python bench/suite/run_suite.py --out pocp_medium --tasks PositionOnlyCartPoleMedium \
  --agents lstm,gru,rnn --seeds 0,1,2 --budget 100000 $W $S
python bench/suite/run_suite.py --out cartpole_novel --tasks CartPoleNoVel --agents lstm,gru,rnn --seeds 0,1,2,3,4 $W $S
python bench/suite/run_suite.py --out truncated_tmaze --tasks TruncatedTMaze-L10,TruncatedTMaze-L30 \
  --agents lstm,gru,rnn --seeds 0 $W $S
python bench/suite/run_suite.py --out truncated_tmaze_rnn --tasks TruncatedTMaze-L10,TruncatedTMaze-L30 \
  --agents rnn --seeds 1,2 $W $S
python bench/suite/run_suite.py --out truncated_tmaze_L100 --tasks TruncatedTMaze-L100 --agents rnn,lstm --seeds 0 $W $S
python bench/suite/run_suite.py --out minigrid_s7 --tasks MiniGrid-MemoryS7 --agents lstm,gru,rnn --seeds 0 --budget 100000 $W $S

# defaults/: the defaults run again on the same code (the same commands without $S): 
#   truncated_tmaze, truncated_tmaze_rnn, truncated_tmaze_L100, pocp_easy (PositionOnlyCartPoleEasy at 100k)
# true/: SB3's treatment (--set bootstrap_truncated=true): pendulum (seeds 0, 1), pocp_medium (seeds 0-2)

# train_runs.csv (collect.py): the Bakker T-maze, and the time-in-the-observation screen
python train.py --task=BakkerTMaze --memory_length=10 --core=lstm --seed=0 --total_timesteps=200000 \
  [--bootstrap_truncated=auto]
PYTHONPATH=bench/suite/results/bootstrap_auto python train.py --task=tenv:tpend-v0 --core=lstm --seed=S \
  --total_timesteps=100000 --stop_at_return=0.99 --eval_sampled=true   # S = 0, 1

# train_runs.csv, two screens on CartPoleNoVel at 50k that did not move its last update (the
# defaults' cells: cartpole_novel in compare.csv); the entropy_target screen was stopped early
python train.py --task=bench.suite.suite_envs:suite/CartPoleNoVel-v0 --core=CORE --seed=S \
  --total_timesteps=50000 --advantage_floor_ratio=0     # lstm 0, gru 4, rnn 0
python train.py --task=bench.suite.suite_envs:suite/CartPoleNoVel-v0 --core=CORE --seed=S \
  --total_timesteps=50000 --entropy_target=0.5          # seeds 0-1 (lstm 0-2)

# cartpole_updates/: CartPoleNoVel at 50k, seeds 0-4, a checkpoint after every update, each
# evaluated greedily on 20 episodes; cartpole_updates.csv summarises them (cartpole_updates.py)
python train.py --task=bench.suite.suite_envs:suite/CartPoleNoVel-v0 --core=CORE --seed=S \
  --total_timesteps=50000 --checkpoint_every=2048 --keep_checkpoints=0 [--bootstrap_truncated=auto]
python train.py evaluate RUN_DIR --checkpoints --episodes 20 --out cartpole_updates/SETTING/CORE-sS.csv
python bench/suite/results/bootstrap_auto/cartpole_updates.py

# compare.csv / compare.md: every auto cell against the defaults' cell
python bench/suite/results/bootstrap_auto/compare.py
