"""Ficus sync: forward CDC, reverse sync, reconciliation, lag."""
