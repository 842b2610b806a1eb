# The advantage floor in the advantages' units (advantage_floor_discounted), 39th session,
# 2026-12-07, commit 607da91 (the option; defaults otherwise); two runs at a time on 2 cores.
# OUT is any directory. The defaults' and "auto"'s CartPole cells are earlier sessions' (summarise.py).
W="--workers 1 --wandb-mode offline --agents lstm,gru,rnn"

# cells/<name>.csv: CartPole without velocities at 50k, seeds 0-9, one setting per name
#   floor0=advantage_floor_ratio=0, floor005=advantage_floor_ratio=0.05,
#   discounted=advantage_floor_discounted=true; <name>_auto adds bootstrap_truncated=auto
python bench/suite/run_suite.py --out OUT/NAME --name s39-NAME --tasks CartPoleNoVel \
  --seeds 0,1,2,3,4,5,6,7,8,9 $W --set SETTING [--set bootstrap_truncated=auto]
# floor_binding.csv: how much the floor scaled each run's policy gradient (W&B histories)
python bench/suite/results/discounted_floor/binding.py defaults=OUT/defaults auto=OUT/auto \
  floor0=OUT/floor0 ... discounted_auto=OUT/discounted_auto
# floor.md / floor.csv
python bench/suite/results/discounted_floor/summarise.py
