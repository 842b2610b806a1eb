# bsuite's memory_size (held out: no issue names it), 2026-12-06 (33rd session), the defaults of
# commit 771a0cb; bsuite's protocol: 10k training episodes per bit count, scored on them.
# Run from the repository root; each command resumes (an unfinished bsuite cell starts over).
OUT=held_out_size_runs
# every agent, seed 0; the cores, seeds 1 and 2; stock, seed 1 (stock: ~70 s per cell)
python bench/suite/run_suite.py --out $OUT --held-out --tasks bsuite-size \
    --agents lstm,gru,rnn,stock --seeds 0 --workers 2 --wandb-mode offline
python bench/suite/run_suite.py --out $OUT --held-out --tasks bsuite-size \
    --agents lstm,gru,rnn --seeds 1,2 --workers 2 --wandb-mode offline
python bench/suite/run_suite.py --out $OUT --held-out --tasks bsuite-size \
    --agents stock --seeds 1 --workers 1 --wandb-mode offline
# suite.csv, suite.md, suite.png: the table of every finished cell (nothing left to run)
python bench/suite/run_suite.py --out $OUT --held-out --tasks bsuite-size \
    --agents lstm,gru,rnn --seeds 0,1,2 --workers 1 --wandb-mode offline
# accuracy.csv, accuracy.png: per bit count, mean over seeds
python bench/suite/results/held_out_size/accuracy.py $OUT/suite.csv

# diagnosis.csv: one-setting changes (seed 0 unless the seed column says), one train.py run per
# bit count at bsuite's budget, e.g. the setting "batch128" at 10 bits:
#   python train.py --task envs.bsuite:bsuite/MemorySize-v0 --core=lstm --seed=0 \
#     --env_options='{"num_bits": 10, "episode_log": "RUN/episodes.txt"}' --total_timesteps=30024 \
#     --stop_at_success=None --run_dir=RUN --checkpoint_every=0 --batch_size=128
# settings (options added to the defaults):
#   defaults, seed1: none
#   nsteps64: --n_steps=64          batch128: --batch_size=128      epochs16: --n_epochs=16
#   lr1e3: --learning_rate=1e-3     h128 / h256: --hidden_size=128 / 256
#   nonorm: --normalize_obs=false   ent0: --ent_coef=0              floor0: --advantage_floor_ratio=0
#   noprev: --prev_action_reward=false   chronooff: --chrono_init=off    ptinit: --core_init=pytorch
#   n64b128: --n_steps=64 --batch_size=128     b128e10: --batch_size=128 --n_epochs=10
#   stockpolicy: --normalize_obs=false --core_init=pytorch
#   stockpolicy_n64b128: stockpolicy plus --n_steps=64 --batch_size=128
#   stocklike: --n_steps=128 --batch_size=128 --n_epochs=10 --hidden_size=256 (stock's rollout,
#     minibatch, epochs and LSTM size)
#   stocklike_kl: stocklike --target_kl=None        stocklike_kl_lr: stocklike_kl --learning_rate=3e-4
#   fullstock: stocklike_kl_lr --ent_coef=0 --advantage_floor_ratio=0 --normalize_obs=false
#     --features_to_heads=false --prev_action_reward=false --chrono_init=off --core_init=pytorch
#     --normalize_value_targets=false --actor_value_coef=0 (every stock choice this code has)
#   back_<option>: fullstock with that one option back at the defaults' value

# movement/: stock's gradient steps per env step on three tasks the defaults were chosen on, where
# more movement per env step helped or hurt before (held_out/movement/), every core, seed 0
G="--group 60000:CartPoleNoVel --group 150000:RepeatFirstEasy --group 100000:PositionOnlyPendulumEasy"
python bench/suite/ablation.py --out ABL --held-out --seeds 0 --workers 1 --wandb-mode offline $G \
    --setting b128e10=batch_size=128,n_epochs=10 --setting defaults=
