"""Studies over many runs: sweeps (process pool, Ray, W&B agents), the memory frontier report,
the W&B dashboard, and gradient flow through time.

Builds on one training run (``recurrent_agents.run``) and the agent library.
"""
