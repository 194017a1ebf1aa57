"""Capture sources: where change events come from (the embedded binlog reader, later Kafka)."""
