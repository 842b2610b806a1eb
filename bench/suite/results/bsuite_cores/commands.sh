#!/bin/bash
# bsuite memory_len at all 23 of bsuite's lengths for the GRU and the vanilla RNN, seed 0, with
# the defaults of 2026-12-05 (code of commit c73890b; the LSTM's 23 are in
# ../defaults_prev_reward/). Each ran one cell at a time beside one other job; rerunning resumes.
python bench/suite/run_suite.py --out OUT/bsuite_gru --name bsuite-gru --agents gru --seeds 0 \
  --tasks bsuite --workers 1 --wandb-mode offline
python bench/suite/run_suite.py --out OUT/bsuite_rnn --name bsuite-rnn --agents rnn --seeds 0 \
  --tasks bsuite --workers 1 --wandb-mode offline
# gru/ and rnn/: each suite's suite.csv (one row per length: greedy score after the last update,
# the fraction of bsuite's 10,000 training episodes answered correctly, whether bsuite counts the
# length learned), suite.md (bsuite's score) and suite.png.
