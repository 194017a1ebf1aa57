"""Postgres adapters of the feed: sync's `domain_event` table as the event source, the
checkpoint and dead-letter tables in the service's database, and its transactions."""
