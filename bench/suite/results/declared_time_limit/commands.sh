#!/usr/bin/env bash
# The advantage floor's units from a declared time limit (44th session, 2026-12-08). "before" is
# main at 3c184fb (the floor summed until the first truncation); "after" is the commit that
# reads a TimeLimit's declared limit (dde0f71). Two runs at a time on 2 cores; OUT is scratch.
set -euo pipefail
D=bench/suite/results/declared_time_limit

# Which tasks declare a time limit (only those can train differently): which_tasks.csv
python $D/which_tasks.py $D/which_tasks.csv

# curves.csv / floor_kept.csv / curves.md / curves.png: CartPole without velocities to 70k env
# steps with a checkpoint after every update, each checkpoint from 30k on played greedily
# (10 episodes). "after" was run on the code before with --advantage_floor_discounted=true,
# which trains the same runs as the new default on this task (checked: the suite's LSTM seed-0
# cell logs the same floor and KL at every update).
for setting in before after; do
  extra=(); [ $setting = after ] && extra=(--advantage_floor_discounted=true)
  for s in 0 1 2 3 4 5 6 7 8 9; do for c in lstm gru rnn; do
    run=OUT/$setting/runs/${c}_s$s
    python train.py --task=bench.suite.suite_envs:suite/CartPoleNoVel-v0 --core=$c --seed=$s \
      --run_dir=$run --torch_threads=1 --progress=false --total_timesteps=70000 --video=false \
      --wandb_mode=offline --checkpoint_every=2048 --keep_checkpoints=0 "${extra[@]}"
    for f in $run/checkpoints/model_*.zip; do   # only the updates from 30k on are played
      n=$(basename $f .zip); [ $((10#${n#model_})) -lt 30000 ] && rm $f
    done
    python train.py evaluate $run --checkpoints --episodes=10 --out=OUT/$setting/${c}_s$s.csv
  done; done
done
# The vanilla RNN after, with its critic on a core of its own (its default is the actor's core)
# or reading the actor's core without training it: the same loop with --core rnn only, on the
# commit after, and --critic_core=separate / shared_detached, into OUT/rnn_separate and
# OUT/rnn_shared_detached
python $D/curves.py collect $D before=OUT/before after=OUT/after \
  after_rnn_critic_separate=OUT/rnn_separate after_rnn_critic_shared_detached=OUT/rnn_shared_detached

# cells/cartpole_novel_{before,after}.*: the suite's own cells (greedy after the last update,
# 100 episodes), on each commit
python bench/suite/run_suite.py --out OUT/before --name s44-cp-old --tasks CartPoleNoVel \
  --agents lstm,gru,rnn --seeds 0,1,2,3,4,5,6,7,8,9 --workers 1 --wandb-mode offline   # at 3c184fb
python bench/suite/run_suite.py --out OUT/after --name s44-cp --tasks CartPoleNoVel \
  --agents lstm,gru,rnn --seeds 0,1,2,3,4,5,6,7,8,9 --workers 1 --wandb-mode offline   # at dde0f71

# foreign.csv: Gymnasium's own tasks that declare a limit, on each commit (CODE = old, new)
for s in 0 1 2 3 4; do for c in lstm gru rnn; do
  python train.py --task=CartPole-v1 --core=$c --seed=$s --total_timesteps=50000 --video=false \
    --wandb_mode=disabled --torch_threads=1 --progress=false --run_dir=OUT/foreign/CartPole-v1-CODE-$c-s$s
done; done
for task in Acrobot-v1 Pendulum-v1 MountainCar-v0; do for c in lstm gru rnn; do
  python train.py --task=$task --core=$c --seed=0 --total_timesteps=30000 --video=false \
    --wandb_mode=disabled --torch_threads=1 --progress=false --run_dir=OUT/foreign/$task-CODE-$c-s0
done; done
python bench/suite/results/time_limits_auto/collect_runs.py $D/foreign.csv OUT/foreign/*

# rnn_critic_memory.csv: the vanilla RNN with a critic core of its own on the memory tasks at
# L=100 from scratch (the defaults otherwise, on the commit after), seeds 0-4
for task in TMaze DelayedCue; do for s in 0 1 2 3 4; do
  python train.py --task=$task --memory_length=100 --core=rnn --seed=$s --critic_core=separate \
    --total_timesteps=2000000 --video=false --wandb_mode=offline --torch_threads=1 --progress=false \
    --run_dir=OUT/rnnsep/$task-L100-rnn-separate-s$s
done; done
python bench/suite/results/time_limits_auto/collect_runs.py $D/rnn_critic_memory.csv OUT/rnnsep/*

# declared_tmaze.csv: a memory task whose declared TimeLimit is its deadline (the truncating
# T-maze at L=30, registered with max_episode_steps=31 by declared_tmaze.py), seeds 0-1, every
# core, on each commit (CODE = old, new)
for c in lstm gru rnn; do for s in 0 1; do
  python train.py --task=bench.suite.results.declared_time_limit.declared_tmaze:declared/TruncatedTMaze-L30-v0 \
    --core=$c --seed=$s --total_timesteps=2000000 --video=false --wandb_mode=disabled \
    --torch_threads=1 --progress=false --run_dir=OUT/dtm/DeclaredTMaze-L30-CODE-$c-s$s
done; done
python bench/suite/results/time_limits_auto/collect_runs.py $D/declared_tmaze.csv OUT/dtm/*
