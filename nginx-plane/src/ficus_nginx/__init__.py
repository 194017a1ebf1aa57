"""Ficus nginx plane: nginx (with njs) enforcing the cutover state."""
