"""Exactly once across kill -9: the reverse worker runs as `python -m ficus_sync reverse run`
and a fault hook SIGKILLs it right after a MySQL commit (before the ack in the service's
database) and, in another run, right before a commit; after the restarts every outbox row is
in Magento exactly once (one log row each, one customer each, all acknowledged)."""

# ruff: noqa: F811 - the fixtures are imported from test_reverse_support

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from ficus_sync.settings import SyncSettings
from tests.integration.sync.conftest import SyncProcess
from tests.integration.sync.test_reverse_support import (  # noqa: F401 - fixtures
    Magento,
    Service,
    customer,
    drained,
    magento,
    service,
)

pytestmark = pytest.mark.integration

ROWS = 24


def reverse_process(
    mysql_url: str, service: Service, tmp_path: Path, fault: str | None = None, apply_batch: int = 1
) -> SyncProcess:
    settings = SyncSettings(
        mysql_url=mysql_url, reverse_customer_database_url=service.url, reverse_fault=fault,
        reverse_batch=7, reverse_apply_batch=apply_batch, reverse_pool_low=1, reverse_pool_block=5,
    )  # fmt: skip
    return SyncProcess(settings, tmp_path / "reverse.log").start("reverse", "run")


def acked(service: Service) -> int:
    row = service.conn.execute("SELECT count(*) FROM outbox WHERE acked_at IS NOT NULL")
    return int(row.fetchone()[0])  # type: ignore[index]


def test_kill9_after_commit_and_before_commit_applies_each_row_once(
    service: Service, magento: Magento, mysql_url: str, tmp_path: Path
) -> None:
    ids = [service.write(customer(7300 + n)) for n in range(ROWS // 2)]
    ids += [
        service.write(customer(7300 + n, firstname=f"v{n}"), customer(7300 + n))
        for n in range(ROWS // 2)
    ]

    crashed = reverse_process(mysql_url, service, tmp_path, "after_commit:5")
    assert crashed.wait(60) == -signal.SIGKILL, crashed.output()[-2000:]
    assert len(magento.log()) == 5 and acked(service) <= 4  # the 5th: committed, not acked

    crashed = reverse_process(mysql_url, service, tmp_path, "before_commit:3")
    assert crashed.wait(60) == -signal.SIGKILL, crashed.output()[-2000:]
    assert len(magento.log()) == 7 and 5 <= acked(service) <= 7  # the 5 re-acked, 2 more

    survivor = reverse_process(mysql_url, service, tmp_path)
    try:
        drained(service, timeout=60)
    finally:
        survivor.stop()
    log = magento.log()
    assert [row[0] for row in log] == ids  # one log row per outbox row, in order
    assert {row[3] for row in log} == {"applied"}
    assert magento.scalar("SELECT count(*) FROM customer_entity") == ROWS // 2
    for n in range(ROWS // 2):
        assert magento.read(7300 + n) == customer(7300 + n, firstname=f"v{n}")


def test_kill9_around_a_batched_commit_applies_each_row_once(
    service: Service, magento: Magento, mysql_url: str, tmp_path: Path
) -> None:
    """Batches of 3 (7 rows read per round: 3 + 3 + 1): a kill after the 2nd commit leaves 6
    rows logged, at most the first batch acked; a kill before the next commit adds nothing."""
    ids = [service.write(customer(7400 + n)) for n in range(ROWS // 2)]
    ids += [
        service.write(customer(7400 + n, firstname=f"v{n}"), customer(7400 + n))
        for n in range(ROWS // 2)
    ]

    crashed = reverse_process(mysql_url, service, tmp_path, "after_commit:2", apply_batch=3)
    assert crashed.wait(60) == -signal.SIGKILL, crashed.output()[-2000:]
    assert len(magento.log()) == 6 and acked(service) <= 3  # the 2nd batch: not acked

    crashed = reverse_process(mysql_url, service, tmp_path, "before_commit:1", apply_batch=3)
    assert crashed.wait(60) == -signal.SIGKILL, crashed.output()[-2000:]
    assert len(magento.log()) == 6 and 3 <= acked(service) <= 6  # re-acked, nothing more

    survivor = reverse_process(mysql_url, service, tmp_path, apply_batch=3)
    try:
        drained(service, timeout=60)
    finally:
        survivor.stop()
    log = magento.log()
    assert [row[0] for row in log] == ids and {row[3] for row in log} == {"applied"}
    assert magento.scalar("SELECT count(*) FROM customer_entity") == ROWS // 2
    for n in range(ROWS // 2):
        assert magento.read(7400 + n) == customer(7400 + n, firstname=f"v{n}")
