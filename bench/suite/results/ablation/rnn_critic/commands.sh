#!/usr/bin/env bash
# The vanilla RNN's critic: its own core (separate, the default before) or the actor's (shared, the
# RNN's default since). Commit 28cece3's code, run with --critic_core given explicitly; results
# and the traces in this directory (README.md).
set -euo pipefail

# Why the RNN fails the T-maze at L=100 from scratch with its own critic: the suite's cell under
# the defaults of the day (its W&B history: suite_run_separate_seed0.csv; the final model's probe:
# probe_separate_seed0_final.csv), and traces of the decision step every 65,536 env steps
python bench/suite/run_suite.py --out OUT/rnn_now --agents rnn --seeds 0 --tasks TMaze-L100
python bench/frontier/results/scratch/decision_probe.py --task TMaze --memory-length 100 \
    --model OUT/rnn_now/runs/TMaze-L100-rnn-s0/model.zip --out probe_separate_seed0_final.csv
for cc in separate shared; do
    python bench/frontier/results/scratch/decision_trace.py --out trace_${cc}_seed0.csv \
        --chunk 65536 --steps 1200000 -- --task TMaze --memory_length 100 --core rnn \
        --critic_core $cc --seed 0
done

# The suite with the shared critic (the separate cells: ../../defaults_prev_reward/suite.csv,
# ../critic_core.csv, and the pocpm_separate run below)
S="--agents rnn --set critic_core=shared --workers 1"
python bench/suite/run_suite.py --out OUT/rnn_shared_a --seeds 0 $S \
    --tasks DelayedCue-L100,TMaze-L30,TruncatedTMaze-L30,TruncatedTMaze-L100,PositionOnlyCartPoleEasy,NoisyPositionOnlyCartPoleEasy,RepeatPreviousMedium,PositionOnlyCartPoleMedium,NoisyPositionOnlyCartPoleMedium,AutoencodeEasy,AutoencodeMedium
python bench/suite/run_suite.py --out OUT/rnn_shared_b --seeds 0,1,2 $S \
    --tasks TMaze-L30,DelayedCue-L100,PositionOnlyCartPoleEasy,RepeatFirstEasy,RepeatPreviousEasy,CartPoleNoVel
python bench/suite/run_suite.py --out OUT/rnn_shared_c --seeds 0 $S \
    --tasks TruncatedTMaze-L10,TMaze-L10,DelayedCue-L10,DelayedCue-L30,bsuite-L30,bsuite-L50,MiniGrid-MemoryS7
python bench/suite/run_suite.py --out OUT/pocpm_shared --seeds 1,2 $S --tasks PositionOnlyCartPoleMedium
python bench/suite/run_suite.py --out OUT/pocpm_separate --seeds 1,2 --agents rnn --workers 1 \
    --tasks PositionOnlyCartPoleMedium

# The curriculum grid's rnn runs (bench/frontier/grid.sh's, rnn only) with the shared critic
COMMON=(--one-run --cores rnn --seeds 0,1,2,3,4 --lengths 5,10,20,50,100,200,500,1000
    --results-dir OUT/grid_rnn_shared --sweeps-dir OUT/grid_sweeps --workers 1)
python bench/frontier/horizon.py --tasks TMaze --recipe curriculum-greedy "${COMMON[@]}" \
    --tag shared -- --critic_core=shared
python bench/frontier/horizon.py --tasks DelayedCue --recipe curriculum-greedy "${COMMON[@]}" \
    --tag noprev-shared -- --prev_action_reward=false --critic_core=shared
python bench/frontier/horizon.py --tasks TMaze --core-configs configs/active_tmaze \
    --max-steps 3000000 "${COMMON[@]}" --tag shared -- --critic_core=shared
# ... and with the entropy bonus divided by L/10 at each stage (curriculum/scale_ent/): the two
# passive seeds that failed above, as the grid's cells (train.py directly), and the active
# T-maze (seed 0 only; stopped after it, since it failed as before)
for s in 2 4; do
    python train.py --config=configs/tmaze_lstm_L1000.yaml --core=rnn --chrono_init=off \
        --total_timesteps=2000000 --eval_length_factor=10 --success_measure=greedy \
        --curriculum=5,10,20,50,100,200,500 --stage_results=true --critic_core=shared \
        --curriculum_scale_ent_coef=true --seed=$s --run_dir=OUT/scale_ent/rnn_s$s
done
python bench/frontier/horizon.py --tasks TMaze --core-configs configs/active_tmaze \
    --max-steps 3000000 "${COMMON[@]}" --tag shared-scaleent -- --critic_core=shared \
    --curriculum_scale_ent_coef=true

# TMaze-L100 and DelayedCue-L100 from scratch, seeds 3 and 4, both critics
python bench/suite/run_suite.py --out OUT/l100_shared_s34 --seeds 3,4 --agents rnn \
    --set critic_core=shared --workers 1 --tasks TMaze-L100,DelayedCue-L100
python bench/suite/run_suite.py --out OUT/l100_separate_s34 --seeds 3,4 --agents rnn \
    --set critic_core=separate --workers 1 --tasks TMaze-L100,DelayedCue-L100
python bench/suite/run_suite.py --out OUT/rnn_shared_d --seeds 0 $S --tasks MiniGrid-MemoryS11
