"""One training run: config and command line, the training loop's glue, the run directory and
its lock, checkpoints and resume, curriculum, greedy evaluation, W&B tracking, and the run's
on-disk record.

Builds on the agent library (``recurrent_agents``); never imported by it.
"""
