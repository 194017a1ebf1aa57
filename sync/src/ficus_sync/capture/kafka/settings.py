"""Settings of the Kafka capture path (env prefix FICUS_SYNC_KAFKA_)."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class KafkaPathSettings(BaseSettings):
    """Where Kafka, Connect and the source MariaDB are, and how the connector is named."""

    model_config = SettingsConfigDict(env_prefix="FICUS_SYNC_KAFKA_", frozen=True)

    bootstrap_servers: str = "127.0.0.1:19092"
    connect_url: str = "http://127.0.0.1:18183"
    connector_name: str = "magento-mariadb"
    topic_prefix: str = "magento"
    consumer_group: str = "ficus-sync"
    mariadb_host: str = "127.0.0.1"
    mariadb_port: int = 13306
    mariadb_database: str = "magento"
    mariadb_admin_user: str = "ficus"
    mariadb_admin_password: SecretStr = SecretStr("ficus")
    debezium_user: str = "debezium"
    debezium_password: SecretStr = SecretStr("dbz")
    signal_table: str = "debezium_signal"
    server_id: int = 184054
