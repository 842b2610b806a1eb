# Both "auto" time-limit settings with the episode-range deadline rule (41st session,
# 2026-12-07, commit 6979cf3 with the old defaults; two runs at a time on 2 cores). OUT is where
# the suite tables were written; cells/ holds their CSV and Markdown. Each cell sets both
# settings, so the commands run the same on a commit whose defaults they are.
S="--set bootstrap_truncated=auto --set advantage_floor_discounted=auto"
W="--workers 1 --wandb-mode offline"

# Why a truncation is judged against its own episode: episode_lines.csv (random play, and the
# policies of the cells below)
R=OUT
PYTHONPATH=. python bench/suite/results/time_limits_auto/episode_lines.py \
  bench/suite/results/time_limits_auto/episode_lines.csv \
  "popgym:popgym-PositionOnlyPendulumEasy-v0=random" "popgym:popgym-NoisyPositionOnlyPendulumEasy-v0=random" \
  "popgym:popgym-MultiarmedBanditEasy-v0=random" "popgym:popgym-ConcentrationEasy-v0=random" \
  "popgym:popgym-MineSweeperEasy-v0=random" "popgym:popgym-BattleshipEasy-v0=random" \
  "minigrid:MiniGrid-MemoryS7-v0=random" "BakkerTMaze@10=random" \
  "bench.suite.suite_envs:suite/TruncatedTMaze-v0@10=random" "bench.suite.suite_envs:suite/TruncatedTMaze-v0@100=random" \
  a=$R/pend/runs/PositionOnlyPendulumEasy-lstm-s0 a=$R/pend/runs/PositionOnlyPendulumEasy-rnn-s1 \
  a=$R/cp/runs/CartPoleNoVel-lstm-s0 a=$R/pocpm/runs/PositionOnlyCartPoleMedium-gru-s0 \
  a=$R/ho/runs/VelocityOnlyCartpoleEasy-gru-s0 a=$R/ho/runs/MultiarmedBanditEasy-lstm-s0 \
  a=$R/ho/runs/ConcentrationEasy-rnn-s0 a=$R/ho/runs/MineSweeperEasy-lstm-s0 a=$R/ho/runs/BattleshipEasy-gru-s0 \
  a=$R/mg/runs/MiniGrid-MemoryS7-lstm-s0 a=$R/tt100/runs/TruncatedTMaze-L100-lstm-s0 \
  a=$R/tt100/runs/TruncatedTMaze-L100-gru-s0

# cells/: every suite task whose episodes can end by a truncation
python bench/suite/run_suite.py --out OUT/tt100 --tasks TruncatedTMaze-L100 --agents gru,lstm,rnn --seeds 0,1,2 $W $S
python bench/suite/run_suite.py --out OUT/tt1030 --tasks TruncatedTMaze-L10,TruncatedTMaze-L30 --agents gru,lstm,rnn \
  --seeds 0,1,2 $W $S
python bench/suite/run_suite.py --out OUT/pend --held-out --tasks PositionOnlyPendulumEasy --agents lstm,gru,rnn \
  --seeds 0,1 --budget 100000 $W $S
python bench/suite/run_suite.py --out OUT/pocpm --tasks PositionOnlyCartPoleMedium --agents lstm,gru,rnn \
  --seeds 0,1,2,3,4 --budget 100000 $W $S
python bench/suite/run_suite.py --out OUT/mg --tasks MiniGrid-MemoryS7 --agents lstm,gru,rnn --seeds 0 --budget 100000 $W $S
python bench/suite/run_suite.py --out OUT/cp --tasks CartPoleNoVel --agents lstm,gru,rnn --seeds 0,1,2,3,4,5,6,7,8,9 $W $S
python bench/suite/run_suite.py --out OUT/ho --held-out --tasks \
  ConcentrationEasy,MultiarmedBanditEasy,MineSweeperEasy,BattleshipEasy,VelocityOnlyCartpoleEasy \
  --agents lstm,gru,rnn --seeds 0 --budget 100000 $W $S
python bench/suite/run_suite.py --out OUT/pocpe --tasks PositionOnlyCartPoleEasy --agents lstm,gru,rnn --seeds 0,1,2 $W $S
python bench/suite/run_suite.py --out OUT/noisy --held-out --tasks NoisyPositionOnlyPendulumEasy,NoisyPositionOnlyCartPoleMedium \
  --agents lstm,gru,rnn --seeds 0,1 --budget 100000 $W $S
python bench/suite/run_suite.py --out OUT/mg11 --tasks MiniGrid-MemoryS11 --agents lstm,gru,rnn --seeds 0,1 --budget 100000 $W $S
# and the old defaults (False, False) on the last two, which no earlier table had on this code
F="--set bootstrap_truncated=false --set advantage_floor_discounted=false"
python bench/suite/run_suite.py --out OUT/noisy_def --held-out --tasks NoisyPositionOnlyPendulumEasy,NoisyPositionOnlyCartPoleMedium \
  --agents lstm,gru,rnn --seeds 0,1 --budget 100000 $W $F
python bench/suite/run_suite.py --out OUT/mg11_def --tasks MiniGrid-MemoryS11 --agents lstm,gru,rnn --seeds 0,1 --budget 100000 $W $F

# foreign.csv: Gymnasium's own tasks with a time limit, through train.py, each setting
for s in 0 1; do for c in lstm gru rnn; do for setting in auto false; do  # and the LSTM's Pendulum-v1 on seeds 2-4
  python train.py --task=Acrobot-v1 --core=$c --seed=$s --total_timesteps=100000 --video=false --wandb_mode=disabled \
    --run_dir=OUT/foreign/Acrobot-v1-$setting-$c-s$s --bootstrap_truncated=$setting --advantage_floor_discounted=$setting
  python train.py --task=Pendulum-v1 --core=$c --seed=$s --total_timesteps=200000 --video=false --wandb_mode=disabled \
    --run_dir=OUT/foreign/Pendulum-v1-$setting-$c-s$s --bootstrap_truncated=$setting --advantage_floor_discounted=$setting
done; done; done
# bakker.csv: the toolkit's Bakker T-maze (truncated at 4 (L + 1) steps), L=10, each setting
for s in 0 1 2; do for setting in auto false; do
  python train.py --task=BakkerTMaze --memory_length=10 --seed=$s --total_timesteps=200000 --video=false \
    --wandb_mode=disabled --run_dir=OUT/bakker/${setting}_s$s --bootstrap_truncated=$setting --advantage_floor_discounted=$setting
done; done

# compare.md / compare.csv: every cell against the old defaults' cell of the same seed
S=bench/suite/results
python $S/bootstrap_auto/compare.py --label new_defaults --cells $S/time_limits_auto/cells \
  --out $S/time_limits_auto --defaults $S/time_limits_auto/old_defaults/noisy.csv \
  $S/time_limits_auto/old_defaults/minigrid_s11.csv $S/discounted_floor/defaults_s40/held_out.csv \
  $S/targets/easy/suite.csv $S/targets/medium100k/suite.csv $S/targets/truncated_tmaze/suite.csv \
  $S/targets/cartpole_novel/suite.csv $S/deadline/defaults/cartpole_novel_s5-9.csv \
  $S/targets/pocp_medium_5seeds/suite.csv
python bench/suite/results/time_limits_auto/collect_runs.py bench/suite/results/time_limits_auto/bakker.csv OUT/bakker/*
# the floor summed with bootstrapping, the LSTM on Pendulum-v1 (rows Pendulum-v1-autosummed-*)
for s in 0 1 2 3 4; do
  python train.py --task=Pendulum-v1 --core=lstm --seed=$s --total_timesteps=200000 --video=false --wandb_mode=disabled \
    --run_dir=OUT/foreign_diag/Pendulum-v1-autosummed-lstm-s$s --bootstrap_truncated=auto --advantage_floor_discounted=false
done
python bench/suite/results/time_limits_auto/collect_runs.py bench/suite/results/time_limits_auto/foreign.csv \
  OUT/foreign/* OUT/foreign_diag/*
# pendulum_400k.csv: the LSTM on Pendulum-v1 at twice the budget, seeds 0-2, each setting
for s in 0 1 2; do for setting in auto false; do
  python train.py --task=Pendulum-v1 --core=lstm --seed=$s --total_timesteps=400000 --video=false --wandb_mode=disabled \
    --run_dir=OUT/p400/Pendulum-v1-$setting-lstm-s$s --bootstrap_truncated=$setting --advantage_floor_discounted=$setting
done; done
python bench/suite/results/time_limits_auto/collect_runs.py bench/suite/results/time_limits_auto/pendulum_400k.csv OUT/p400/*
# pendulum_critic.csv (42nd session): the LSTM (seeds 0-4) and the GRU (0, 1) on Pendulum-v1 again,
# each setting, with W&B histories; and the new defaults with twice the entropy bonus (autoent04)
for c in lstm gru; do for s in 0 1 2 3 4; do for setting in auto false; do
  [ $c = gru ] && [ $s -gt 1 ] && continue
  python train.py --task=Pendulum-v1 --core=$c --seed=$s --total_timesteps=200000 --video=false --wandb_mode=offline \
    --run_dir=OUT/pend/Pendulum-v1-$setting-$c-s$s --bootstrap_truncated=$setting --advantage_floor_discounted=$setting
done; done; done
for s in 0 1 2 3 4; do
  python train.py --task=Pendulum-v1 --core=lstm --seed=$s --total_timesteps=200000 --video=false --wandb_mode=offline \
    --run_dir=OUT/pend/Pendulum-v1-autoent04-lstm-s$s --ent_coef=0.04
done
python bench/suite/results/time_limits_auto/pendulum_critic.py bench/suite/results/time_limits_auto/pendulum_critic.csv \
  OUT/pend/Pendulum-v1-auto-* OUT/pend/Pendulum-v1-false-* OUT/pend/Pendulum-v1-autoent04-*
