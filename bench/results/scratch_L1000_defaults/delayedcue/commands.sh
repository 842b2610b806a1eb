# DelayedCue at L=1000 from scratch with nothing but the defaults of 2026-12-06 (the LSTM's actor
# value head, whole-episode rollouts where episodes outlast a rollout: align_rollouts="auto"),
# 4M env steps at most, two runs at a time on 2 cores (28th session, commit 27cea0f).
# result_seed*.json: greedy success on 100 episodes after the last update; histories.csv: the
# W&B history every ~51k env steps (training success and mean return of the last 100 episodes,
# policy entropy per step, explained variance).
for seed in 0 1 2 3 4; do
  python train.py --task=DelayedCue --memory_length=1000 --core=lstm --seed=$seed \
    --total_timesteps=4000000 --eval_length_factor=0 --video=false
done
# each model at 10x its length, no further training (L10000.csv: one row per seed):
for seed in 0 1 2 3 4; do
  python train.py evaluate RUN_DIR_OF_SEED --memory-length 10000 --episodes 100 --out seed_L10000.csv
done
