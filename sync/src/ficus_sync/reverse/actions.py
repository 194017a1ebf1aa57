"""Operator actions on reverse sync behind the CLI: the reverse DLQ (list, replay) and the
conflict log (list, resolve). Each opens its own session on Magento and the service's database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ficus_sync.reverse import ledger
from ficus_sync.reverse.errors import PoisonRow
from ficus_sync.reverse.resolution import Retract, Side, resolve
from ficus_sync.reverse.worker import ReverseConfig, Session, fault_hook, mysql_connection


@dataclass
class ReplayResult:
    replayed: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)


def dead_letters(mysql_url: str, domain: str) -> list[ledger.DeadRow]:
    conn = mysql_connection(mysql_url)
    try:
        ledger.ensure(conn)
        return ledger.dead(conn, domain)
    finally:
        conn.close()


def replay(config: ReverseConfig, outbox_ids: Sequence[int] = ()) -> ReplayResult:
    """Apply dead outbox rows again (all of them, or these), each in the worker's one
    transaction that also replaces its dead log row; a row failing again stays dead."""
    result = ReplayResult()
    with Session.open(config, fault_hook(None)) as session:
        dead = [d.outbox_id for d in ledger.dead(session.magento.conn, config.domain)]
        for outbox_id in [i for i in dead if not outbox_ids or i in outbox_ids]:
            row = session.outbox.row(outbox_id)
            if row is None:
                result.failed[outbox_id] = "the outbox row is gone from the service's database"
                continue
            try:
                session.magento.apply(row, session.offset_ms(), replay=True)
            except PoisonRow as exc:
                result.failed[outbox_id] = str(exc)
            else:
                result.replayed.append(outbox_id)
    return result


def conflicts(mysql_url: str, domain: str | None, open_only: bool) -> list[ledger.ConflictRow]:
    conn = mysql_connection(mysql_url)
    try:
        ledger.ensure(conn)
        return ledger.conflicts(conn, domain, open_only)
    finally:
        conn.close()


def conflict_domain(mysql_url: str, conflict_id: int) -> str | None:
    conn = mysql_connection(mysql_url)
    try:
        ledger.ensure(conn)
        found = ledger.conflicts(conn, conflict_id=conflict_id)
    finally:
        conn.close()
    return found[0].domain if found else None


def resolve_conflict(
    config: ReverseConfig, conflict_id: int, take: Side, who: str, retract: Retract | None = None
) -> str:
    with Session.open(config, fault_hook(None)) as session:
        return resolve(session.magento, session.outbox, conflict_id, take, who, retract)
