"""Pure logic of the Kafka path: Debezium records, transaction assembly, re-snapshots and the
connector's configuration. Imports no framework or driver (import-linter forbids it)."""
