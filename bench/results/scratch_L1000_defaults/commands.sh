# The passive T-maze at L=1000 from scratch with nothing but the defaults of 2026-12-05 (the
# LSTM's actor value head included), 4M env steps, two runs at a time on 2 cores.
# result_seed*.json: the greedy evaluation after the last update (100 episodes); histories.csv:
# the W&B history every ~51k env steps. Seeds 0 and 1: 25th session, commit e1aa9c4's training
# code; seeds 2-4: 26th session, commit 44b7f47.
for seed in 0 1 2 3 4; do
  python train.py --task=TMaze --memory_length=1000 --core=lstm --seed=$seed \
    --total_timesteps=4000000 --eval_length_factor=0 --video=false
done

# bonus_variants/ (26th session): the same command plus one option; the floor runs on
# commit 44b7f47 plus the entropy_weighting="floor" patch that the next commit adds.
python train.py --task=TMaze --memory_length=1000 --core=lstm --seed=1 --total_timesteps=4000000 \
  --eval_length_factor=0 --video=false --entropy_weighting=floor           # stopped at 2.45M
python train.py ... --seed=2 --entropy_weighting=floor
python train.py ... --seed=1 --entropy_weighting=advantage                 # stopped at 2.04M
python train.py ... --seed=2 --entropy_weighting=advantage
python train.py ... --seed=3 --entropy_weighting=advantage
python train.py ... --seed=1 --entropy_target=0.05                         # stopped at 1.90M
python train.py ... --seed=1 --n_envs=32 --align_rollouts=true
python train.py ... --seed=S --n_envs=32 --align_rollouts=true    # S = 2, 3, 4 and 0
# the policy at the junction of a run's last checkpoint:
python bench/frontier/results/scratch/decision_probe.py --task TMaze --memory-length 1000 \
  --model RUN_DIR/checkpoints/model_<env steps>.zip --episodes 16 --out bonus_variants/probe_NAME.csv

# rollout_variants/ (27th session, commits ff75a79-4da3c68): whole-episode rollouts with the default 8 envs
for seed in 0 1 2 3 4; do
  python train.py --task=TMaze --memory_length=1000 --core=lstm --seed=$seed \
    --total_timesteps=4000000 --eval_length_factor=0 --video=false --align_rollouts=true
done
python train.py ... --seed=1 --n_steps=4004 --align_rollouts=true
python train.py ... --seed=4 --n_steps=4004 --align_rollouts=true   # stopped at 2.8M

# rollout_variants/L10000.csv (28th session): each 1001-step-rollout model at 10x its length
for seed in 0 1 2 3 4; do
  python train.py evaluate RUN_DIR_OF_SEED --memory-length 10000 --episodes 100 --out seed_L10000.csv
done
# delayedcue/ (28th session): DelayedCue at L=1000 with the defaults; its own commands.sh

# frontier/ (31st session): the L=1000 cells of the defaults of 2026-12-06 as a frontier report
# (regime "scratch", IQM with rliable's intervals): the T-maze's rollout_variants/result_e8n1001_s*.json
# and delayedcue/result_seed*.json, each copied to DIR/<task>/s<seed>/result.json, then
for task in tmaze delayedcue; do
  python train.py report --sweep-dir DIR/$task --out-dir frontier/$task --wandb-mode disabled
done
