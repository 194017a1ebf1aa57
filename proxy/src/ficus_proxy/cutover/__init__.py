"""The cutover as this proxy sees it: the state it routes by (`ficus_contracts.guard.state`,
kept current by `listener`), the guard that protects a new backend's reads and decides trips
and rollbacks (`ficus_contracts.guard.domain`, shared with the nginx plane), and the reports of
those decisions to the control plane (`reporting`)."""
