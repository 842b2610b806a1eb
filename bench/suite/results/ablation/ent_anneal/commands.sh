#!/usr/bin/env bash
# The entropy coefficient annealed to 0 over the last fifth of the budget (ent_anneal_fraction=0.2)
# against the defaults before it (0.0). 2026-12-05, 21st session, code of commit 01d2fa6 (the
# option, off by default). OUT: any scratch directory.
set -euo pipefail

# 1. The lottery case: PositionOnlyCartPoleEasy, LSTM seed 2 (0.832 with the defaults), with a
#    checkpoint after every update kept; every 10th checkpoint and each of the annealing
#    phase's 99, 32 greedy episodes each -> greedy_per_checkpoint_lstm_s2_anneal.csv
#    (the defaults' run: ../../diagnosis/pocp_easy_greedy/greedy_per_checkpoint_lstm_s2_default.csv)
TASK=popgym:popgym-PositionOnlyCartPoleEasy-v0
python train.py --task=$TASK --core=lstm --seed=2 --total_timesteps=1000000 --video=false \
    --checkpoint_every=2048 --keep_checkpoints=0 --ent_anneal_fraction=0.2 --run_dir=OUT/lstm_s2_anneal
#    (a copy of the run dir holding config.yaml and those checkpoints only, then)
python train.py evaluate OUT/lstm_sub --checkpoints --episodes=32 --seed=777 --out=OUT/lstm_s2_anneal.csv

# 2. PositionOnlyCartPoleEasy at the 1M, the other cells -> pocp_easy_1M.csv
python bench/suite/run_suite.py --out OUT/pocp_anneal --agents rnn,lstm --seeds 0,1 \
    --tasks PositionOnlyCartPoleEasy --set ent_anneal_fraction=0.2 --workers 1
python bench/suite/run_suite.py --out OUT/pocp_anneal --agents rnn,gru --seeds 2 \
    --tasks PositionOnlyCartPoleEasy --set ent_anneal_fraction=0.2 --workers 1
python bench/suite/run_suite.py --out OUT/pocp_anneal --agents gru --seeds 0,1 \
    --tasks PositionOnlyCartPoleEasy --set ent_anneal_fraction=0.2 --workers 1

# 3. Short budgets, where the anneal reaches a policy still learning: both settings, 3 seeds,
#    every core -> ablation.csv / ablation.md / ablation.png
python bench/suite/ablation.py --out OUT/abl --seeds 0,1,2 \
  --setting defaults= --setting anneal20=ent_anneal_fraction=0.2 \
  --group 60000:RepeatPreviousEasy,CartPoleNoVel \
  --group 100000:PositionOnlyCartPoleEasy,DelayedCue-L30 \
  --group 150000:RepeatFirstEasy,TMaze-L10,TruncatedTMaze-L10 --workers 1

# 4. The other 1M cells -> issue_budgets.csv (with 2. and 1.; the defaults' values are in
#    ../../defaults_prev_reward/suite.csv and ../rnn_critic/rnn_critic.csv, same code, except
#    the RNN's Medium and Noisy cells, rerun here with ent_anneal_fraction=0)
python bench/suite/run_suite.py --out OUT/rfe_anneal --agents lstm,rnn,gru --seeds 0,1,2 \
    --tasks RepeatFirstEasy --set ent_anneal_fraction=0.2 --workers 1
python bench/suite/run_suite.py --out OUT/m_anneal --agents lstm,rnn,gru --seeds 0 \
    --tasks RepeatFirstMedium,NoisyPositionOnlyCartPoleEasy --set ent_anneal_fraction=0.2 --workers 1
python bench/suite/run_suite.py --out OUT/m_default --agents rnn --seeds 0 \
    --tasks RepeatFirstMedium,NoisyPositionOnlyCartPoleEasy --workers 1

# 5. The two losses, each setting with its checkpoints kept, evaluated like 1.
#    -> greedy_per_checkpoint_rfe_rnn_s1_{0.2,0.0}.csv (every checkpoint from 600k, every 10th before)
#    -> greedy_per_checkpoint_rfm_rnn_s0_{0.2,0.0}.csv (every checkpoint from 600k)
for f in 0.2 0.0; do
    python train.py --task=popgym:popgym-RepeatFirstEasy-v0 --core=rnn --seed=1 \
        --total_timesteps=1000000 --video=false --checkpoint_every=2048 --keep_checkpoints=0 \
        --ent_anneal_fraction=$f --run_dir=OUT/rfe_rnn_s1/anneal_$f
    python train.py --task=popgym:popgym-RepeatFirstMedium-v0 --core=rnn --seed=0 \
        --total_timesteps=1000000 --video=false --checkpoint_every=8192 --keep_checkpoints=0 \
        --ent_anneal_fraction=$f --run_dir=OUT/rfm_rnn_s0/anneal_$f
    # (each evaluated with `train.py evaluate RUN --checkpoints --episodes=32 --seed=777` on a
    # copy holding the checkpoints listed above)
done

# 6. The robustness grid with it -> ../../../../results/robustness_ent_anneal.{md,csv}
python bench/robustness.py --steps 120000 --chunks 8 --seeds 0 1 2 --ppo ent_anneal_fraction=0.2 \
    --out bench/results/robustness_ent_anneal

# 7. A screen of entropy_target=0.5 (no anneal) on the two diagnosed runs, evaluated like 1. on
#    every checkpoint of the last fifth -> greedy_per_checkpoint_*_entropy_target0.5.csv
python train.py --task=popgym:popgym-RepeatFirstEasy-v0 --core=rnn --seed=1 --total_timesteps=1000000 \
    --video=false --checkpoint_every=2048 --keep_checkpoints=0 --entropy_target=0.5 --run_dir=OUT/et05/rfe_rnn_s1
python train.py --task=popgym:popgym-PositionOnlyCartPoleEasy-v0 --core=lstm --seed=2 --total_timesteps=1000000 \
    --video=false --checkpoint_every=2048 --keep_checkpoints=0 --entropy_target=0.5 --run_dir=OUT/et05/pocp_lstm_s2
