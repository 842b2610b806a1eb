# The advantage floor in the advantages' units (advantage_floor_discounted), 39th session,
# 2026-12-07, commit 607da91 (the option; defaults otherwise); two runs at a time on 2 cores.
# OUT is any directory. The defaults' and "auto"'s CartPole cells are earlier sessions' (summarise.py).
W="--workers 1 --wandb-mode offline --agents lstm,gru,rnn"

# cells/<name>.csv: CartPole without velocities at 50k, seeds 0-9, one setting per name
#   floor0=advantage_floor_ratio=0, floor005=advantage_floor_ratio=0.05,
#   discounted=advantage_floor_discounted=true; <name>_auto adds bootstrap_truncated=auto
python bench/suite/run_suite.py --out OUT/NAME --name s39-NAME --tasks CartPoleNoVel \
  --seeds 0,1,2,3,4,5,6,7,8,9 $W --set SETTING [--set bootstrap_truncated=auto]
# floor_binding.csv: how much the floor scaled each run's policy gradient (W&B histories)
python bench/suite/results/discounted_floor/binding.py defaults=OUT/defaults auto=OUT/auto \
  floor0=OUT/floor0 ... discounted_auto=OUT/discounted_auto auto_auto=OUT/cp_aa   # auto_auto: 40th session
# floor.md / floor.csv
python bench/suite/results/discounted_floor/summarise.py

# grid/: both (advantage_floor_discounted=true, bootstrap_truncated=auto) on the named targets;
# compare.md / compare.csv against the defaults' cells of ../targets/ (commit 7152226)
B="--set advantage_floor_discounted=true --set bootstrap_truncated=auto"
python bench/suite/run_suite.py --out OUT/easy --tasks RepeatPreviousEasy,RepeatFirstEasy,PositionOnlyCartPoleEasy \
  --seeds 0,1,2 $W $B
python bench/suite/run_suite.py --out OUT/medium100k --tasks PositionOnlyCartPoleMedium,RepeatFirstMedium \
  --budget 100000 --seeds 0,1,2 $W $B
python bench/suite/run_suite.py --out OUT/truncated_tmaze --tasks TruncatedTMaze-L10,TruncatedTMaze-L30,TruncatedTMaze-L100 \
  --seeds 0,1,2 $W $B     # stopped after the L=100 LSTM cells (the GRU's and the RNN's not run)
python bench/suite/run_suite.py --out OUT/pendulum --held-out --tasks PositionOnlyPendulumEasy --budget 100000 \
  --seeds 0,1 $W $B
python bench/suite/run_suite.py --out OUT/rpe60k --tasks RepeatPreviousEasy --budget 60000 --seeds 0,1,2 $W $B
# grid/pendulum_lstm_s23 and, with bootstrap_truncated=auto alone, auto/pendulum_lstm_s23
python bench/suite/run_suite.py --out OUT/pendulum_lstm_s23 --held-out --tasks PositionOnlyPendulumEasy \
  --budget 100000 --agents lstm --seeds 2,3 --workers 1 --wandb-mode offline $B
python bench/suite/run_suite.py --out OUT/minigrid --tasks MiniGrid-MemoryS7 --budget 100000 --seeds 0 $W $B
# grid/cartpole_novel.csv is cells/discounted_auto.csv
S=bench/suite/results
python $S/bootstrap_auto/compare.py --label discounted_auto --cells $S/discounted_floor/grid \
  --out $S/discounted_floor --defaults $S/targets/easy/suite.csv $S/targets/medium100k/suite.csv \
  $S/targets/truncated_tmaze/suite.csv $S/targets/cartpole_novel/suite.csv \
  $S/deadline/defaults/cartpole_novel_s5-9.csv

# discounted/: the floor discounted alone
D="--set advantage_floor_discounted=true"
python bench/suite/run_suite.py --out OUT/pendulum --held-out --tasks PositionOnlyPendulumEasy --budget 100000 \
  --seeds 0,1 $W $D
python bench/suite/run_suite.py --out OUT/rpe60k --tasks RepeatPreviousEasy --budget 60000 --seeds 0,1,2 $W $D
python bench/suite/run_suite.py --out OUT/memory --tasks TMaze-L100,TruncatedTMaze-L10 --seeds 0 $W $D
python bench/suite/run_suite.py --out OUT/tmaze100 --tasks TMaze-L100 --seeds 1,2 $W $D
python bench/suite/run_suite.py --out OUT/rfm_rnn --tasks RepeatFirstMedium --budget 100000 --agents rnn \
  --seeds 3,4 --workers 1 --wandb-mode offline $D    # and the same without $D: rfm_rnn_defaults
python bench/suite/run_suite.py --out OUT/rfe_rnn --tasks RepeatFirstEasy --agents rnn \
  --seeds 3,4 --workers 1 --wandb-mode offline $D    # and the same without $D: rfe_rnn_defaults
python bench/robustness.py --steps 120000 --chunks 8 --seeds 0 1 2 --ppo advantage_floor_discounted=true \
  --out robustness

# kl_stops.csv (40th session): how far each update's first steps moved the policy, per run, read
# from the offline W&B histories of the Easy cells (the defaults: ../targets/easy/ and the RNN's
# RepeatFirstEasy seeds 3-4; both: grid/easy and seeds 3-4 with the floor discounted alone,
# which is both there)
python bench/suite/results/discounted_floor/kl_stops.py defaults=OUT/targets/easy \
  defaults=OUT/rfe_rnn_defaults both=OUT/easy both=OUT/rfe_rnn

# tmaze_L1000/ (40th session): the toolkit's T-maze at L=1000 from scratch, the defaults plus the
# floor discounted, LSTM seeds 0-4, two runs at a time (each result_seed<S>.json is the run's
# result.json; the defaults' five: bench/results/scratch_L1000_defaults/rollout_variants/)
for seed in 0 1 2 3 4; do
  python train.py --task=TMaze --memory_length=1000 --core=lstm --seed=$seed \
    --total_timesteps=4000000 --eval_length_factor=0 --video=false \
    --advantage_floor_discounted=true --run_dir OUT/l1000_TMaze_s$seed/run --wandb_mode=offline
done
python bench/suite/results/discounted_floor/tmaze_L1000/histories.py \
  bench/suite/results/discounted_floor/tmaze_L1000/histories.csv s0=OUT/l1000_TMaze_s0/run \
  s1=OUT/l1000_TMaze_s1/run s2=OUT/l1000_TMaze_s2/run s3=OUT/l1000_TMaze_s3/run \
  s4=OUT/l1000_TMaze_s4/run

# auto_auto/ (40th session): bootstrap_truncated="auto" with advantage_floor_discounted="auto"
# (commit 98431b8), every task of the suite with a time limit that was run; defaults_s40/: the
# held-out games with the defaults, run again on the same code
AA="--set bootstrap_truncated=auto --set advantage_floor_discounted=auto"
python bench/suite/run_suite.py --out OUT/cp_aa --tasks CartPoleNoVel --seeds 0,1,2,3,4,5,6,7,8,9 $W $AA
python bench/suite/run_suite.py --out OUT/pend_aa --held-out --tasks PositionOnlyPendulumEasy \
  --budget 100000 --seeds 0,1 $W $AA
python bench/suite/run_suite.py --out OUT/tt_aa --tasks TruncatedTMaze-L10,TruncatedTMaze-L30 --seeds 0,1,2 $W $AA
python bench/suite/run_suite.py --out OUT/mg_aa --tasks MiniGrid-MemoryS7 --budget 100000 --seeds 0 $W $AA
H=CountRecallEasy,HigherLowerEasy,ConcentrationEasy,MultiarmedBanditEasy,MineSweeperEasy,BattleshipEasy,VelocityOnlyCartpoleEasy
python bench/suite/run_suite.py --out OUT/ho_aa --held-out --tasks $H --budget 100000 --seeds 0 $W $AA
python bench/suite/run_suite.py --out OUT/ho_def --held-out --tasks $H --budget 100000 --seeds 0 $W
python bench/suite/run_suite.py --out OUT/pocpm_aa --tasks PositionOnlyCartPoleMedium --budget 100000 --seeds 0,1,2 $W $AA
python bench/suite/run_suite.py --out OUT/pocpe_aa --tasks PositionOnlyCartPoleEasy --seeds 0,1,2 $W $AA
python bench/suite/run_suite.py --out OUT/tt100_aa --tasks TruncatedTMaze-L100 --seeds 0,1,2 $W $AA
# each OUT/*/suite.{csv,md} copied to auto_auto/cells/ (cartpole_novel = cp_aa, also cells/auto_auto.*
# for floor.md), then
S=bench/suite/results
python $S/bootstrap_auto/compare.py --label auto_auto --cells $S/discounted_floor/auto_auto/cells \
  --out $S/discounted_floor/auto_auto --defaults $S/discounted_floor/defaults_s40/held_out.csv \
  $S/targets/easy/suite.csv $S/targets/medium100k/suite.csv $S/targets/truncated_tmaze/suite.csv \
  $S/targets/cartpole_novel/suite.csv $S/deadline/defaults/cartpole_novel_s5-9.csv
python $S/discounted_floor/tmaze_L1000/histories.py $S/discounted_floor/auto_auto/tmaze_l100_gru_s0.csv \
  gru_s0=OUT/tt100_aa/runs/TruncatedTMaze-L100-gru-s0
