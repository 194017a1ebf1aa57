"""The plan's pure model, validation and evaluation: no I/O, no framework."""
