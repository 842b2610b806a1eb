# The suite at the budgets with the defaults of 2026-12-03 (previous reward observed,
# stop once 95% of the last 100 training episodes succeed), seed 0, commit 239d8fa, partial:
# the cells below, run in these groups into one OUT (two at a time on 2 cores).
for tasks in RepeatPreviousEasy,RepeatFirstEasy,PositionOnlyCartPoleEasy CartPoleNoVel AutoencodeEasy; do
  python bench/suite/run_suite.py --out OUT --name suite-defaults --agents lstm,gru,rnn --seeds 0 \
    --workers 1 --tasks $tasks   # AutoencodeEasy: only the lstm cell finished before the stop
done
for tasks in TMaze-L10,TMaze-L30,DelayedCue-L10,DelayedCue-L30,DelayedCue-L100 \
    TruncatedTMaze-L10,TruncatedTMaze-L30 bsuite-L30,bsuite-L10 TruncatedTMaze-L100; do
  python bench/suite/run_suite.py --out OUT --name suite-defaults --agents lstm,gru,rnn --seeds 0 \
    --workers 1 --tasks $tasks
done
python bench/suite/run_suite.py --out OUT --name suite-defaults --agents lstm --seeds 0 \
  --workers 1 --tasks bsuite-L50,bsuite-L100
python bench/suite/run_suite.py --out OUT --name suite-defaults --agents gru,rnn --seeds 0 \
  --workers 1 --tasks bsuite-L50
# TMaze-L100: the seed-0 cells of the prstop ablation (../ablation/tmaze_L100_prev_reward.*,
# prev_action_reward=reward and stop_at_success=0.95 set explicitly on commit 9251e33: the same
# training as these defaults), copied into OUT/runs. The table: rerun run_suite with every task
# above in --tasks (all finished; it only writes the table).
# 13th session (2026-12-03, commits dc1212a / 1cf7ad0: the same training code), into the same OUT:
python bench/suite/run_suite.py --out OUT --name suite-defaults --agents lstm --seeds 0 --workers 1 \
  --tasks bsuite   # all 23 lengths (4 had run)
python bench/suite/run_suite.py --out OUT --name suite-defaults --agents lstm,gru,rnn --seeds 1,2 \
  --workers 1 --tasks DelayedCue-L100
python bench/suite/run_suite.py --out OUT --name suite-defaults --agents lstm,gru,rnn --seeds 0 \
  --workers 1 --tasks MiniGrid-MemoryS7
python bench/suite/run_suite.py --out OUT --name suite-defaults --agents lstm,gru,rnn --seeds 0 \
  --workers 1 --tasks RepeatPreviousMedium,PositionOnlyCartPoleMedium,RepeatFirstMedium,NoisyPositionOnlyCartPoleEasy
python bench/suite/run_suite.py --out OUT --name suite-defaults --agents rnn,lstm,gru --seeds 1 \
  --workers 1 --tasks RepeatFirstEasy,RepeatPreviousEasy,PositionOnlyCartPoleEasy
# Stopped for time: PositionOnlyCartPoleMedium (all cores), RepeatFirstMedium rnn and
# PositionOnlyCartPoleEasy seed 1 did not finish. RepeatFirstEasy-rnn-s1 and
# RepeatFirstMedium-gru-s0 were interrupted once and resumed from their checkpoints. TMaze-L10 lstm
# seeds 1 and 2 ran when the table was written (--tasks TMaze-L10 --agents lstm --seeds 0,1,2).
# 14th session (2026-12-04, commit 5330393: envs.adapt one-hots MiniGrid's view; the other
# tasks' training code unchanged), into the same OUT. The MiniGrid-MemoryS7 cells of the 13th
# session (0.44 each, view as numbers) were moved out of OUT/runs first.
R="python bench/suite/run_suite.py --out OUT --name suite-defaults --workers 1 --seeds 0"
$R --agents lstm,gru,rnn --tasks MiniGrid-MemoryS7      # lstm and gru stopped at 106k / 86k
$R --agents lstm,gru,rnn --tasks PositionOnlyCartPoleMedium,NoisyPositionOnlyCartPoleMedium
$R --agents lstm,gru,rnn --tasks AutoencodeMedium       # and resumed from their checkpoints
$R --agents gru,rnn --tasks AutoencodeEasy,RepeatFirstMedium
$R --agents lstm,gru,rnn --tasks MiniGrid-MemoryS11
# The table: the same command with --tasks covering every row (finished cells are not rerun).
# (15th session) the table, from every finished cell in OUT for seeds 0-2 (all three cells named
# here had finished, so nothing ran):
python bench/suite/run_suite.py --out OUT --name suite-defaults --seeds 0,1,2 --agents lstm \
  --tasks TMaze-L10 --workers 1 --wandb-mode offline
