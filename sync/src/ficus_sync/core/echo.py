"""No echo, the forward half (pure): which reverse-sync markers a batch adds as expected
echoes, and which stored expectations it makes stale (docs/reverse-sync.md, "No echo").

The reverse worker writes a `ficus_reverse_log` row first in the one MySQL transaction that
applies a service write. Its INSERT, seen by capture, becomes an expectation `(aggregate,
entity_id, state_hash, outbox_id)` tagged with the source transaction. Any other row change
touching the aggregate from ANOTHER transaction (an admin edit, direct SQL, a snapshot re-read)
makes every earlier expectation of that aggregate stale: the projector must then emit whatever
state it finds, even one that happens to equal what reverse sync once wrote. Rows of the
marker's own transaction keep it (they are the echo). So an expectation lives from its marker
until the projector matches it or a foreign change passes it, never longer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ficus_contracts.reverse import REVERSE_LOG_TABLE
from ficus_sync.core.envelope import ChangeEvent, Op, Row
from ficus_sync.core.tables import ADDRESS, AGGREGATES, ALL, Touch, reverse_marker, touched


@dataclass(frozen=True, slots=True)
class Expectation:
    aggregate: str
    entity_id: int
    state_hash: str
    outbox_id: int
    txn: str | None


@dataclass
class EchoPlan:
    """`drop`: per aggregate, the transaction whose change made the stored expectations stale
    (drop those of any other transaction; None: drop all). `add`: new expectations to store
    after the drops."""

    drop: dict[Touch, str | None] = field(default_factory=dict)
    add: list[Expectation] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.drop or self.add)


def plan_echoes(events: Iterable[ChangeEvent], address_parent: Mapping[int, int]) -> EchoPlan:
    """The expectations `events` (in source order) add and make stale; `address_parent`
    resolves an address EAV row's address id to its customer."""
    added: dict[Touch, list[Expectation]] = {}
    drop: dict[Touch, str | None] = {}
    for event in events:
        if event.table == REVERSE_LOG_TABLE:
            _marker(event, added)
            continue
        txn = event.transaction_id
        for key in _keys(event, address_parent):
            added[key] = [e for e in added.get(key, []) if txn is not None and e.txn == txn]
            drop[key] = txn
    return EchoPlan(drop, [e for found in added.values() for e in found])


def _marker(event: ChangeEvent, added: dict[Touch, list[Expectation]]) -> None:
    # only a fresh insert is a marker: a snapshot read of old log rows expects nothing; a
    # parked or dead outbox row (status, empty hash) changed nothing in Magento
    if event.op is not Op.CREATE or event.after is None:
        return
    found = reverse_marker(event.after)
    if found is None or not found[1] or event.after.get("status", "applied") != "applied":
        return
    (aggregate, entity_id), state_hash, outbox_id = found
    expectation = Expectation(aggregate, entity_id, state_hash, outbox_id, event.transaction_id)
    added.setdefault((aggregate, entity_id), []).append(expectation)


def _keys(event: ChangeEvent, address_parent: Mapping[int, int]) -> set[Touch]:
    keys: set[Touch] = set()
    for image in (event.before, event.after):
        keys |= _image_keys(event.table, image, address_parent)
    return keys


def _image_keys(table: str, image: Row | None, address_parent: Mapping[int, int]) -> set[Touch]:
    if image is None:
        return set()
    found = touched(table, image)
    if found is ALL:
        return set()  # metadata: not a change of one aggregate's rows
    keys: set[Touch] = set()
    for kind, entity_id in found:  # type: ignore[union-attr]
        if kind == ADDRESS:
            parent = address_parent.get(entity_id)
            if parent is not None:
                keys.add(("customer", parent))
        elif kind in AGGREGATES:  # no reverse-sync markers for roles, labels, token links
            keys.add((kind, entity_id))  # type: ignore[arg-type]
    return keys
