"""Adapters of the control plane: Postgres (state, audit, tokens, stats), sync and proxy HTTP."""
