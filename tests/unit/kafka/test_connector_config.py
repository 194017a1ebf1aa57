"""The connector configuration (DEBEZIUM.md §3.5 as corrected) and the MariaDB grants."""

from __future__ import annotations

import re

from ficus_sync.capture.kafka.core.connector import ConnectorSpec, connector_config
from ficus_sync.capture.kafka.mariadb_setup import debezium_grants

SPEC = ConnectorSpec(
    database="magento",
    tables=["cataloginventory_stock_item", "catalog_product_entity"],
    hostname="127.0.0.1",
    port=13306,
    user="debezium",
    password="dbz",
    bootstrap_servers="127.0.0.1:19092",
)


def test_config_keeps_nulls_and_carries_schemas() -> None:
    config = connector_config(SPEC)
    assert config["connector.class"] == "io.debezium.connector.mariadb.MariaDbConnector"
    assert config["value.converter.replace.null.with.default"] == "false"
    assert config["value.converter.schemas.enable"] == "true"
    assert config["decimal.handling.mode"] == "precise"
    assert config["signal.data.collection"] == "magento.debezium_signal"
    assert config["schema.history.internal.kafka.topic"] == "_schemahistory.magento"
    assert int(config["heartbeat.interval.ms"]) > 0
    assert config["provide.transaction.metadata"] == "true"
    assert all(isinstance(v, str) for v in config.values())


def test_recipe_variant_string_decimals_without_schemas() -> None:
    spec = ConnectorSpec(**{**SPEC.__dict__, "decimal_mode": "string", "schemas": False})
    config = connector_config(spec)
    assert (config["decimal.handling.mode"], config["value.converter.schemas.enable"]) == (
        "string",
        "false",
    )


def test_table_list_and_topic_pattern_match_exactly_the_captured_tables() -> None:
    config = connector_config(SPEC)
    assert config["table.include.list"] == (
        "magento\\.cataloginventory_stock_item,magento\\.catalog_product_entity"
    )
    pattern = re.compile(SPEC.topic_pattern())
    assert pattern.match("magento.magento.catalog_product_entity")
    assert not pattern.match("magento.magento.catalog_product_entity_int")
    assert not pattern.match("magento.transaction")
    assert SPEC.transaction_topic == "magento.transaction"


def test_grants_are_the_minimum_on_the_captured_database() -> None:
    grants = debezium_grants("magento", "debezium_signal")
    assert grants == [
        "GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.*",
        "GRANT SELECT ON `magento`.*",
        "GRANT INSERT ON `magento`.`debezium_signal`",
    ]
