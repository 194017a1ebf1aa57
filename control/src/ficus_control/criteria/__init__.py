"""Criteria: what a gate or a plan step requires (`signal op threshold`, samples, age, soak)
and the one evaluator of them over a snapshot of measured signals (core/ is pure). The plan's
steps, the gate policy's reads gates and the writes gates are all criteria evaluated here."""
