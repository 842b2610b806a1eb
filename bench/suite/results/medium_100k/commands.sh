# The POPGym Medium tasks at 100k env steps, the cores with their defaults and stock
# sb3-contrib RecurrentPPO at equal env steps, seed 0 (2026-12-04, commit 917c311's code), into
# one OUT, two runs at a time on 2 cores: one lane of stock cells and one of the cores', then a
# second stock lane once the cores were done.
MED=RepeatPreviousMedium,RepeatFirstMedium,PositionOnlyCartPoleMedium,NoisyPositionOnlyCartPoleMedium,AutoencodeMedium
python bench/suite/run_suite.py --out OUT --name suite-medium-100k --agents stock --seeds 0 \
  --tasks $MED --budget 100000 --workers 1
python bench/suite/run_suite.py --out OUT --name suite-medium-100k --agents lstm,gru,rnn \
  --seeds 0 --tasks $MED --budget 100000 --workers 1
python bench/suite/run_suite.py --out OUT --name suite-medium-100k --agents stock --seeds 0 \
  --tasks AutoencodeMedium,NoisyPositionOnlyCartPoleMedium --budget 100000 --workers 1
# (The two stock lanes both ran AutoencodeMedium, into the same run directory, with the same
# result, -0.4952; stock.py now holds the run directory's lock, so the second would stop.)
# The table (every cell finished; this only writes suite.csv, suite.md, suite.png):
python bench/suite/run_suite.py --out OUT --name suite-medium-100k --agents lstm,gru,rnn,stock \
  --seeds 0 --tasks $MED --budget 100000 --workers 1
