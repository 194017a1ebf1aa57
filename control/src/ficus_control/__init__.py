"""Ficus control plane: cutover state, gates, audit, the `ficus` CLI and the local stack."""
