"""The cutover feature's pure core: the in-memory state, the guard and its breaker and budget."""
