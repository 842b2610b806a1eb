# The LSTM's from-scratch cells at L=500 on the defaults of 2026-12-06 (whole-episode rollouts
# where episodes outlast a rollout, align_rollouts="auto": one 501-step rollout per env here),
# commit 27cea0f: every cell is train.py with the task, length, core and seed and nothing else,
# at most 2M env steps, 5 seeds, each model also evaluated at 10x its length (L=5000). Two runs
# at a time on 2 cores (28th session). The cells of L=5-200 are those of ../defaults-av025/,
# whose rollouts auto leaves as they were (horizons of 256 or less), so they were not run again.
python bench/frontier/horizon.py --recipe defaults --cores lstm --tasks TMaze --lengths 500 \
    --workers 2 --tag auto
python bench/frontier/horizon.py --recipe defaults --cores lstm --tasks DelayedCue --lengths 500 \
    --workers 2 --tag auto
# the tables: the same commands with --report-only
# The GRU's and the RNN's DelayedCue at L=200 (their first length not measured on every seed
# before; horizons of 201 are untouched by auto, so these are the defaults' cells as they were),
# into the same sweeps, so delayedcue/ reports all three cores. The GRU's seed 3 was stopped
# once at 954k env steps and resumed from its checkpoint (train_seconds counts the resumed part
# only), and so was the RNN's seed 0 at 1.51M (to run two cells at a time). The RNN's seeds 3 and 4 ran
# last, by the same sweep command with --cores rnn --workers 2.
python bench/frontier/horizon.py --recipe defaults --cores gru,rnn --tasks DelayedCue --lengths 200 \
    --workers 2 --tag auto
python bench/frontier/horizon.py --recipe defaults --cores lstm,gru,rnn --tasks DelayedCue \
    --tag auto --report-only
