#!/bin/bash
# The actor's own value head (--actor_value_coef), 2026-12-05, code of commit bb76898 (the option,
# off by default). OUT: any scratch directory. Two runs at a time on the 2-core machine.
# Since the commit after f426691 the actor's latent is computed once per minibatch for the
# action head and the actor's value head (it was computed twice): the same function, but the
# gradient is summed in another order (about 1e-8 relative), so a rerun can follow another
# trajectory from the same seed. Runs without the option are bit for bit unchanged.
T="--total_timesteps=2000000 --eval_length_factor=10"

# 1. The T-maze cells the defaults lose to the junction trap (LSTM L=100 seed 1; LSTM L=200 seeds
#    0 and 3; GRU L=200 seed 4), the defaults plus the option -> runs.csv, histories.csv
for coef in 0.5 0.25 0.1; do
  for cell in "lstm 100 1" "lstm 200 0" "lstm 200 3" "gru 200 4"; do set -- $cell
    python train.py --task=TMaze --memory_length=$2 --core=$1 --seed=$3 --actor_value_coef=$coef \
      --run_dir=OUT/av/tmaze-$1-L$2-s$3-av$coef $T
  done
done

# 1b. The LSTM with 0.25 on every seed: the T-maze at L=100 and 200, DelayedCue at L=200
#    -> runs.csv, histories.csv (one row per run: its config.yaml and result.json; its W&B
#    history every ~50k env steps)
for task in "TMaze 100" "TMaze 200" "DelayedCue 200"; do set -- $task
  for seed in 0 1 2 3 4; do
    python train.py --task=$1 --memory_length=$2 --core=lstm --seed=$seed --actor_value_coef=0.25 \
      --run_dir=OUT/av/$1-lstm-L$2-s$seed-av0.25 $T
  done
done

# 2. Short budgets, where the critic on the actor's core cost the GRU: 3 seeds, lstm and gru
#    -> ablation.csv / ablation.md / ablation.png (0.5 and 0.25 on the 60k group only)
G60="--group 60000:RepeatPreviousEasy,CartPoleNoVel"
G150="--group 150000:RepeatFirstEasy,TMaze-L10,TruncatedTMaze-L10"
python bench/suite/ablation.py --out OUT/abl --seeds 0,1,2 --agents lstm,gru --workers 1 \
  --setting defaults= --setting av01=actor_value_coef=0.1 $G60 $G150
python bench/suite/ablation.py --out OUT/abl --seeds 0,1,2 --agents lstm,gru --workers 1 \
  --setting av05=actor_value_coef=0.5 $G60
python bench/suite/ablation.py --out OUT/abl --seeds 0,1,2 --agents lstm,gru --workers 1 \
  --setting av025=actor_value_coef=0.25 $G60
python bench/suite/ablation.py --out OUT/abl --table-only --seeds 0,1,2 --agents lstm,gru \
  --setting defaults= --setting av05=actor_value_coef=0.5 --setting av025=actor_value_coef=0.25 \
  --setting av01=actor_value_coef=0.1 $G60 $G150

# 3. The robustness grid (lstm and gru) with 0.1 -> robustness_av01.csv / .md
python bench/robustness.py --steps 120000 --chunks 8 --seeds 0 1 2 --cores lstm gru \
  --ppo actor_value_coef=0.1 --out OUT/robustness_av01

# 4. RepeatFirstMedium at 1M env steps (POPGym cells stop at 0.99), LSTM -> rfm_lstm.csv (the
#    defaults' seed 0 is the popgym_stop suite's cell)
python bench/suite/run_suite.py --out OUT/rfm_av01 --name rfm-av01 --agents lstm --seeds 0,1 \
  --tasks RepeatFirstMedium --set actor_value_coef=0.1 --workers 1 --wandb-mode offline
python bench/suite/run_suite.py --out OUT/rfm_def --name rfm-defaults --agents lstm --seeds 1 \
  --tasks RepeatFirstMedium --workers 1 --wandb-mode offline
python bench/robustness.py --steps 120000 --chunks 8 --seeds 0 1 2 --cores lstm \
  --ppo actor_value_coef=0.25 --out OUT/robustness_lstm_av025
python bench/suite/run_suite.py --out OUT/rfm_av025 --name rfm-av025 --agents lstm --seeds 0,1 \
  --tasks RepeatFirstMedium --set actor_value_coef=0.25 --workers 1 --wandb-mode offline
