#!/usr/bin/env bash
# A user's own core (the README's layer-normalised GRU, my_cores.py here) trained with the
# defaults as they were for it before 2026-12-08 (a critic core of its own, no value head on
# the actor: --actor_value_coef=0) and with the actor's value head (--actor_value_coef=0.25,
# its default since). 45th session, on commit 515d6cd (the head given explicitly either way);
# two runs at a time on 2 cores; OUT is scratch.
set -euo pipefail
D=bench/results/user_core
export PYTHONPATH=$D
CORE=my_cores:layernorm-gru

# runs.csv, memory rows: from scratch, stop once solved, 2M env steps at most
for coef in 0 0.25; do
  for cell in TMaze,10,0 TMaze,10,1 TMaze,10,2 TMaze,30,0 TMaze,30,1 TMaze,30,2 \
      DelayedCue,30,0 DelayedCue,30,1 DelayedCue,30,2 TMaze,100,0 TMaze,100,1 TMaze,100,2 \
      TMaze,100,3 TMaze,100,4; do
    IFS=, read task L s <<< "$cell"
    python train.py --task=$task --memory_length=$L --core=$CORE --seed=$s \
      --actor_value_coef=$coef --total_timesteps=2000000 --video=false --wandb_mode=offline \
      --torch_threads=1 --progress=false --run_dir=OUT/av$coef/$task-L$L-layernorm-gru-s$s
  done
done
# (not every cell ran for --actor_value_coef=0: runs.csv has those that did)

# runs.csv, the suite's short cells: RepeatPreviousEasy at stock's 60k, CartPole without
# velocities at 50k (sb3-contrib's test passes at 450)
for coef in 0 0.25; do
  python bench/suite/run_suite.py --out OUT/av${coef}_rpe --tasks RepeatPreviousEasy --budget 60000 \
    --agents $CORE --seeds 0,1,2 --workers 1 --wandb-mode offline --set actor_value_coef=$coef
  python bench/suite/run_suite.py --out OUT/av${coef}_cp --tasks CartPoleNoVel \
    --agents $CORE --seeds 0,1,2 --workers 1 --wandb-mode offline --set actor_value_coef=$coef
  # the review's check on an episode end that is a truncation (at commit 909569e)
  python bench/suite/run_suite.py --out OUT/av${coef}_tt --tasks TruncatedTMaze-L10 \
    --agents $CORE --seeds 0,1 --workers 1 --wandb-mode offline --set actor_value_coef=$coef
done
python $D/collect.py $D/runs.csv OUT   # one row per run, with its actor_value_coef
