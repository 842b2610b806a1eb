# More seeds of the Medium tasks at 100k env steps (2026-12-05, commit 2c1fad5's code: the RNN's
# critic on the actor's core by default), each into its own OUT, two runs at a time at most.
python bench/suite/run_suite.py --out OUT/med_stock1 --name suite-medium-100k --agents stock --seeds 1 --tasks RepeatFirstMedium --budget 100000 --workers 1
python bench/suite/run_suite.py --out OUT/med_ours --name suite-medium-100k --agents lstm,gru,rnn --seeds 1,2 --tasks RepeatFirstMedium --budget 100000 --workers 1
python bench/suite/run_suite.py --out OUT/med_rnn0 --name suite-medium-100k --agents rnn --seeds 0 --tasks RepeatPreviousMedium,RepeatFirstMedium,PositionOnlyCartPoleMedium,NoisyPositionOnlyCartPoleMedium,AutoencodeMedium --budget 100000 --workers 1
python bench/suite/run_suite.py --out OUT/med_stock2 --name suite-medium-100k --agents stock --seeds 2 --tasks RepeatFirstMedium --budget 100000 --workers 1
python bench/suite/run_suite.py --out OUT/med_rnn_sep --name suite-medium-100k --agents rnn --seeds 0,1,2 --set critic_core=separate --tasks RepeatFirstMedium,PositionOnlyCartPoleMedium --budget 100000 --workers 2
python bench/suite/run_suite.py --out OUT/med_rnn_sh --name suite-medium-100k --agents rnn --seeds 1,2 --tasks PositionOnlyCartPoleMedium --budget 100000 --workers 2
# suite.csv here: every cell of those runs (setting: what the agent ran with; out: its OUT)
