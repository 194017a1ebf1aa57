"""The proxy's sans-IO core: the routing decision for one request and cohort bucketing."""
