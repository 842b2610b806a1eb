#!/bin/bash
# The GRU's RepeatFirstMedium at 1M env steps (POPGym cells stop at 0.99), chrono on half its
# units against its default three quarters (2026-12-05). Seed 0 of the default is the
# popgym_stop suite's cell (bench/suite/results/popgym_stop/suite.csv).
python bench/suite/run_suite.py --out OUT_HALF --name rfm-gru-chrono05 --workers 1 \
  --wandb-mode offline --agents gru --seeds 0,1 --tasks RepeatFirstMedium --set chrono_fraction=0.5
python bench/suite/run_suite.py --out OUT_DEFAULTS --name rfm-gru-defaults --workers 1 \
  --wandb-mode offline --agents gru --seeds 1 --tasks RepeatFirstMedium
