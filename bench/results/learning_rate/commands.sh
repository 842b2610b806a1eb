# Twice the learning rate (1e-3 instead of 5e-4) for the gated cores, checked on the long-memory
# tasks before it could become a per-core default (31st session, 2026-12-06, commit 0b1a438's
# code; two runs at a time on 2 cores). Nothing here changed a default.

# robustness_lr1e3.*: the robustness grid, gated cores, 3 seeds
python bench/robustness.py --steps 120000 --chunks 8 --seeds 0 1 2 --cores lstm gru \
  --ppo learning_rate=0.001 --out robustness_lr1e3

# scratch_cells.csv: from-scratch cells, the defaults plus --learning_rate=1e-3
python bench/frontier/horizon.py --recipe defaults --tasks TMaze --cores lstm --lengths 100,200,500 \
  --seeds 0,1,2,3,4 --tag lr1e3 --eval-length-factor 0 -- --learning_rate=1e-3
python bench/frontier/horizon.py --recipe defaults --tasks TMaze --cores gru --lengths 100,200 \
  --seeds 0,1,2,3,4 --tag lr1e3 --eval-length-factor 0 -- --learning_rate=1e-3   # stopped after seed 3 of L=200
python bench/frontier/horizon.py --recipe defaults --tasks DelayedCue --cores gru --lengths 100 \
  --seeds 0,1,2,3,4 --tag lr1e3 --eval-length-factor 0 -- --learning_rate=1e-3
python bench/frontier/horizon.py --recipe defaults --tasks DelayedCue --cores gru --lengths 200 \
  --seeds 0,1,2,3,4 --tag lr1e3 --eval-length-factor 0 -- --learning_rate=1e-3
for seed in 0 1; do   # seed 1 stopped by hand at 2.26M env steps (the walk lost); seeds 2-4 not run
  python train.py --task=TMaze --memory_length=1000 --core=lstm --seed=$seed --total_timesteps=4000000 \
    --eval_length_factor=0 --video=false --learning_rate=1e-3
done
python train.py --task=TMaze --memory_length=200 --core=gru --seed=2 --total_timesteps=2000000 \
  --eval_length_factor=0 --video=false --learning_rate=1e-3 --actor_value_coef=0.25   # the screen
python train.py --task=TMaze --memory_length=200 --core=gru --seed=4 --total_timesteps=2000000 \
  --eval_length_factor=0 --video=false --learning_rate=1e-3
# tmaze_L1000_lstm_seed1_history.csv: that run's W&B history (offline run files)

# suite/: the memory suite's cells for the GRU (each file's own command is in its .md)
python bench/suite/run_suite.py --out suite_lr1e3 --tasks RepeatPreviousEasy,RepeatFirstEasy,PositionOnlyCartPoleEasy \
  --agents gru --seeds 0,1,2 --set learning_rate=0.001
python bench/suite/run_suite.py --out suite_lr1e3_cp --tasks CartPoleNoVel --agents gru --seeds 0,1,2,3,4 --set learning_rate=0.001
python bench/suite/run_suite.py --out held_out_lr1e3 --held-out --tasks CountRecallEasy,HigherLowerEasy,ConcentrationEasy,MultiarmedBanditEasy,MineSweeperEasy,BattleshipEasy,VelocityOnlyCartpoleEasy,PositionOnlyPendulumEasy,NoisyPositionOnlyPendulumEasy \
  --agents gru --seeds 0 --budget 100000 --set learning_rate=0.001
python bench/suite/run_suite.py --out suite_lr1e3_tk --tasks TruncatedTMaze-L10,TruncatedTMaze-L30,TruncatedTMaze-L100,TMaze-L10,TMaze-L30,DelayedCue-L10,DelayedCue-L30 \
  --agents gru --seeds 0 --set learning_rate=0.001
python bench/suite/run_suite.py --out suite_lr1e3_rfm --tasks RepeatFirstMedium --agents gru --seeds 0 --set learning_rate=0.001
python bench/suite/run_suite.py --out rpe60k_lr1e3 --budget 60000 --tasks RepeatPreviousEasy --agents gru --seeds 0,1,2 --set learning_rate=0.001
python bench/suite/run_suite.py --out rpe60k_lr1e3_av025 --budget 60000 --tasks RepeatPreviousEasy --agents gru --seeds 0,1,2 \
  --set learning_rate=0.001 --set actor_value_coef=0.25
