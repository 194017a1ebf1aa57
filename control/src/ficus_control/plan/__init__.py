"""The phase plan: per domain, the steps of the migration and each step's exit criteria,
evaluated over measured signals (core/ is pure; service.py and the adapters measure and act)."""
