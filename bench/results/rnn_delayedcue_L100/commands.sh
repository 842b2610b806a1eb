# The vanilla RNN on DelayedCue at L=100 from scratch with the defaults, seeds 0-4, 2M env steps
# at most (28th session, 2026-12-06, commit 27cea0f; one run at a time beside another job).
# results.csv: one row per seed from each run's result.json (greedy success on 100 episodes
# after the last update; the run stops at 95% training success confirmed greedily).
for seed in 0 1 2 3 4; do
  python train.py --task=DelayedCue --memory_length=100 --core=rnn --seed=$seed \
    --total_timesteps=2000000 --video=false
done
