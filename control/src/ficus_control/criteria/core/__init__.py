"""Signals, criteria and their evaluation: no I/O, no framework."""
