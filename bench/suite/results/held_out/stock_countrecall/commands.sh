# Stock sb3-contrib RecurrentPPO on CountRecallEasy, seeds 1 and 2 (seed 0 is in ../defaults/),
# 100k env steps, greedy and sampled evaluation after the last update (31st session, 2026-12-06)
python bench/suite/run_suite.py --out stock_countrecall --held-out --tasks CountRecallEasy \
  --agents stock --seeds 1,2 --budget 100000 --workers 2
