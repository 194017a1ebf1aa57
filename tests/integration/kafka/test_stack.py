"""The Kafka engines as `ficus up --engine kafka` starts them: healthy through their APIs,
logs under the stack's log dir, restartable; prints the measured start-up times."""

from __future__ import annotations

import pytest

from ficus_devstack.kafka import metadata_brokers
from ficus_devstack.process import ProcessState
from tests.integration.kafka.conftest import KafkaStack

pytestmark = [pytest.mark.integration, pytest.mark.kafka]


def test_broker_and_worker_are_healthy_and_log_under_the_stack(kafka_stack: KafkaStack) -> None:
    broker, connect = kafka_stack.broker, kafka_stack.connect
    assert metadata_brokers(broker.host, broker.port) == [(1, broker.host, broker.port)]
    health = connect.status().health
    assert health is not None and health.ok and health.facts["kafka"] == "4.3.1"
    log_dir = kafka_stack.stack.settings.log_dir
    assert "Kafka Server started" in (log_dir / "kafka.log").read_text()
    assert (log_dir / "connect.log").stat().st_size > 0
    assert (broker.datadir / "meta.properties").exists()  # formatted once, then started
    times = kafka_stack.startup_seconds
    print(  # noqa: T201
        f"start-up: kafka {times['kafka']:.1f}s, connect {times['connect']:.1f}s "
        f"(jars cached; MariaDB+Postgres not included)"
    )
    assert broker.process.state() is ProcessState.RUNNING
