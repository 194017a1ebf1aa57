"""The Kafka capture path: Debezium's MariaDB connector on Kafka Connect, read back with
confluent-kafka and fed to the same pipeline as the embedded binlog engine."""
