# PositionOnlyCartPoleEasy at the issue budget (1M), seeds 1 and 2 for lstm and gru (2026-12-05, commit 2c1fad5; the gated cores' defaults unchanged since the table)
python bench/suite/run_suite.py --out OUT --agents lstm,gru --seeds 1,2 --tasks PositionOnlyCartPoleEasy --workers 2
