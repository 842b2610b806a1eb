# POPGym's games no issue names (run_suite.py --held-out), at stock sb3-contrib's 100k env steps,
# greedy after the last update. Run from the repository root; each command resumes.
T=CountRecallEasy,HigherLowerEasy,ConcentrationEasy,MultiarmedBanditEasy,MineSweeperEasy,BattleshipEasy,VelocityOnlyCartpoleEasy,PositionOnlyPendulumEasy,NoisyPositionOnlyPendulumEasy
OUT=held_out_runs
# every agent, seed 0; then the cores, seed 1 (the defaults: prev_action_reward=auto)
python bench/suite/run_suite.py --out $OUT/held_out --held-out --tasks $T \
    --agents lstm,gru,rnn,stock --seeds 0 --budget 100000 --workers 2 --wandb-mode offline
python bench/suite/run_suite.py --out $OUT/held_out --held-out --tasks $T \
    --agents lstm,gru,rnn --seeds 1 --budget 100000 --workers 2 --wandb-mode offline
# seed 2 for the games below stock
python bench/suite/run_suite.py --out $OUT/held_out --held-out \
    --tasks ConcentrationEasy,PositionOnlyPendulumEasy,NoisyPositionOnlyPendulumEasy \
    --agents lstm,gru,rnn --seeds 2 --budget 100000 --workers 2 --wandb-mode offline
# the four games that declare obs_requires_prev_action, with the reward alone (the defaults before)
D=ConcentrationEasy,MultiarmedBanditEasy,MineSweeperEasy,BattleshipEasy
python bench/suite/run_suite.py --out $OUT/held_out_reward --held-out --tasks $D \
    --agents lstm,gru,rnn --seeds 0 --budget 100000 --workers 2 --wandb-mode offline \
    --set prev_action_reward=reward
# 1M env steps, LSTM, seed 0: the defaults, the reward alone, and no advantage floor
python bench/suite/run_suite.py --out $OUT/long_auto --held-out \
    --tasks MultiarmedBanditEasy,ConcentrationEasy --agents lstm --seeds 0 --budget 1000000 --workers 1
python bench/suite/run_suite.py --out $OUT/long_reward --held-out \
    --tasks MultiarmedBanditEasy,ConcentrationEasy --agents lstm --seeds 0 --budget 1000000 --workers 1 \
    --set prev_action_reward=reward
python bench/suite/run_suite.py --out $OUT/floor0 --held-out --tasks MultiarmedBanditEasy \
    --agents lstm,gru,rnn --seeds 0 --budget 100000 --workers 1 --set advantage_floor_ratio=0
python bench/suite/run_suite.py --out $OUT/floor0_long --held-out --tasks MultiarmedBanditEasy \
    --agents lstm --seeds 0 --budget 1000000 --workers 1 --set advantage_floor_ratio=0
# the uniform random policy, 100 episodes per game
(echo game,mean_return,std_return; python bench/suite/results/held_out/random_policy.py $T) \
    > bench/suite/results/held_out/random.csv
# PositionOnlyPendulumEasy, one change each (seed 0, 100k; lstm and rnn unless one agent is given)
P="--held-out --tasks PositionOnlyPendulumEasy --seeds 0 --workers 1"
python bench/suite/run_suite.py --out $OUT/pend_floor0 $P --agents lstm,rnn --budget 100000 --set advantage_floor_ratio=0
python bench/suite/run_suite.py --out $OUT/pend_entfloor $P --agents lstm,rnn --budget 100000 --set entropy_weighting=floor
python bench/suite/run_suite.py --out $OUT/pend_ent0 $P --agents lstm,rnn --budget 100000 --set ent_coef=0
python bench/suite/run_suite.py --out $OUT/pend_batch128 $P --agents lstm,rnn --budget 100000 --set batch_size=128
python bench/suite/run_suite.py --out $OUT/pend_kl_none $P --agents lstm,rnn --budget 100000 --set target_kl=None
python bench/suite/run_suite.py --out $OUT/pend_h256 $P --agents lstm --budget 100000 --set hidden_size=256
python bench/suite/run_suite.py --out $OUT/pend_n128 $P --agents lstm --budget 100000 --set n_steps=128 --set align_rollouts=false
python bench/suite/run_suite.py --out $OUT/pend_400k $P --agents lstm --budget 400000
# Note: defaults/'s seed-0 cells of CountRecall and HigherLower ran before the default became
# prev_action_reward=auto (their config.yaml says reward); those games declare no need for the
# previous action, so auto gives them the same observations.
# Sampled play of every core model above (2026-12-06, 30th session): sampled.csv
for d in $OUT/held_out/runs/*-{lstm,gru,rnn}-s*; do python train.py evaluate $d --sampled; done
# seed 2 for the six other games (30th session; these cells also played with sampled actions,
# --eval_sampled, the suite's default since then)
python bench/suite/run_suite.py --out $OUT/held_out --held-out \
    --tasks CountRecallEasy,HigherLowerEasy,MultiarmedBanditEasy,MineSweeperEasy,BattleshipEasy,VelocityOnlyCartpoleEasy \
    --agents lstm,gru,rnn --seeds 2 --budget 100000 --workers 1 --wandb-mode offline
