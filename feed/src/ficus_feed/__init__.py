"""Ficus's shared domain-event feed: transports, the consumer loop, checkpoints, dead letters."""
