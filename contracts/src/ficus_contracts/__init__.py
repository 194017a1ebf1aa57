"""Ficus shared contracts: event schemas and the cutover model, imported by every deployable."""
