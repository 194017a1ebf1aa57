"""The cutover as this proxy sees it: the state it routes by (`core.state`, kept current by
`listener`), the guard that protects a new backend's reads and decides trips and rollbacks
(`core.guard`), and the reports of those decisions to the control plane (`reporting`)."""
