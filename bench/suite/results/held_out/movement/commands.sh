# How far each update moves the policy (30th session, 2026-12-06). Run from the repository root;
# each command resumes. Greedy after the last update, 100 episodes.
# 1. PositionOnlyPendulumEasy, LSTM, seeds 0-2, one change each (pendulum_lstm_screen.csv; the
#    defaults' cells are held_out/defaults'; n128's seed 0 is pend_n128/):
P="--held-out --tasks PositionOnlyPendulumEasy --workers 1 --budget 100000 --wandb-mode offline"
python bench/suite/run_suite.py --out OUT/n128 $P --agents lstm --seeds 1,2 --set n_steps=128 --set align_rollouts=false
python bench/suite/run_suite.py --out OUT/envs4 $P --agents lstm --seeds 0,1,2 --set n_envs=4
python bench/suite/run_suite.py --out OUT/lr1e3 $P --agents lstm --seeds 0,1,2 --set learning_rate=0.001
python bench/suite/run_suite.py --out OUT/ep16 $P --agents lstm --seeds 0,1,2 --set n_epochs=16
python bench/suite/run_suite.py --out OUT/b256 $P --agents lstm --seeds 0,1,2 --set batch_size=256
# 2. The three that moved it, on four tasks the defaults were chosen on, every core, seeds 0-1
#    (ablation.csv / .md / .png):
G="--group 60000:RepeatPreviousEasy,CartPoleNoVel --group 150000:TMaze-L10,RepeatFirstEasy --group 100000:PositionOnlyPendulumEasy"
python bench/suite/ablation.py --out ABL --held-out --seeds 0,1 --workers 1 --wandb-mode offline $G \
    --setting defaults= --setting lr1e3=learning_rate=0.001 --setting envs4=n_envs=4 \
    --setting kl01=desired_kl=0.01
