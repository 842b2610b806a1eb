# The ablation of the defaults behind ablation.md / ablation.csv / ablation.png (README "Ablation
# of the defaults"). Run from the repository root on the 2-core machine, 2 runs at a time
# (--workers 1 for the last command, which ran beside others). ABL is any output directory;
# rerunning a command resumes it. The settings were added as results came in.
# Each setting ran with the defaults of its day (a setting's options are added to them). To rerun
# an early one as it ran, add what the defaults changed since: core_init=pytorch and
# entropy_trains_core=true (before the elman init), chrono_init=off (before the half chrono
# init), normalize_obs=false (before normalize_obs); this session's settings carry theirs.
ABL=${ABL:-/work/abl/r1}
G="--group 60000:RepeatPreviousEasy,CartPoleNoVel --group 150000:RepeatFirstEasy,TruncatedTMaze-L10,TMaze-L10"
# 3 seeds: the defaults against more gradient steps per env step
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru,rnn \
  --setting defaults= --setting b128=batch_size=128 $G
# tasks the candidates did not aim at (seed 0)
python bench/suite/ablation.py --out "$ABL" --seeds 0 --agents lstm,gru,rnn \
  --setting defaults= --setting b128=batch_size=128 \
  --group 100000:AutoencodeEasy,PositionOnlyCartPoleEasy,DelayedCue-L30
# one-seed screens
python bench/suite/ablation.py --out "$ABL" --seeds 0 --agents lstm,gru,rnn $G \
  --setting no_skip=features_to_heads=false \
  --setting no_skip_floor0=features_to_heads=false,advantage_floor_ratio=0 \
  --setting no_skip_chrono=features_to_heads=false,chrono_init=horizon \
  --setting no_skip_b128=features_to_heads=false,batch_size=128 \
  --setting no_skip_par=features_to_heads=false,prev_action_reward=true  # stopped after its 60k group
python bench/suite/ablation.py --out "$ABL" --seeds 0 --agents lstm,gru --workers 1 \
  --setting halfchrono=chrono_init=horizon,chrono_fraction=0.5 \
  --group 100000:DelayedCue-L30,AutoencodeEasy,PositionOnlyCartPoleEasy $G
python bench/suite/ablation.py --out "$ABL" --seeds 0 --agents lstm,gru --workers 1 \
  --setting h256=hidden_size=256 $G --group 100000:DelayedCue-L30
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru,rnn \
  --setting clip5=max_grad_norm=5 --group 60000:CartPoleNoVel,RepeatPreviousEasy
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru,rnn \
  --setting lr1e3=learning_rate=0.001 --group 60000:RepeatPreviousEasy,CartPoleNoVel \
  --group 150000:TMaze-L10,TruncatedTMaze-L10,RepeatFirstEasy
# the table of everything that finished
python bench/suite/ablation.py --out "$ABL" --table-only --setting defaults= \
  --setting b128=batch_size=128 --setting no_skip=features_to_heads=false \
  --setting no_skip_floor0=features_to_heads=false,advantage_floor_ratio=0 \
  --setting no_skip_chrono=features_to_heads=false,chrono_init=horizon \
  --setting no_skip_b128=features_to_heads=false,batch_size=128 \
  --setting no_skip_par=features_to_heads=false,prev_action_reward=true \
  --setting halfchrono=chrono_init=horizon,chrono_fraction=0.5 --setting h256=hidden_size=256 \
  --setting clip5=max_grad_norm=5 --setting lr1e3=learning_rate=0.001 $G --group 100000:AutoencodeEasy,PositionOnlyCartPoleEasy,DelayedCue-L30
# the gated cores' elman init (the default since), 3 seeds, every task above
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru \
  --setting elman=core_init=elman,chrono_init=off \
  --group 60000:RepeatPreviousEasy,CartPoleNoVel \
  --group 150000:RepeatFirstEasy,TruncatedTMaze-L10,TMaze-L10 \
  --group 100000:AutoencodeEasy,PositionOnlyCartPoleEasy,DelayedCue-L30
# the defaults now: the elman init and the entropy bonus on the actor head only, 3 seeds
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru,rnn \
  --setting elman_enthead=core_init=elman,entropy_trains_core=false,chrono_init=off \
  --group 60000:RepeatPreviousEasy,CartPoleNoVel \
  --group 150000:TMaze-L10,TruncatedTMaze-L10,RepeatFirstEasy \
  --group 100000:DelayedCue-L30
# the half chrono init (the default since): chrono init at the horizon on half the gated cores' units (lstm, gru; the RNN
# has no gates, its cells are elman_enthead's), 3 seeds; DelayedCue at L=100 from scratch at 1M
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru --workers 1 \
  --setting halfchrono_elman=chrono_init=horizon,chrono_fraction=0.5,normalize_obs=false \
  --group 60000:RepeatPreviousEasy,CartPoleNoVel \
  --group 150000:RepeatFirstEasy,TruncatedTMaze-L10,TMaze-L10 \
  --group 100000:DelayedCue-L30,AutoencodeEasy,PositionOnlyCartPoleEasy
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru --workers 1 \
  --setting halfchrono_elman=chrono_init=horizon,chrono_fraction=0.5,normalize_obs=false --group 1000000:DelayedCue-L100
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm --workers 1 \
  --setting halfchrono_elman=chrono_init=horizon,chrono_fraction=0.5,normalize_obs=false --group 1000000:RepeatFirstEasy
# CartPole at sb3-contrib's 50k (cartpole_50k.md; hce_floor0 was stopped after 5 cells)
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru,rnn --workers 1 \
  --setting halfchrono_elman=chrono_init=horizon,chrono_fraction=0.5,normalize_obs=false \
  --setting hce_floor0=chrono_init=horizon,chrono_fraction=0.5,advantage_floor_ratio=0,normalize_obs=false \
  --setting hce_norm=chrono_init=horizon,chrono_fraction=0.5,normalize_obs=true \
  --group 50000:CartPoleNoVel
# the defaults now: the half chrono init and normalize_obs (on by default since), 3 seeds
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru,rnn --workers 1 \
  --setting hce_norm=chrono_init=horizon,chrono_fraction=0.5,normalize_obs=true \
  --group 60000:RepeatPreviousEasy --group 150000:TMaze-L10,TruncatedTMaze-L10,RepeatFirstEasy \
  --group 100000:DelayedCue-L30,PositionOnlyCartPoleEasy,AutoencodeEasy
# 2026-12-02 (4th session): no bootstrap at time-limit truncations (notrunc; run with value-target
# normalisation not yet existing, i.e. off), and the defaults now (vn_nt: both). The 100k group
# of vn_nt was stopped after its PositionOnlyCartPoleEasy lstm seeds 0 and 1.
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru,rnn \
  --setting notrunc=bootstrap_truncated=false \
  --group 150000:TruncatedTMaze-L10 --group 50000:CartPoleNoVel --group 100000:PositionOnlyCartPoleEasy
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru,rnn \
  --setting vn_nt=normalize_value_targets=true,bootstrap_truncated=false \
  --group 50000:CartPoleNoVel --group 150000:TruncatedTMaze-L10
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru,rnn \
  --setting vn_nt=normalize_value_targets=true,bootstrap_truncated=false \
  --group 60000:RepeatPreviousEasy --group 150000:TMaze-L10,RepeatFirstEasy \
  --group 100000:DelayedCue-L30,PositionOnlyCartPoleEasy
# 2026-12-02 (5th session): the vn_nt cells not run before (100k group, every core, 3 seeds); the
# table was then rebuilt with --table-only over every setting above into the same ABL.
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru,rnn \
  --setting vn_nt=normalize_value_targets=true,bootstrap_truncated=false \
  --group 100000:DelayedCue-L30,PositionOnlyCartPoleEasy,AutoencodeEasy
# 2026-12-03: chrono init on every unit of the gated cores (instead of half), against the
# defaults' cells (vn_nt above): chrono_every_unit.md / .csv, written to its own ABL (/work/abl/r3).
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru --workers 1 \
  --setting chrono1=chrono_init=horizon,chrono_fraction=1 \
  --group 60000:RepeatPreviousEasy --group 50000:CartPoleNoVel
# chrono init on three quarters of the units: chrono_three_quarters.md / .csv (same ABL as above)
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru --workers 1 \
  --setting chrono075=chrono_init=horizon,chrono_fraction=0.75 \
  --group 60000:RepeatPreviousEasy --group 50000:CartPoleNoVel
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru --workers 1 \
  --setting chrono075=chrono_init=horizon,chrono_fraction=0.75 \
  --group 150000:TMaze-L10,TruncatedTMaze-L10,RepeatFirstEasy --group 100000:DelayedCue-L30,PositionOnlyCartPoleEasy
# (chrono_three_quarters.md / .csv: the chrono075 cells of both commands, beside the defaults' vn_nt cells)
# 2026-12-03 (evening): align_rollouts=true (whole episodes in every rollout) against the
# defaults' cells: align_rollouts.md / .csv.
python bench/suite/ablation.py --out "$ABL" --seeds 0 --agents lstm,gru,rnn --workers 1 \
  --setting align=align_rollouts=true --group 2000000:TMaze-L100 --group 1000000:RepeatFirstEasy
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru,rnn --workers 1 \
  --setting align=align_rollouts=true --group 50000:CartPoleNoVel --group 150000:TMaze-L10
# 2026-12-03 (evening): the GRU with chrono on three quarters of its units at the longer
# budgets (gru_chrono_three_quarters.md / .csv); it became the GRU's default after these.
python bench/suite/ablation.py --out "$ABL" --seeds 0 --agents gru --workers 1 \
  --setting chrono075=chrono_init=horizon,chrono_fraction=0.75 --group 2000000:TMaze-L100
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents gru --workers 1 \
  --setting chrono075=chrono_init=horizon,chrono_fraction=0.75 --group 1000000:RepeatFirstEasy,DelayedCue-L100
# robustness of the GRU with it (bench/results/robustness_gru_chrono075.md / .csv):
# python bench/robustness.py --steps 120000 --chunks 8 --seeds 0 1 2 --cores gru \
#   --policy 'core_kwargs={chrono_fraction: 0.75}' --out bench/results/robustness_gru_chrono075
python bench/suite/ablation.py --out "$ABL" --seeds 0 --agents gru --workers 2 --setting now= \
  --setting half=chrono_init=horizon,chrono_fraction=0.5 --group 100000:MiniGrid-MemoryS7 --group 310248:bsuite-L30
# 2026-12-03 (12th session): the previous reward alone as an input (prev_reward.md / .csv / .png),
# against the defaults of that day (setting `now`), both run on the same code (commit 9251e33).
python bench/suite/ablation.py --out "$ABL" --seeds 0 --agents lstm,gru,rnn --workers 1 \
  --setting prevreward=prev_action_reward=reward --group 60000:RepeatPreviousEasy --group 50000:CartPoleNoVel \
  --group 150000:TMaze-L10,TruncatedTMaze-L10,RepeatFirstEasy --group 100000:DelayedCue-L30,PositionOnlyCartPoleEasy
python bench/suite/ablation.py --out "$ABL" --seeds 0 --agents lstm,gru,rnn --workers 1 \
  --setting now= --group 60000:RepeatPreviousEasy --group 50000:CartPoleNoVel \
  --group 150000:TMaze-L10,TruncatedTMaze-L10,RepeatFirstEasy --group 100000:DelayedCue-L30,PositionOnlyCartPoleEasy
# The T-maze at L=100 from scratch: the previous reward alone (seed 0; lstm and gru, the rnn run
# stopped for time), and with the stop at 95% training success (the defaults since; seeds 0-2).
python bench/suite/ablation.py --out "$ABL" --seeds 0 --agents lstm,gru,rnn --workers 1 \
  --setting prevreward=prev_action_reward=reward --group 2000000:TMaze-L100
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru,rnn --workers 1 \
  --setting prstop=prev_action_reward=reward,stop_at_success=0.95 --group 2000000:TMaze-L100
# 2026-12-03 (13th session): the observed reward standardised (`now`, the default), scaled by
# its root mean square (`rms`, commit e0d1fe5, reverted after) or not observed (`noprev`)
# (reward_rms.md / .csv). On commit e0d1fe5 `rms` is the default; on any other commit `now` is.
python bench/suite/ablation.py --out "$ABL" --agents gru --seeds 0,1,2 --workers 1 \
  --setting now= --setting noprev=prev_action_reward=false \
  --group 60000:RepeatPreviousEasy --group 100000:PositionOnlyCartPoleEasy
python bench/suite/ablation.py --out "$ABL" --agents lstm,gru,rnn --seeds 0 --workers 1 --setting now= \
  --group 150000:RepeatFirstEasy,TMaze-L10,TruncatedTMaze-L10 --group 50000:CartPoleNoVel
python bench/suite/ablation.py --out "$ABL" --agents rnn --seeds 1,2 --workers 1 --setting now= \
  --group 150000:RepeatFirstEasy
# then the same three commands with --setting rms= on commit e0d1fe5 (no noprev), and:
python bench/suite/ablation.py --out "$ABL" --agents lstm --seeds 0,1 --workers 1 --setting rms= \
  --group 2000000:TMaze-L100
# 2026-12-04 (14th session, commit 5330393): the vanilla RNN at half the learning rate
# (rnn_lr.md / .csv). The lr25 cells of TMaze-L100 seed 1 ran in the 15th session (resumed).
python bench/suite/ablation.py --out "$ABL" --agents rnn --seeds 0,1 --workers 1 --wandb-mode offline \
  --setting lr25=learning_rate=0.00025 --group 1000000:RepeatFirstEasy --group 2000000:TMaze-L100
# 2026-12-04 (15th session, commit 574d65e): the vanilla RNN with its recurrent weights kept
# orthogonal (rnn_orthogonal.md / .csv). TMaze-L100 seed 1 was stopped for time; the table:
# the same command with --table-only.
python bench/suite/ablation.py --out "$ABL" --agents rnn --seeds 0,1 --workers 1 --wandb-mode offline \
  --setting orth=recurrent_weights=orthogonal --group 1000000:RepeatFirstEasy --group 2000000:TMaze-L100
# 2026-12-04 (16th session, commit 93027fd): one core for actor and critic (critic_core.md / .csv).
# The now cells of seed 0 are the 13th session's (same defaults for these tasks).
python bench/suite/ablation.py --out "$ABL" --seeds 0 --agents lstm,gru,rnn --workers 1 --wandb-mode offline \
  --setting now= --setting shared=shared_core=true \
  --group 60000:RepeatPreviousEasy --group 50000:CartPoleNoVel \
  --group 150000:TMaze-L10,TruncatedTMaze-L10,RepeatFirstEasy --group 100000:DelayedCue-L30,PositionOnlyCartPoleEasy
python bench/suite/ablation.py --out "$ABL" --seeds 1,2 --agents lstm,gru,rnn --workers 1 --wandb-mode offline \
  --setting now= --setting shared=shared_core=true \
  --group 60000:RepeatPreviousEasy --group 50000:CartPoleNoVel --group 150000:RepeatFirstEasy
python bench/suite/ablation.py --out "$ABL" --seeds 0,1 --agents rnn --workers 1 --wandb-mode offline \
  --setting shared=shared_core=true --group 1000000:RepeatFirstEasy --group 2000000:TMaze-L100
# the tables: the first two commands again with --seeds 0,1,2 (all cells finished; the 100k group
# with --seeds 0) rebuild each directory's suite.csv and write ablation.md / .csv.
# The robustness grid with the shared core (bench/results/robustness_shared.md):
python bench/robustness.py --steps 120000 --chunks 8 --seeds 0 1 2 --policy shared_core=true \
  --out bench/results/robustness_shared
# The same cells with the critic reading the actor's core without training it (detached) and
# with separate cores but no advantage floor (nofloor) (critic_core.md; commit 74c131b):
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru,rnn --workers 1 --wandb-mode offline \
  --setting detached=critic_core=shared_detached \
  --group 50000:CartPoleNoVel --group 150000:RepeatFirstEasy --group 60000:RepeatPreviousEasy
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents lstm,gru --workers 1 --wandb-mode offline \
  --setting nofloor=advantage_floor_ratio=0 --group 150000:RepeatFirstEasy
# the T-maze at L=100 from scratch, every core (the rnn's seeds 0, 1 of shared are above):
python bench/suite/ablation.py --out "$ABL" --seeds 0,1,2 --agents rnn,lstm,gru --workers 1 --wandb-mode offline \
  --setting shared=shared_core=true --setting detached=critic_core=shared_detached --group 2000000:TMaze-L100
# RepeatFirstMedium at 1M (a task not aimed at; the separate seed-0 cells are the suite table's,
# bench/suite/results/defaults_prev_reward/):
python bench/suite/ablation.py --out "$ABL" --seeds 0 --agents rnn,lstm --workers 1 --wandb-mode offline \
  --setting shared=shared_core=true --group 1000000:RepeatFirstMedium
python bench/suite/ablation.py --out "$ABL" --seeds 0 --agents lstm --workers 1 --wandb-mode offline \
  --setting detached=critic_core=shared_detached --group 1000000:RepeatFirstMedium
python bench/suite/ablation.py --out "$ABL" --seeds 1 --agents lstm --workers 1 --wandb-mode offline \
  --setting now= --setting shared=shared_core=true --group 1000000:RepeatFirstMedium

# The entropy bonus scaled by each step's advantage (2026-12-04, 17th session; entropy_weighting.md)
python bench/suite/run_suite.py --out /work/abl/entropy_advantage --agents lstm --seeds 0 \
  --tasks CartPoleNoVel,TMaze-L10,TMaze-L100,DelayedCue-L100,RepeatFirstEasy,RepeatPreviousEasy,TruncatedTMaze-L10,TruncatedTMaze-L30,TruncatedTMaze-L100 \
  --set entropy_weighting=advantage --workers 1 --wandb-mode offline
python bench/suite/run_suite.py --out /work/abl/entropy_advantage_pocp --agents lstm --seeds 0 \
  --tasks PositionOnlyCartPoleEasy --set entropy_weighting=advantage --workers 1 --wandb-mode offline
