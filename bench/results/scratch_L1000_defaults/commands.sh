# The passive T-maze at L=1000 from scratch with nothing but the defaults of 2026-12-05 (the
# LSTM's actor value head included), 4M env steps, seeds 0 and 1, two runs at a time on 2 cores
# (commit e1aa9c4's training code). result_seed*.json: the greedy evaluation after the last
# update (100 episodes); histories.csv: the W&B history every ~50k env steps.
for seed in 0 1; do
  python train.py --task=TMaze --memory_length=1000 --core=lstm --seed=$seed \
    --total_timesteps=4000000 --eval_length_factor=0 --video=false
done
