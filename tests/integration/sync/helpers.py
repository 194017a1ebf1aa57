"""Assertions shared by sync's integration tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from ficus_sync import bootstrap, mariadb
from ficus_sync.lag import LagTracker, gtid_distance
from ficus_sync.operations import Difference, reconcile_catalog
from ficus_sync.settings import SyncSettings
from tests.integration.sync.conftest import poll


@contextmanager
def sync_in_thread(settings: SyncSettings) -> Iterator[LagTracker]:
    """sync streaming (`bootstrap.stream`) in a background thread of this process."""
    lag = LagTracker()
    stop = threading.Event()
    thread = threading.Thread(target=bootstrap.stream, args=(settings, lag, stop))
    thread.start()
    try:
        yield lag
    finally:
        stop.set()
        thread.join(timeout=30)
        assert not thread.is_alive()


def last_event_seq(settings: SyncSettings) -> int:
    """The newest `domain_event` seq in sync's database (0: none yet)."""
    with psycopg.connect(settings.postgres_url, autocommit=True) as conn:
        row = conn.execute("SELECT coalesce(max(seq), 0) FROM domain_event").fetchone()
    return int(row[0]) if row else 0


def master_gtid(settings: SyncSettings) -> str:
    with mariadb.connection(mariadb.MysqlParams.from_url(settings.mysql_url)) as conn:
        return mariadb.master_coordinates(conn).gtid


def checkpoint(settings: SyncSettings) -> dict[str, Any] | None:
    try:
        with psycopg.connect(settings.postgres_url, autocommit=True) as conn:
            row = conn.execute("SELECT position FROM checkpoint WHERE source = 'binlog'").fetchone()
    except psycopg.Error:
        return None
    return dict(row[0]) if row else None


def wait_caught_up(settings: SyncSettings, timeout: float = 60) -> None:
    """Wait until the committed checkpoint reaches MariaDB's GTID position as of now."""
    target = master_gtid(settings)

    def reached() -> bool:
        position = checkpoint(settings)
        return position is not None and gtid_distance(target, position.get("gtid")) == 0

    poll(reached, timeout, f"sync did not reach {target}; checkpoint {checkpoint(settings)}")


def differences(settings: SyncSettings) -> list[Difference]:
    components = bootstrap.build(settings)
    try:
        return reconcile_catalog(components)
    finally:
        components.close()


def assert_versions_strictly_increase(settings: SyncSettings) -> int:
    """Per aggregate, domain_event versions are 1, 2, 3 … in seq order (none applied twice)."""
    with psycopg.connect(settings.postgres_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT aggregate, entity_id, version FROM domain_event ORDER BY seq"
        ).fetchall()
    last: dict[tuple[str, int], int] = {}
    for aggregate, entity_id, version in rows:
        key = (aggregate, int(entity_id))
        expected = last.get(key, 0) + 1
        assert version == expected, f"{key}: version {version} after {expected - 1}"
        last[key] = version
    return len(rows)


def projected_payload(settings: SyncSettings, aggregate: str, entity_id: int) -> Any:
    """The payload of the aggregate's last event (its projection's `last_seq`), or None."""
    with psycopg.connect(settings.postgres_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT e.payload FROM projection p JOIN domain_event e ON e.seq = p.last_seq "
            "WHERE p.aggregate = %s AND p.entity_id = %s",
            (aggregate, entity_id),
        ).fetchone()
    return None if row is None else row[0]
