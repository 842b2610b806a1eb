# POPGym cells of the memory suite with the return stop (2026-12-05, commit c83737d): each cell
# stops once its greedy policy's mean return on 100 fresh episodes reaches 0.99 twice in a row
# (run_suite passes --stop_at_return=0.99 to POPGym cells), else trains its 1M budget. Two runs
# at a time on 2 cores, into one OUT:
R="python bench/suite/run_suite.py --out OUT --name suite-popgym-stop --workers 2 --wandb-mode offline"
$R --agents lstm,gru,rnn --seeds 0,1,2 --tasks RepeatPreviousEasy,RepeatFirstEasy,PositionOnlyCartPoleEasy
$R --agents lstm,gru,rnn --seeds 0 --tasks RepeatFirstMedium,PositionOnlyCartPoleMedium,NoisyPositionOnlyCartPoleEasy
# suite.csv / suite.md / suite.png here: the table of every cell above, written by rerunning
# run_suite with every task in --tasks (finished cells are not rerun).
#
# Earlier versions of the stop, same cells, not committed as defaults (their per-cell results in
# stop_versions.csv):
#   8231e0d: training episodes' mean return >= 0.95 (last 100), confirmed by 100 greedy episodes
#   7ce3504: greedy mean return >= 0.99 judged after every update, one pass
# Checkpoint check of 7ce3504's RepeatFirstEasy LSTM seed 2 (stopped on one pass at 305k):
#   python train.py evaluate OUT/runs/RepeatFirstEasy-lstm-s2 --episodes 400 --seed S  # S = 2, 11, 12
#   -> greedy mean return 0.943, 0.958, 0.957
