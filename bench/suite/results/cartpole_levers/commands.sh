# CartPole without velocities at 50k (sb3-contrib's test: passes at 450 after the last update),
# one lever at a time, seeds 0-9 (38th session, 2026-12-07, commit 8def2d7; two at a time).
# The defaults' cells: ../targets/cartpole_novel (seeds 0-4), ../deadline/defaults (5-9).
W="--workers 1 --wandb-mode offline"
# cells/lstm_<name>.csv, NAME=SETTING: ent0=ent_coef=0, kl_none=target_kl=none,
# gae098=gae_lambda=0.98, lr7e4=learning_rate=0.0007, epochs10=n_epochs=10
python bench/suite/run_suite.py --out OUT/lever_NAME --name lever-cartpole-NAME --tasks CartPoleNoVel \
  --agents lstm --seeds 0,1,2,3,4,5,6,7,8,9 $W --set SETTING
# cells/lstm_test_settings.csv: the test's own settings in this toolkit's agent
python bench/suite/run_suite.py --out OUT/lever_test_settings --name lever-cartpole-test-settings \
  --tasks CartPoleNoVel --agents lstm --seeds 0,1,2,3,4,5,6,7,8,9 $W --set n_steps=128 \
  --set batch_size=256 --set n_epochs=10 --set learning_rate=0.0007 --set gae_lambda=0.98 \
  --set max_grad_norm=1
# cells/lstm_test_settings_boot.csv: the same with SB3's bootstrapped truncations
python bench/suite/run_suite.py --out OUT/lever_test_settings_boot --name lever-cartpole-test-settings-boot \
  --tasks CartPoleNoVel --agents lstm --seeds 0,1,2,3,4,5,6,7,8,9 $W --set n_steps=128 \
  --set batch_size=256 --set n_epochs=10 --set learning_rate=0.0007 --set gae_lambda=0.98 \
  --set max_grad_norm=1 --set bootstrap_truncated=true
# cells/{gru,rnn}_gae098.csv
python bench/suite/run_suite.py --out OUT/gae098_CORE --name gae098-cartpole-CORE --tasks CartPoleNoVel \
  --agents CORE --seeds 0,1,2,3,4,5,6,7,8,9 $W --set gae_lambda=0.98
# cells/lstm_gae098_memory.csv: the toolkit's T-maze and DelayedCue at L=100 with gae_lambda=0.98
python bench/suite/run_suite.py --out OUT/gae098_memory --name gae098-memory \
  --tasks TMaze-L100,DelayedCue-L100 --agents lstm --seeds 0,1,2 $W --set gae_lambda=0.98
# levers.csv / levers.md
python bench/suite/results/cartpole_levers/summarise.py
# decision_margins.csv (42nd session): how decided each final policy of the defaults (since the 41st
# session: time_limits_auto/cells/cartpole_novel.md, seeds 0-9, every core) is on the states its
# greedy play visits; RUNS is that suite's runs/ directory (bench/ must be importable: PYTHONPATH=.)
PYTHONPATH=. python bench/suite/results/cartpole_levers/decision_margins.py \
  bench/suite/results/cartpole_levers/decision_margins.csv RUNS/CartPoleNoVel-*
