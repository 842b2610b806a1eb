# The GRU at twice the learning rate (1e-3) with the actor's value head (0.25), checked on every
# task before it became the GRU's default (32nd session, 2026-12-06; the code of commit d33d65b,
# where both are options; two runs at a time on 2 cores). On the code since, both are the GRU's
# defaults: drop the two options to rerun these cells, add `--learning_rate=5e-4
# --actor_value_coef=0` for the GRU of before.
A="--learning_rate=1e-3 --actor_value_coef=0.25"
S="--set learning_rate=0.001 --set actor_value_coef=0.25"

# scratch_cells.csv: from-scratch cells, 5 seeds (greedy after the last update; a run stops once
# solved). frontier/: the same cells as a frontier report (regime scratch; train.py report)
python bench/frontier/horizon.py --recipe defaults --tasks TMaze,DelayedCue --cores gru --lengths 100,200 \
  --seeds 0,1,2,3,4 --tag lr1e3av --eval-length-factor 0 -- $A
python bench/frontier/horizon.py --recipe defaults --tasks TMaze,DelayedCue --cores gru --lengths 500 \
  --seeds 0,1,2,3,4 --tag lr1e3av --eval-length-factor 0 --max-steps 3000000 -- $A
# ^ stopped at the session's end: the T-maze's seeds 0-2 finished (scratch_cells.csv), DelayedCue's
#   seed 0 was stopped at 180k env steps (0.79 training success), seeds 3-4 / 1-4 not run
# 33rd session (2026-12-06): the same command resumed, one task at a time with --workers 1 and
#   --sweeps-dir / --results-dir of the 32nd: the T-maze's seed 3 finished (seed 4 stopped at 761k
#   env steps, 0.45 training success), DelayedCue's seeds 0 (resumed from its 180k checkpoint)
#   and 1 finished (seed 2 stopped at its start); train_seconds in scratch_cells.csv is the
#   total over sessions
# 34th session (2026-12-06): DelayedCue's seeds 2-4, the same command with --seeds 2,3,4 (a new
#   machine: the 33rd's sweep directory was gone), seed 4 stopped at 313k and resumed: 5 of 5
#   solved (scratch_cells.csv). frontier/delayedcue/ was not rebuilt: it holds seeds 0-1 (their
#   result files are not on this machine); scratch_cells.csv is the record of all five
# frontier/{tmaze,delayedcue}/: train.py report --sweep-dir DIR --out-dir frontier/TASK, DIR holding
#   each finished cell's result.json

# robustness.*: the robustness grid, the GRU's 9 cells
python bench/robustness.py --steps 120000 --chunks 8 --seeds 0 1 2 --cores gru \
  --ppo learning_rate=0.001 actor_value_coef=0.25 --out robustness

# suite/: the memory suite's cells for the GRU (each file's own command is in its .md)
python bench/suite/run_suite.py --out easy --tasks RepeatPreviousEasy,RepeatFirstEasy,PositionOnlyCartPoleEasy \
  --agents gru --seeds 0,1,2 $S
python bench/suite/run_suite.py --out cp --tasks CartPoleNoVel --agents gru --seeds 0,1,2,3,4 $S
python bench/suite/run_suite.py --out cp60k --budget 60000 --tasks CartPoleNoVel --agents gru --seeds 0,1,2,3,4 $S
python bench/suite/run_suite.py --out minigrid --tasks MiniGrid-MemoryS7,MiniGrid-MemoryS11 --agents gru --seeds 0 $S
python bench/suite/run_suite.py --out tk --tasks TruncatedTMaze-L10,TruncatedTMaze-L30,TruncatedTMaze-L100,TMaze-L10,TMaze-L30,DelayedCue-L10,DelayedCue-L30 \
  --agents gru --seeds 0 $S
python bench/suite/run_suite.py --out bsuite --tasks bsuite --agents gru --seeds 0 $S
python bench/suite/run_suite.py --out rfm --tasks RepeatFirstMedium --agents gru --seeds 0 $S
M="--tasks RepeatFirstMedium,RepeatPreviousMedium,AutoencodeMedium,PositionOnlyCartPoleMedium,NoisyPositionOnlyCartPoleMedium --budget 100000 --agents gru --seeds 0"
python bench/suite/run_suite.py --out medium_100k $M $S
python bench/suite/run_suite.py --out medium_100k_defaults $M   # the GRU of before, same code
P="--tasks PositionOnlyCartPoleMedium --budget 100000 --agents gru --seeds 1,2"
python bench/suite/run_suite.py --out pocpm_s12 $P $S
python bench/suite/run_suite.py --out pocpm_s12_defaults $P   # the GRU of before, same code
python bench/suite/run_suite.py --out pocpm_1m --tasks PositionOnlyCartPoleMedium --agents gru --seeds 0 $S
H="CountRecallEasy,HigherLowerEasy,ConcentrationEasy,MultiarmedBanditEasy,MineSweeperEasy,BattleshipEasy,VelocityOnlyCartpoleEasy,PositionOnlyPendulumEasy,NoisyPositionOnlyPendulumEasy"
python bench/suite/run_suite.py --out held_out --held-out --tasks $H --agents gru --seeds 0 --budget 100000 $S
python bench/suite/run_suite.py --out held_out_s12 --held-out --tasks MultiarmedBanditEasy,PositionOnlyPendulumEasy,NoisyPositionOnlyPendulumEasy \
  --agents gru --seeds 1,2 --budget 100000 $S
# tmaze_L200_gru_seed2_history.csv: that run's W&B history (offline run files)
# RepeatPreviousEasy at 60k with both: ../learning_rate/suite/rpe60k_lr1e3_av025.*
# 35th session (2026-12-07): the T-maze's seed 4 at L=500 run again from scratch (the 33rd's
#   checkpoint was gone), the same command with --tasks TMaze --seeds 4 --workers 1 (stopped at
#   1.30M env steps and resumed with the same command): solved at 1.37M (scratch_cells.csv, its
#   train_seconds the total of both runs). The T-maze at L=500: 5 of 5
# 35th session: DelayedCue's seeds 0 and 1 at L=500 run again (--tasks DelayedCue --seeds 0,1),
#   for a report of all five: seed 1, from scratch, solved at 452,912 env steps, the 33rd
#   session's number to the step; seed 0 was stopped at 160k and resumed (a resumed run takes
#   another path: 376,760 against 460,928). The report was not rebuilt (its L=100 and 200 cells'
#   result files are not on this machine either); scratch_cells.csv keeps the 33rd session's rows

# 36th session (2026-12-07): DelayedCue at L=1000 from scratch (scratch_cells.csv's L=1000 rows)
python bench/frontier/horizon.py --recipe defaults --tasks DelayedCue --cores gru --lengths 1000 \
  --seeds 0 --tag lr1e3av --eval-length-factor 0 --max-steps 3000000 -- $A    # then --seeds 1, then 2
#   seed 0: training success (sampled) held 0.75-0.89 from ~0.4M env steps, below the 0.95 that
#   starts the stop; its checkpoint at 840,840 played 16 greedy episodes at 1.00 (sampled: 0.75),
#   so the run was stopped by hand and ended at its newest checkpoint (880,880) for train.py's
#   final evaluation, 100 greedy episodes (stopped_at_success False: ended by hand):
python train.py --task=DelayedCue --memory_length=1000 --core=gru --seed=0 --run_dir=RUN \
  --total_timesteps=880880 --eval_length_factor=0 $A --resume true
#   seed 1 stopped on its own (480,488). seed 2 as seed 0: sampled success 0.72-0.87 from ~0.7M, its
#   checkpoint at 840,840 16 greedy episodes at 1.00 (sampled 0.75), ended at its newest
#   checkpoint, 896,896 (--seed=2 --total_timesteps=896896, the same command otherwise)
# 37th session (2026-12-07): seeds 3 and 4, the same command with --seeds 3, then 4. Seed 3
#   stopped on its own (600,608). Seed 4 was first ended by hand at 840,840 as seeds 0 and 2
#   were (its sampled success at 0.6-0.7), and its greedy policy there was at chance (0.47 on
#   100 episodes) where its checkpoint at 784,784 had been at 1.00; so it was resumed to its
#   3M budget and stopped on its own at 1,345,352 (greedy 1.00 on 100 episodes):
python train.py --task=DelayedCue --memory_length=1000 --core=gru --seed=4 --run_dir=RUN \
  --total_timesteps=3000000 --eval_length_factor=0 $A --resume true
#   dc1000_checkpoints.csv: each run's two kept checkpoints, greedy on 100 episodes
#   (recurrent_agents.run.evaluation.evaluate, deterministic=True)
# DelayedCue at L=100 and 200 run again (the 32nd session's result files were lost with its
#   machine; seeded runs reproduce: 55.3k and 110.0k mean env steps, as then):
python bench/frontier/horizon.py --recipe defaults --tasks DelayedCue --cores gru --lengths 100,200 \
  --seeds 0,1,2,3,4 --tag lr1e3av --eval-length-factor 0 -- $A
# frontier/delayedcue/ rebuilt from every seed's result.json: L=100, 200 (above), 500 (seeds 2-4 of
#   the 34th session, 0 and 1 of the 35th: seed 0 there is the run stopped at 160k and resumed,
#   solved at 376,760 env steps where scratch_cells.csv has the 33rd session's 460,928) and 1000
#   (the 36th session's seeds), each run's result.json copied into one directory DIR:
python train.py report --sweep-dir DIR --out-dir bench/results/gru_defaults/frontier/delayedcue
# 40th session (2026-12-07): frontier/tmaze/ rebuilt with all five T-maze seeds at L=500 (it had
#   seeds 0-3; seed 4 finished in the 35th session). The runs' result.json files are not on this
#   machine, so each T-maze row of scratch_cells.csv was written back as a result.json
#   (recurrent_agents.run.records.RunResult: task, length, core, seed, env steps, greedy success,
#   seconds, stopped_at_success, status finished) into one directory DIR, one cell per
#   subdirectory, then `train.py report --sweep-dir DIR --out-dir bench/results/gru_defaults/frontier/tmaze`
#   (L=100 and 200 regenerate unchanged; L=500: n=5, 970k env steps on average)
# 42nd session (2026-12-07): the T-maze at L=1000 from scratch, seeds 0 and 1, with the GRU's
#   defaults (twice the learning rate and the actor's value head are its defaults now, so no
#   options; one seed per tag, two runs at a time):
python bench/frontier/horizon.py --recipe defaults --tasks TMaze --cores gru --lengths 1000 --seeds 0 \
  --eval-length-factor 10 --max-steps 4000000 --workers 1 --tag s42
#   (seed 1: --seeds 1 --tag s42b). Neither stops on its own: sampled training success peaked at
#   0.89 and 0.78 (0.70-0.89 and 0.42-0.78 over each run's last 300k env steps) while the greedy
#   policy succeeded, so each was ended by hand at its newest checkpoint, after a checkpoint
#   before it had played greedily at 1.00 (tmaze1000_checkpoints.csv: 100 episodes each,
#   recurrent_agents.run.evaluation.evaluate, deterministic=True; checked first on 48 episodes):
python train.py --task=TMaze --memory_length=1000 --core=gru --seed=0 --run_dir=RUN \
  --total_timesteps=2034032 --eval_length_factor=10 --resume true     # seed 1: 1889888
#   scratch_cells.csv's two rows are those runs' result.json (train_seconds: train_seconds_total,
#   beside another run). frontier/tmaze/ rebuilt as in the 40th session (rows of scratch_cells.csv
#   written back as result.json for L=100-500) with the two L=1000 runs' own result.json files,
#   which hold the evaluation at 10x (L=10,000)
# 43rd session (2026-12-07): scratch_cells.csv gains the evaluation at 10x the length
#   (long_eval_memory_length, long_eval_success_rate; set for the runs that made it: the T-maze
#   at L=1000, from those runs' result.json, as frontier/tmaze/frontier.csv holds it), and the
#   rebuild of frontier/tmaze/ described above is a script (it regenerates the committed report
#   byte for byte):
python bench/results/gru_defaults/rebuild_frontier.py bench/results/gru_defaults/frontier/tmaze
# The T-maze at L=1000 from scratch, seeds 2-4 (43rd session; the 42nd session's runs of seeds 2
#   and 3 were lost with its machine, so they were run again from the start), with the one
#   option that ends such a run on its own, the spaced greedy judgements of the stop (they
#   leave training as it was); one seed per tag, two runs at a time, seed 4 beside the runs below:
python bench/frontier/horizon.py --recipe defaults --tasks TMaze --cores gru --lengths 1000 --seeds 2 \
  --eval-length-factor 10 --max-steps 4000000 --workers 1 --tag s43c -- --success_measure=either
#   (seed 3: --seeds 3 --tag s43d; seed 4: --seeds 4 --tag s43e). Each stopped solved: 1,529,536,
#   2,042,048 and 1,025,032 env steps. scratch_cells.csv's three rows are their result.json;
#   every judgement they made, from their W&B histories:
python bench/results/gru_defaults/tmaze1000_judgements.py bench/results/gru_defaults/tmaze1000_judgements.csv \
  RUN_s2 RUN_s3 RUN_s4
#   frontier/tmaze/ rebuilt with rebuild_frontier.py (above): n=5 at L=1000.
# success_measure=either against training at shorter lengths (43rd session, one machine, both
#   measures; each tag's cells in one sweeps directory DIR):
for measure in either training; do
python bench/frontier/horizon.py --recipe defaults --tasks TMaze,DelayedCue --cores gru --lengths 100 \
  --seeds 0,1,2,3,4 --eval-length-factor 0 --max-steps 2000000 --workers 1 --sweeps-dir DIR \
  --tag $measure -- --success_measure=$measure
done
#   then the same with --tasks DelayedCue --lengths 200, and --tasks TMaze --lengths 200 (either:
#   seeds 0-2, training: seeds 0-1; stopped there for the session's end):
python bench/results/gru_defaults/success_measure_either.py DIR bench/results/gru_defaults/success_measure_either.csv
