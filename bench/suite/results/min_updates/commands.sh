# min_updates (README, "Enough updates in a short run"), 2026-12-06 (34th session), measured on
# the code of commit 5978c57, where it was an option (default 0; the cells of `defaults` ran
# without the option); 64 is the default since, so the commands below name min_updates=0 for
# the defaults before. Every cell is train.py with the suite's options; greedy after the last
# update. Run from the repository root; each command resumes.
ABL=min_updates_runs

# bsuite memory_size, every bit count, seeds 0 and 1 (before: bench/suite/results/held_out_size/)
python bench/suite/run_suite.py --out $ABL/size --held-out --tasks bsuite-size \
    --agents lstm,gru,rnn --seeds 0,1 --set min_updates=64 --workers 1 --wandb-mode offline
# -> size/suite.csv|md|png; compare_size.csv|png (the seeds both have, 0 and 1, against the defaults before):
python bench/suite/results/min_updates/compare_bsuite.py \
    bench/suite/results/held_out_size/suite.csv $ABL/size/suite.csv

# bsuite memory_len at the lengths whose budget is below 131,072 env steps, seed 0, both settings
B=bsuite-L1,bsuite-L2,bsuite-L3,bsuite-L4,bsuite-L5,bsuite-L6,bsuite-L7,bsuite-L8,bsuite-L9,bsuite-L10,bsuite-L12
python bench/suite/run_suite.py --out $ABL/bsuite_mu64 --tasks $B --agents lstm,gru,rnn --seeds 0 \
    --set min_updates=64 --workers 1 --wandb-mode offline
python bench/suite/run_suite.py --out $ABL/bsuite_before --tasks $B --agents lstm,gru,rnn --seeds 0 \
    --set min_updates=0 --workers 1 --wandb-mode offline
# -> bsuite_mu64.*, bsuite_before.*; compare_len.csv (per length):
python bench/suite/results/min_updates/compare_bsuite.py $ABL/bsuite_before/suite.csv $ABL/bsuite_mu64/suite.csv

# ablation.csv|md|png: the suite's other tasks with a budget below 131,072 env steps
S="--setting defaults=min_updates=0 --setting mu64=min_updates=64 --workers 1 --wandb-mode offline"
python bench/suite/ablation.py --out $ABL/abl --held-out $S --agents lstm,gru,rnn --seeds 0,1 \
    --group 60000:RepeatPreviousEasy --group 100000:PositionOnlyPendulumEasy
M=RepeatFirstMedium,RepeatPreviousMedium,AutoencodeMedium,PositionOnlyCartPoleMedium,NoisyPositionOnlyCartPoleMedium
python bench/suite/ablation.py --out $ABL/abl $S --agents lstm,gru,rnn --seeds 0 --group 100000:$M
T=CountRecallEasy,HigherLowerEasy,ConcentrationEasy,MultiarmedBanditEasy,MineSweeperEasy,BattleshipEasy,VelocityOnlyCartpoleEasy,NoisyPositionOnlyPendulumEasy
python bench/suite/ablation.py --out $ABL/abl --held-out $S --agents lstm,gru,rnn --seeds 0 \
    --group 100000:$T
# ^ the lstm and rnn cells before agree with bench/suite/results/held_out/defaults/ (seed 0) to
#   the digit; CountRecall, the one game where the RNN was below stock over 3 seeds, 2 more:
python bench/suite/ablation.py --out $ABL/abl --held-out --setting mu64=min_updates=64 \
    --agents lstm,gru,rnn --seeds 1,2 --group 100000:CountRecallEasy --workers 1 --wandb-mode offline
# mu64cut: the first version, without the horizon floor (commit 3f97977), on CartPole at 50k;
# with the floor CartPole keeps n_steps (its horizon is 500), so `mu64` there is `defaults`
git checkout 3f97977 -- recurrent_agents  # the rule without the floor; restore after
python bench/suite/ablation.py --out $ABL/abl --setting defaults=min_updates=0 --setting mu64cut=min_updates=64 \
    --group 50000:CartPoleNoVel --agents lstm,gru,rnn --seeds 0,1,2,3,4 --workers 1 --wandb-mode offline
git checkout HEAD -- recurrent_agents
# the table of every cell above (every finished cell of the named tasks, agents and seeds):
python bench/suite/ablation.py --out $ABL/abl --held-out --table-only \
    --setting defaults=min_updates=0 --setting mu64=min_updates=64 --setting mu64cut=min_updates=64 \
    --group 50000:CartPoleNoVel --group 60000:RepeatPreviousEasy \
    --group 100000:$T,PositionOnlyPendulumEasy,$M --agents lstm,gru,rnn --seeds 0,1,2,3,4

# unnamed/: two memory tasks of other kinds at 100k, seed 0, on the code with the default (64):
# a truncating T-maze (the deadline a time limit) and MiniGrid's MemoryS7 (Dict/image
# observations, episodes that end early); `before` is min_updates=0
python bench/suite/ablation.py --out $ABL/unnamed --setting defaults= --setting before=min_updates=0 \
    --group 100000:TruncatedTMaze-L10,MiniGrid-MemoryS7 --agents lstm,gru,rnn --seeds 0 --workers 2
