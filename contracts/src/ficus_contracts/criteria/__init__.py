"""Criteria: what a gate or a plan step requires (`signal op threshold`, samples, age, soak)
and the one evaluator of them over a snapshot of measured signals (pure, as all the contracts
are). Control's plan steps, its gate policy's reads gates and its writes gates, and every data
plane's automatic rollback (`guard.budget`: the error budget over its window) are all criteria
evaluated here."""
