"""The protection of a new backend, shared by every data plane (the Python proxy, the nginx
plane's agent), pure: `breaker` (circuit breaker, consecutive-failure trip), `budget` (error
rate and p99 over a sliding window), `domain` (a domain's guard: outcomes in, actions out),
`state` (the cutover state with the plane's own read trips until control confirms them),
`reports` (the queue of automatic actions on their way to control).
Both planes measure with the same rules and thresholds and report the same actions."""
