# bootstrap_truncated="auto" with the deadline rule (38th session, 2026-12-07, commit 85b8b6c;
# two runs at a time on 2 cores). OUT is where the suite tables were written; cells/ and
# defaults/ hold their CSV and Markdown.
S="--set bootstrap_truncated=auto"
W="--workers 1 --wandb-mode offline"

# cells/: the truncating T-maze (2M at most, stops once solved), the pendulum, CartPole 5-9
python bench/suite/run_suite.py --out OUT/truncated_tmaze_rnn --name deadline-truncated-tmaze-rnn \
  --tasks TruncatedTMaze-L10,TruncatedTMaze-L30,TruncatedTMaze-L100 --agents rnn --seeds 0,1,2 $W $S
python bench/suite/run_suite.py --out OUT/truncated_tmaze --name deadline-truncated-tmaze \
  --tasks TruncatedTMaze-L10,TruncatedTMaze-L30,TruncatedTMaze-L100 --agents lstm,gru --seeds 0,1,2 $W $S
python bench/suite/run_suite.py --out OUT/pendulum --name deadline-pendulum --held-out \
  --tasks PositionOnlyPendulumEasy --agents lstm,gru,rnn --seeds 0,1 --budget 100000 $W $S
python bench/suite/run_suite.py --out OUT/cartpole_novel_auto --name deadline-cartpole-novel-auto \
  --tasks CartPoleNoVel --agents lstm,gru,rnn --seeds 5,6,7,8,9 $W $S

python bench/suite/run_suite.py --out OUT/pocp_medium --name deadline-pocp-medium \
  --tasks PositionOnlyCartPoleMedium --agents lstm,gru,rnn --seeds 0,1,2,3,4 --budget 100000 $W $S
python bench/suite/run_suite.py --out OUT/cartpole_novel_100k_auto --name deadline-cartpole-novel-100k-auto \
  --tasks CartPoleNoVel --agents lstm --seeds 0,1,2,3,4,5,6,7,8,9 --budget 100000 $W $S
# POPGym's games, stopped after five cells (Concentration x 3 cores, the bandit x lstm, gru);
# no table, their verdicts are in verdicts.csv and their scores in train.log
python bench/suite/run_suite.py --out OUT/games --name deadline-games --held-out \
  --tasks MultiarmedBanditEasy,ConcentrationEasy,MineSweeperEasy,BattleshipEasy --agents lstm,gru,rnn \
  --seeds 0 --budget 100000 $W $S

# defaults/: the defaults (False) on CartPole's seeds 5-9 (seeds 0-4: ../targets/cartpole_novel),
# and at 100k on seeds 0-9
python bench/suite/run_suite.py --out OUT/cartpole_novel_false --name deadline-cartpole-novel-false \
  --tasks CartPoleNoVel --agents lstm,gru,rnn --seeds 5,6,7,8,9 $W --set bootstrap_truncated=false
python bench/suite/run_suite.py --out OUT/cartpole_novel_100k_false --name deadline-cartpole-novel-100k-false \
  --tasks CartPoleNoVel --agents lstm --seeds 0,1,2,3,4,5,6,7,8,9 --budget 100000 $W \
  --set bootstrap_truncated=false

# the GRU's walk at L=100, seed 0, with the defaults (W&B history read back for the README)
python train.py --task=bench.suite.suite_envs:suite/TruncatedTMaze-v0 --memory_length=100 --core=gru \
  --seed=0 --total_timesteps=150000 --eval_sampled=true --video=false --bootstrap_truncated=false

# walk_L100_gru_seed0.csv: the GRU's seed 0 at L=100, rollout by rollout (read back from each run's
# offline W&B run): the auto cell above, the defaults' run above, and these four
python train.py --task=bench.suite.suite_envs:suite/TruncatedTMaze-v0 --memory_length=100 --core=gru \
  --seed=0 --total_timesteps=200000 --eval_sampled=true --video=false --prev_action_reward=false \
  --bootstrap_truncated=B          # B = auto, false
PYTHONPATH=.:bench/suite/results/deadline python train.py --task=pace_at_deadline:PaceAtDeadline-v0 \
  --memory_length=100 --core=gru --seed=0 --total_timesteps=300000 --eval_sampled=true --video=false \
  --bootstrap_truncated=B          # B = auto, false (written to walk_pace_at_deadline.csv)

# verdicts.csv: each auto run's deadline payoffs, read back from its offline W&B run
python bench/suite/results/deadline/verdicts.py OUT/*/runs/*

# compare.csv / compare.md: every cell against the defaults and the earlier "auto"
R=bench/suite/results
python $R/bootstrap_auto/compare.py --label deadline --cells $R/deadline/cells --out $R/deadline \
  --defaults $R/targets/truncated_tmaze/suite.csv $R/targets/cartpole_novel/suite.csv \
  $R/deadline/defaults/cartpole_novel_s5-9.csv $R/deadline/defaults/cartpole_novel_100k.csv \
  $R/targets/pocp_medium_5seeds/suite.csv
