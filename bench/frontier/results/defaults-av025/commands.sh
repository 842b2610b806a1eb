# The from-scratch frontier of the LSTM with its default since 2026-12-05 (the actor's own value
# head, actor_value_coef=0.25), commit e1aa9c4's training code: every cell is train.py with the
# task, length, core and seed and nothing else, at most 2M env steps, 5 seeds, each model also
# evaluated at 10x its length. Two runs at a time on 2 cores (2026-12-05).
python bench/frontier/horizon.py --recipe defaults --cores lstm --lengths 5,10,20,50,100 \
    --workers 2 --tag av025                                  # both tasks, 50 cells, 10 minutes
python bench/frontier/horizon.py --recipe defaults --cores lstm --tasks DelayedCue \
    --lengths 5,10,20,50,100,200,500 --workers 2 --tag av025   # stopped before L=500 seed 4
python bench/frontier/horizon.py --recipe defaults --cores lstm --tasks TMaze \
    --lengths 5,10,20,50,100,200,500 --workers 2 --tag av025
# the tables: the same commands with --report-only
