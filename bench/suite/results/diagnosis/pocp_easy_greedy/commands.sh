#!/usr/bin/env bash
# PositionOnlyCartPoleEasy, seed 2: the greedy policy after each update (2026-12-05, 20th
# session; README.md here). Code of commit 65f6f01.
set -euo pipefail
TASK=popgym:popgym-PositionOnlyCartPoleEasy-v0

# 1. The suite's LSTM cell (greedy 0.832 after 1M env steps), reproduced bit for bit with a
#    checkpoint after every update, all kept; every 10th checkpoint and the last 40, 64
#    greedy episodes each -> greedy_per_checkpoint_lstm_s2_default.csv
python train.py --task=$TASK --core=lstm --seed=2 --total_timesteps=1000000 --video=false \
    --checkpoint_every=2048 --keep_checkpoints=0 --run_dir=OUT/lstm_s2_default
python train.py evaluate OUT/lstm_s2_default --checkpoints --episodes=64 --seed=777 --out=OUT/lstm.csv
#    How its final model's greedy episodes end (cart position at the edge, pole upright):
python bench/suite/results/diagnosis/pocp_easy_greedy/episode_ends.py OUT/lstm_s2_default/model.zip

# 2. Each core with the defaults and with --entropy_weighting=advantage; every 4th checkpoint
#    of the second half and the last 10, 32 greedy episodes each ->
#    greedy_per_checkpoint_<core>_s2_<default|advw>.csv
for core in lstm gru rnn; do
    for setting in default advw; do
        extra=(); [ $setting = advw ] && extra=(--entropy_weighting=advantage)
        python train.py --task=$TASK --core=$core --seed=2 --total_timesteps=1000000 \
            --video=false --checkpoint_every=2048 --keep_checkpoints=0 \
            --run_dir=OUT/${core}_s2_$setting "${extra[@]}"
        python train.py evaluate OUT/${core}_s2_$setting --checkpoints --episodes=32 --seed=777 \
            --out=OUT/${core}_s2_$setting.csv   # then the rows kept as above
    done
done

# 3. What the advantage-scaled bonus costs where it cost before: RepeatFirstEasy, LSTM, seeds 1, 2
python bench/suite/run_suite.py --out OUT/rf_advw --agents lstm --seeds 1,2 \
    --tasks RepeatFirstEasy --set entropy_weighting=advantage --workers 1

# 4. The advantage-scaled bonus on other suite cells, gru and rnn, seed 0 -> advw_gru_rnn.csv
#    (the defaults' cells: ../../ablation/confirm_stop/confirm_stop.csv, same code; the GRU's
#    CartPoleNoVel with the defaults rerun on this code, the last row of advw_gru_rnn.csv)
python bench/suite/run_suite.py --out OUT/advw_gru_rnn --agents gru,rnn --seeds 0 --workers 2 \
    --tasks RepeatFirstEasy,TMaze-L100,DelayedCue-L100,TruncatedTMaze-L100,CartPoleNoVel \
    --set entropy_weighting=advantage
python bench/suite/run_suite.py --out OUT/cpnv_gru_default --agents gru --seeds 0 --tasks CartPoleNoVel
