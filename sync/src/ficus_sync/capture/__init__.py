"""Capture sources behind one port (`port.py`): the embedded binlog reader (`binlog.py`) and
Debezium via Kafka (`kafka/`)."""
