"""Adapter: Magento's side of reverse sync, through ficus_legacy's customer reader/writer.

A batch of outbox rows is ONE MySQL transaction: read Magento's current customers of the batch
`FOR UPDATE` (set-based) → per row, in outbox order: 3-way merge (core) → INSERT its
`ficus_reverse_log` marker (before the rows it explains: capture sees it first) → write the
merged state → its `jwt_auth_revoked` row (a password change) → INSERT the conflicts; then
one grid refresh → COMMIT. A batch of one row is the single-row case (replays, and the
row-by-row retry of a batch that failed).
Driver errors are translated here once: connection losses are `SourceUnavailable` (the
session is retried), lock wait timeouts and deadlocks `LockConflict` (the batch is run again
from its start, `LOCK_CONFLICT_ATTEMPTS` runs in all, then it is a `SourceUnavailable` too);
any other failure of a row is `PoisonRow` (DLQ). Lock order, the stand-in's too: customer rows
(ascending id), then their addresses, then their grid rows, each by key (ficus_legacy).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pymysql
from pydantic import ValidationError

from ficus_contracts.customers import CustomerState
from ficus_contracts.reverse import CUSTOMER_USER_TYPE, OutboxRow, hlc_physical_ms
from ficus_legacy import customers as legacy
from ficus_legacy.errors import LegacyError
from ficus_sync.core.statehash import state_hash
from ficus_sync.errors import SourceUnavailable
from ficus_sync.reverse import ledger
from ficus_sync.reverse.core import (
    Conflict,
    deletion_conflict,
    merge_customer,
    newest_wins_time_ms,
)
from ficus_sync.reverse.errors import LockConflict, PoisonRow

Connection = Any  # pymysql.connections.Connection
Fault = Callable[[str], None]  # a test hook: called at "before_commit" and "after_commit"

# lock wait timeout, deadlock, too many connections, shutdown, connection gone/lost/killed
TRANSIENT_CODES = frozenset({1040, 1053, 1205, 1213, 1927, 2003, 2006, 2013, 2055})
LOCK_CONFLICT_CODES = frozenset({1205, 1213})  # lock wait timeout, deadlock
LOCK_CONFLICT_ATTEMPTS = 5
_DUPLICATE_KEY = 1062
ATTRIBUTES_EVERY_SECONDS = 60.0


@dataclass(frozen=True)
class Outcome:
    """What applying one outbox row did: `duplicate` means the log already had it."""

    status: Literal["applied", "parked", "duplicate"]
    conflicts: tuple[Conflict, ...] = ()


@dataclass(frozen=True)
class _Plan:
    state: CustomerState | None
    delete: bool = False
    conflicts: tuple[Conflict, ...] = field(default_factory=tuple)
    service: CustomerState | None = None  # the outbox row's state

    @property
    def parked(self) -> bool:
        return self.state is None and not self.delete


@contextlib.contextmanager
def translated() -> Iterator[None]:
    """Map a driver's or a payload's failure once: transient, or a poison row."""
    try:
        yield
    except pymysql.err.InterfaceError as exc:
        raise SourceUnavailable(f"MariaDB: {exc}") from exc
    except pymysql.err.MySQLError as exc:
        if exc.args and exc.args[0] in LOCK_CONFLICT_CODES:
            raise LockConflict(f"MariaDB: {exc}") from exc
        if exc.args and exc.args[0] in TRANSIENT_CODES:
            raise SourceUnavailable(f"MariaDB: {exc}") from exc
        raise PoisonRow(f"MariaDB refused the row: {exc}") from exc
    except LegacyError as exc:  # a write Magento's constraints refuse
        raise PoisonRow(str(exc)) from exc
    except (ValidationError, ValueError, TypeError, KeyError) as exc:
        raise PoisonRow(f"invalid outbox row: {exc}") from exc


def _ignore(_point: str) -> None:
    return None


class Magento:
    """One domain's writes into Magento's database (a pymysql connection, autocommit off)."""

    def __init__(self, conn: Connection, domain: str, fault: Fault = _ignore) -> None:
        self.conn = conn
        self.domain = domain
        self.fault = fault
        self._attributes: tuple[legacy.CustomerAttributes | None, float] = (None, 0.0)

    def apply(self, row: OutboxRow, offset_ms: float, *, replay: bool = False) -> Outcome:
        """Apply one outbox row in one transaction (see the module docstring)."""
        return self.apply_batch([row], offset_ms, replay=replay)[0]

    def apply_batch(
        self, rows: Sequence[OutboxRow], offset_ms: float, *, replay: bool = False
    ) -> list[Outcome]:
        """Apply `rows` (outbox order) in ONE transaction: their customers read FOR UPDATE in
        one set-based read, then per row (a customer's rows in order, each merged against
        the state the one before left) its marker, its write, its conflicts; one grid
        refresh; COMMIT. Any failure rolls the whole batch back (`PoisonRow`: the caller
        retries row by row so exactly the bad row is buried; `LockConflict`: run again here,
        reads included, at most `LOCK_CONFLICT_ATTEMPTS` runs in all)."""
        attempt = 1
        while True:
            try:
                return self._apply_batch(rows, offset_ms, replay=replay)
            except LockConflict:
                if attempt >= LOCK_CONFLICT_ATTEMPTS:
                    raise
            attempt += 1

    def _apply_batch(
        self, rows: Sequence[OutboxRow], offset_ms: float, *, replay: bool
    ) -> list[Outcome]:
        with translated(), self.transaction():
            if replay:
                for row in rows:
                    ledger.forget_dead(self.conn, self.domain, row.id)
            current = self.read_many({row.entity_id for row in rows})
            touched: set[int] = set()
            outcomes = [self._apply_in(row, current, touched, offset_ms) for row in rows]
            if not touched and all(o.status == "duplicate" for o in outcomes):
                self.conn.rollback()
                return outcomes
            legacy.grid.refresh(self.conn, touched)
            self.fault("before_commit")
            self.conn.commit()
        self.fault("after_commit")
        return outcomes

    def _apply_in(
        self, row: OutboxRow, current: dict[int, CustomerState], touched: set[int],
        offset_ms: float,
    ) -> Outcome:  # fmt: skip
        """One row inside the batch's transaction; `current` follows what it writes."""
        before = current.get(row.entity_id)
        plan = self._plan(row, before, offset_ms)
        if not self._mark(row, plan):  # applied by an earlier run: this INSERT alone failed
            return Outcome("duplicate")
        if plan.delete and before is not None:
            legacy.delete(self.conn, row.entity_id, refresh_grid=False)
            current.pop(row.entity_id)
            touched.add(row.entity_id)
        elif plan.state is not None:
            legacy.write(self.conn, plan.state, before, attributes=self.attributes(),
                         locked=True, refresh_grid=False)  # fmt: skip
            current[row.entity_id] = plan.state
            touched.add(row.entity_id)
        if row.revoke_before is not None:
            self.revoke_tokens(row.entity_id, row.revoke_before)
        ledger.record_conflicts(self.conn, self.domain, row, plan.conflicts)
        return Outcome("parked" if plan.parked else "applied", plan.conflicts)

    def read(self, entity_id: int) -> CustomerState | None:
        """Magento's customer, locked (FOR UPDATE) until the transaction ends."""
        return self.read_many([entity_id]).get(entity_id)

    def read_many(self, entity_ids: Iterable[int]) -> dict[int, CustomerState]:
        """Magento's customers that exist of `entity_ids`, locked (FOR UPDATE), set-based."""
        return legacy.read(self.conn, entity_ids, for_update=True, attributes=self.attributes())

    def revoke_tokens(self, customer_id: int, before: int) -> None:
        """The customer's tokens issued at or before `before` are refused by Magento: its
        `jwt_auth_revoked` row, as JwtUserToken's Revoker writes it on a password change or
        reset (never moved back: a later revocation Magento made meanwhile stays)."""
        with self.conn.cursor() as cur:
            cur.execute(
                "INSERT INTO jwt_auth_revoked (user_type_id, user_id, revoke_before)"
                " VALUES (%s, %s, %s) ON DUPLICATE KEY UPDATE"
                " revoke_before = GREATEST(revoke_before, VALUES(revoke_before))",
                (CUSTOMER_USER_TYPE, customer_id, before),
            )

    def write(self, state: CustomerState, current: CustomerState | None) -> None:
        legacy.write(self.conn, state, current, attributes=self.attributes())

    def attributes(self) -> legacy.CustomerAttributes:
        """Magento's customer EAV attributes, read again every minute (not per row)."""
        loaded, at = self._attributes
        if loaded is None or time.monotonic() - at > ATTRIBUTES_EVERY_SECONDS:
            loaded = legacy.CustomerAttributes.load(self.conn)
            self._attributes = (loaded, time.monotonic())
        return loaded

    def bury(self, row: OutboxRow, error: str) -> None:
        """The reverse DLQ: log the row as dead (its own transaction) so the stream goes on."""
        with translated(), self.transaction():
            with contextlib.suppress(pymysql.err.IntegrityError):  # already logged
                ledger.log(self.conn, self.domain, row, "", "dead", error[:4000])
            self.conn.commit()

    def _plan(self, row: OutboxRow, current: CustomerState | None, offset_ms: float) -> _Plan:
        if row.kind == "deleted":  # racing a Magento edit: deletes, an open manual conflict
            magento = None if current is None else current.model_dump(mode="json")
            raced = deletion_conflict(row.base, magento)
            return _Plan(None, delete=True, conflicts=(raced,) if raced else ())
        if row.payload is None:
            raise ValueError(f"outbox row {row.id} ({row.kind}) has no payload")
        service = CustomerState.model_validate(row.payload)
        magento_ms = 0.0 if current is None else newest_wins_time_ms(current.updated_at, offset_ms)
        merge = merge_customer(
            row.base,
            service.model_dump(mode="json"),
            None if current is None else current.model_dump(mode="json"),
            service_ms=hlc_physical_ms(row.hlc),
            magento_ms=magento_ms,
            email_taken_by=self._email_clash(service, current),
        )
        state = None if merge.state is None else CustomerState.model_validate(merge.state)
        return _Plan(state, conflicts=merge.conflicts, service=service)

    def _mark(self, row: OutboxRow, plan: _Plan) -> bool:
        """INSERT the log row; False when it is there already (applied by an earlier run).
        The echo marker is the merged state's hash only when that is the service's own state:
        a merge that kept Magento values reaches the service as an ordinary event."""
        echo = plan.delete or (plan.state is not None and plan.state == plan.service)
        digest = state_hash(plan.state) if echo else ""
        try:
            ledger.log(self.conn, self.domain, row, digest, "parked" if plan.parked else "applied")
        except pymysql.err.IntegrityError as exc:
            if exc.args and exc.args[0] == _DUPLICATE_KEY:
                return False
            raise
        return True

    def _email_clash(self, service: CustomerState, current: CustomerState | None) -> int | None:
        """Only a customer whose (email, website) the service changes can clash."""
        if current is not None and (current.email.lower(), current.website_id) == (
            service.email.lower(), service.website_id,
        ):  # fmt: skip
            return None
        return self.email_owner(service)

    def email_owner(self, state: CustomerState) -> int | None:
        """Another Magento customer holding the state's (email, website), if any."""
        with self.conn.cursor() as cur:
            cur.execute(
                "SELECT entity_id FROM customer_entity WHERE email = %s AND website_id <=> %s "
                "AND entity_id <> %s LIMIT 1",
                (state.email, state.website_id, state.entity_id),
            )
            found = cur.fetchone()
        return None if found is None else int(found[0])

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN … (the body commits); rolled back when the body raises."""
        self.conn.begin()
        try:
            yield
        except BaseException:
            with contextlib.suppress(Exception):  # the connection may be gone
                self.conn.rollback()
            raise

    # -- the id pool ------------------------------------------------------------------------

    def reserve(self, table: str, size: int) -> tuple[int, list[int]]:
        """Reserve a block of `table`'s ids (AUTO_INCREMENT raised past it: that ALTER commits on
        its own, so a crash right after loses the block, never hands it twice) and record it
        for handing; returns the block's id and its ids."""
        with translated():
            ids = list(legacy.reserve_ids(self.conn, table, size))
            block = ledger.reserve_block(self.conn, table, ids)
            self.conn.commit()
        return block, ids

    def clock_offset_ms(self) -> float:
        with translated():
            return float(legacy.clock_offset_ms(self.conn))
