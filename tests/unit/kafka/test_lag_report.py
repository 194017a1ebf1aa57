"""`/v1/lag` on the Kafka engine: consumer lag per partition next to the source lag (the
reader itself, `consumer_lag`, runs against real Kafka in tests/integration/kafka)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from ficus_sync import bootstrap
from ficus_sync.capture.kafka.source import PartitionLag, lag_report
from ficus_sync.http import create_app
from ficus_sync.lag import LagTracker
from ficus_sync.settings import SyncSettings


def test_report_sums_partitions_and_counts_no_commit_as_all_behind() -> None:
    report = lag_report(
        [
            PartitionLag("magento.m.catalog_product_entity", 0, 40, 45),
            PartitionLag("magento.m.catalog_product_entity_decimal", 0, -1001, 7),
            PartitionLag("magento.m.cataloginventory_stock_item", 0, 9, 9),
        ]
    )
    assert report["consumer_lag"] == 12
    assert report["partitions"]["magento.m.catalog_product_entity/0"] == {
        "committed": 40,
        "high_watermark": 45,
        "lag": 5,
    }
    assert report["partitions"]["magento.m.catalog_product_entity_decimal/0"]["lag"] == 7
    assert report["partitions"]["magento.m.cataloginventory_stock_item/0"]["lag"] == 0


def test_lag_document_carries_the_kafka_part_next_to_the_source_lag() -> None:
    def reader() -> dict[str, Any]:
        return lag_report([PartitionLag("t", 0, 3, 10)])

    body = TestClient(create_app(LagTracker(), reader)).get("/v1/lag").json()
    assert "domains" in body
    assert body["kafka"]["consumer_lag"] == 7
    assert body["kafka"]["partitions"]["t/0"]["high_watermark"] == 10


def test_kafka_away_is_reported_not_raised() -> None:
    def reader() -> dict[str, Any]:
        raise RuntimeError("all brokers down")

    response = TestClient(create_app(LagTracker(), reader)).get("/v1/lag")
    assert response.status_code == 200
    assert response.json()["kafka"] == {"error": "all brokers down"}


def test_embedded_engine_has_no_kafka_part() -> None:
    engine = bootstrap.capture(SyncSettings(engine="embedded"))
    body = TestClient(create_app(LagTracker(), engine.lag_reader)).get("/v1/lag").json()
    assert "kafka" not in body


def test_the_kafka_engine_reads_the_consumer_lag() -> None:
    engine = bootstrap.capture(SyncSettings(engine="kafka"))
    assert (engine.name, engine.lag_reader is not None) == ("kafka", True)
