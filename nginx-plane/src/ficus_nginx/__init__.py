"""Ficus nginx plane: nginx (with lua-nginx-module) enforcing the cutover state."""
