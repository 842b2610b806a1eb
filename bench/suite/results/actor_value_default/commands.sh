# The memory suite with the LSTM's actor value head (actor_value_coef=0.25), before it became the
# LSTM's default (2026-12-05, commit 0034580 plus --set, the same training as the default on the
# next commit). Two runs at a time on 2 cores. OUT = /work/exp/s25/suite_av025.
python bench/suite/run_suite.py --out OUT --name suite-actor-value-025 --agents lstm --seeds 0 \
  --set actor_value_coef=0.25 --workers 2                       # every task, seed 0 (2,980 s)
python bench/suite/run_suite.py --out OUT --name suite-actor-value-025 --agents lstm --seeds 1,2 \
  --tasks RepeatPreviousEasy,RepeatFirstEasy,PositionOnlyCartPoleEasy,RepeatFirstMedium \
  --set actor_value_coef=0.25 --workers 2
python bench/suite/run_suite.py --out OUT --name suite-actor-value-025 --agents lstm --seeds 3 \
  --tasks RepeatFirstMedium --set actor_value_coef=0.25 --workers 1
python bench/suite/run_suite.py --out OUT --name suite-actor-value-025 --agents lstm --seeds 1,2,3,4 \
  --tasks CartPoleNoVel --set actor_value_coef=0.25 --workers 1
# The defaults of before (actor_value_coef 0) on the same code, where the seeds were missing:
# OUT_DEFAULTS = /work/exp/s25/suite_def (defaults.csv here).
python bench/suite/run_suite.py --out OUT_DEFAULTS --name suite-defaults-rfm --agents lstm \
  --seeds 1,2,3 --tasks RepeatFirstMedium --workers 1
python bench/suite/run_suite.py --out OUT_DEFAULTS --name suite-defaults-rfm --agents lstm \
  --seeds 0,1,2,3,4 --tasks CartPoleNoVel --workers 1
# The Medium tasks at stock's 100k env steps, with the head (medium_100k.*; stock and the cores'
# defaults at 100k: ../medium_100k/). OUT_100K = /work/exp/s25/rfm_100k_av025.
python bench/suite/run_suite.py --out OUT_100K --name suite-rfm-100k-av025 --agents lstm \
  --seeds 0,1,2 --budget 100000 --set actor_value_coef=0.25 --workers 1 \
  --tasks RepeatFirstMedium,RepeatPreviousMedium,AutoencodeMedium,PositionOnlyCartPoleMedium,NoisyPositionOnlyCartPoleMedium
# suite.md / defaults.md: the table of every finished cell (seeds 0-4), written with
# run_suite.write_table after the runs above (run_suite writes the last command's cells only).
