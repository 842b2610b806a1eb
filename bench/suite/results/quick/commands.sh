cd "$(git rev-parse --show-toplevel)"
export PYTHONPATH=$PWD
PY=python
$PY bench/suite/run_suite.py --out /work/suite_quick --name suite-quick --quick --seeds 0 --wandb-mode offline --agents lstm,gru,rnn --tasks RepeatPreviousEasy,RepeatFirstEasy,PositionOnlyCartPoleEasy,MiniGrid-MemoryS7,CartPoleNoVel,TruncatedTMaze-L10,TMaze-L10,DelayedCue-L10,bsuite-L1,bsuite-L2
$PY bench/suite/run_suite.py --out /work/suite_quick --name suite-quick --quick --seeds 0 --wandb-mode offline --agents stock --tasks RepeatPreviousEasy,CartPoleNoVel,TruncatedTMaze-L10,bsuite-L1
