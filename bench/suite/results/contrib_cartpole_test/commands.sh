# sb3-contrib's own CartPole-without-velocity test (test_ppo_lstm_performance), its agent, settings
# and evaluation, on seeds 0-9 (38th session, 2026-12-07; two processes at a time on 2 cores)
python bench/suite/contrib_cartpole_test.py --seeds 0 2 4 6 8 --out even.csv
python bench/suite/contrib_cartpole_test.py --seeds 1 3 5 7 9 --out odd.csv
# results.csv: the two files' rows, by seed
# no_vec_normalize.csv: the test's agent without VecNormalize (not the test: what it contributes)
python bench/suite/contrib_cartpole_test.py --seeds 0 1 2 3 4 --vec_normalize false --out a.csv
python bench/suite/contrib_cartpole_test.py --seeds 5 6 7 8 9 --vec_normalize false --out b.csv
