"""The audit log's hash chain (pure): each row's hash is sha256 over the previous row's hash and
the row's own canonical content, so editing, deleting or reordering any row breaks every hash
from there on, and `first_break` names the first row that no longer fits.

The canonical content is a JSON array (fixed field order, no whitespace, UTF-8) of the row as
stored: the timestamp in UTC with microseconds and `measured` as the database renders its jsonb
(`measured::text`), so the writer and a later verifier hash the same bytes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64  # the "previous hash" of the first row
_FORMAT = "ficus-audit-v1"


@dataclass(frozen=True)
class ChainRow:
    """One audit row exactly as stored, with the chain columns."""

    id: int
    at: datetime
    actor: str
    note: str
    domain: str
    direction: str | None
    action: str
    from_stage: str | None
    from_percent: int | None
    to_stage: str | None
    to_percent: int | None
    reason: str
    forced: bool
    measured_json: str
    prev_hash: str | None = None
    hash: str | None = None


def canonical(row: ChainRow, prev_hash: str) -> bytes:
    fields = [
        _FORMAT, prev_hash, row.id, row.at.astimezone(UTC).isoformat(timespec="microseconds"),
        row.actor, row.note, row.domain, row.direction, row.action, row.from_stage,
        row.from_percent, row.to_stage, row.to_percent, row.reason, row.forced,
        row.measured_json,
    ]  # fmt: skip
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


def row_hash(row: ChainRow, prev_hash: str) -> str:
    return hashlib.sha256(canonical(row, prev_hash)).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """The first row that does not fit the chain, and why."""

    id: int
    reason: str

    def __str__(self) -> str:
        return f"audit row {self.id}: {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    rows: int
    head: str  # the last row's hash (GENESIS for an empty log): keep it elsewhere to anchor
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def walk(rows: Iterable[ChainRow]) -> ChainReport:
    """Verify `rows` in id order; stops at the first break."""
    prev, count = GENESIS, 0
    for row in rows:
        count += 1
        if row.hash is None or row.prev_hash is None:
            why = "it carries no hash (written around the control plane)"
            return ChainReport(count, prev, ChainBreak(row.id, why))
        if row.prev_hash != prev:
            why = "its previous-row hash does not match the row before it (a row was removed?)"
            return ChainReport(count, prev, ChainBreak(row.id, why))
        if row.hash != row_hash(row, prev):
            why = "its content does not match its hash (the row was changed)"
            return ChainReport(count, prev, ChainBreak(row.id, why))
        prev = row.hash
    return ChainReport(count, prev, None)
