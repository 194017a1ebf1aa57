"""The sizes of the queues an operator must empty, per domain, for sync's `GET /v1/queues`
(control's `dlq_forward` and `conflicts` criteria read them):

- the forward DLQ: sync's dead letters not replayed yet (`dead_letter` in sync's Postgres),
  counted for the domains fed by the dead letter's Magento table (`lag.DOMAIN_TABLES`); a
  dead letter whose table is unknown (an envelope that did not parse) counts for every
  domain, as it may hold any domain's change;
- the conflict queue: open (manual) rows of reverse sync's conflict log
  (`ficus_reverse_conflict` in Magento's database). A Magento without that table never ran
  reverse sync, so it has no open conflict.

Each read opens its own short connections: an unreachable database raises SourceUnavailable
(the HTTP surface answers 503, so the criteria have no evidence rather than a false 0).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import psycopg
import pymysql

from ficus_sync.errors import SourceUnavailable
from ficus_sync.lag import DOMAIN_TABLES
from ficus_sync.reverse.worker import mysql_connection

_NO_SUCH_TABLE = 1146


@dataclass(frozen=True)
class QueueSizes:
    forward_dlq: int
    conflicts: int


class QueueCounts:
    """Reads both queues afresh on each call."""

    def __init__(self, postgres_url: str, mysql_url: str) -> None:
        self.postgres_url = postgres_url
        self.mysql_url = mysql_url

    def __call__(self) -> dict[str, QueueSizes]:
        dead = by_domain(self._dead_letters_by_table())
        conflicts = self._open_conflicts()
        return {
            domain: QueueSizes(dead[domain], conflicts.get(domain, 0)) for domain in DOMAIN_TABLES
        }

    def _dead_letters_by_table(self) -> list[tuple[str | None, int]]:
        try:
            with psycopg.connect(self.postgres_url, connect_timeout=5) as conn:
                rows = conn.execute(
                    "SELECT tbl, count(*) FROM dead_letter WHERE replayed_at IS NULL GROUP BY tbl"
                ).fetchall()
        except psycopg.Error as exc:
            raise SourceUnavailable(f"Postgres: {exc}") from exc
        return [(row[0], int(row[1])) for row in rows]

    def _open_conflicts(self) -> dict[str, int]:
        conn = mysql_connection(self.mysql_url)
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT domain, count(*) FROM ficus_reverse_conflict "
                    "WHERE status = 'open' GROUP BY domain"
                )
                return {str(row[0]): int(row[1]) for row in cur.fetchall()}
        except pymysql.err.ProgrammingError as exc:
            if exc.args and exc.args[0] == _NO_SUCH_TABLE:
                return {}
            raise
        except pymysql.err.MySQLError as exc:
            raise SourceUnavailable(f"MariaDB: {exc}") from exc
        finally:
            conn.close()


def by_domain(
    per_table: Iterable[tuple[str | None, int]],
    domains: Mapping[str, tuple[str, ...]] = DOMAIN_TABLES,
) -> Counter[str]:
    """Dead letters per domain from counts per Magento table (None: unknown table)."""
    counts: Counter[str] = Counter({domain: 0 for domain in domains})
    for table, count in per_table:
        for domain, tables in domains.items():
            if table is None or table in tables:
                counts[domain] += count
    return counts
