"""The customer service's writes, each ONE Postgres transaction: the customer row and one outbox
row (payload = the new state, base = the service's state before the write, the HLC, the
service's version), then `NOTIFY ficus_outbox_customer` (delivered at commit); the view of
Magento becomes the new state. Ids of new customers and addresses come from the Magento id pool.
Every write path locks the customer row (`load(..., for_update=True)`) before `commit` inserts
the outbox row, so a customer's outbox ids increase in commit order (the forward watermark,
`applying`, relies on it); a new customer's id is its own, from the pool.

Sign-in and password checks count their failures (Magento's lockout) in a committed write, so
they return the failure for the caller to raise after the commit.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter
from psycopg.errors import UniqueViolation
from psycopg_pool import ConnectionPool

from ficus_contracts.customers import CustomerState
from ficus_customer import repository, stores
from ficus_customer.core import edits
from ficus_customer.core.hlc import HybridClock
from ficus_customer.errors import (
    AuthenticationFailed,
    InputError,
    NoSuchEntity,
    Unavailable,
    WebapiError,
)
from ficus_customer.repository import Clocks, Conn, Stored
from ficus_legacy.core import accounts, passwords

NO_IDS = "The service is busy. Please try again later."


@dataclass(frozen=True)
class WriteMetrics:
    """Writes committed (with their outbox rows), and writes refused for want of an id."""

    writes: Counter
    no_ids: Counter

    @classmethod
    def standard(cls, registry: CollectorRegistry) -> WriteMetrics:
        return cls(
            Counter("ficus_customer_writes_total", "Customer writes committed, each with its"
                    " outbox row, by kind (upserted, deleted).", ["kind"], registry=registry),
            Counter("ficus_customer_id_pool_empty_total", "Writes answered 503 because the"
                    " Magento id pool had no id left.", registry=registry),
        )  # fmt: skip


class Accounts:
    """Customer writes against the pool; `conn` variants run in the caller's transaction."""

    def __init__(
        self,
        pool: ConnectionPool[Conn],
        clock: HybridClock,
        retry_after: int,
        metrics: WriteMetrics,
    ) -> None:
        self.pool = pool
        self.clock = clock
        self.retry_after = retry_after
        self.metrics = metrics
        self._written: dict[int, list[str]] = {}

    @contextmanager
    def transaction(self) -> Iterator[Conn]:
        """One transaction; its writes are counted once it committed."""
        with self.pool.connection() as conn:
            self._written[id(conn)] = []
            try:
                with conn.transaction():
                    yield conn
                for kind in self._written[id(conn)]:
                    self.metrics.writes.labels(kind).inc()
            finally:
                del self._written[id(conn)]

    def new_id(self, conn: Conn, table: str) -> int:
        taken = repository.take_id(conn, table)
        if taken is None:
            self.metrics.no_ids.inc()
            raise Unavailable(NO_IDS, self.retry_after)
        return taken

    def commit(
        self, conn: Conn, before: Stored | None, state: CustomerState | None,
        revoke_before: int | None = None,
    ) -> None:  # fmt: skip
        """The row (or its deletion) + the outbox row, in `conn`'s transaction; `before` was
        loaded FOR UPDATE in it (None: a new customer). `revoke_before` (a new password): the
        customer's tokens issued at or before it are refused here and, with the outbox row,
        in Magento."""
        entity_id = state.entity_id if state else before.state.entity_id  # type: ignore[union-attr]
        previous = before.clocks if before else repository.tombstone(conn, entity_id)
        hlc = self.clock.now(after=previous.hlc)
        clocks = Clocks(previous.forward_version, previous.version + 1, hlc)
        base = before.state.model_dump(mode="json") if before else None
        if state is None:
            repository.remove(conn, entity_id, previous.forward_version, hlc)
        else:
            try:
                repository.save(conn, state, state.model_dump(mode="json"), clocks)
            except UniqueViolation as exc:  # a concurrent write took the email
                raise InputError(accounts.DUPLICATE_EMAIL) from exc
        repository.append_outbox(conn, entity_id, state, base, clocks, revoke_before)
        if revoke_before is not None:
            repository.revoke_tokens(conn, entity_id, revoke_before)
        self._written.get(id(conn), []).append("deleted" if state is None else "upserted")

    def _check(self, conn: Conn, data: dict[str, Any], website_id: int | None, but: int) -> None:
        """Magento's order: the email, its uniqueness in the website, then the names."""
        email = accounts.require_email(data)
        owner = repository.email_owner(conn, email, website_id)
        if owner is not None and owner != but:
            raise InputError(accounts.DUPLICATE_EMAIL)
        accounts.require_names(data)

    def create(
        self, conn: Conn, store_code: str | None, data: dict[str, Any], password: str | None
    ) -> CustomerState:
        """`POST /V1/customers`: a new customer in the store's website."""
        store = stores.resolve(conn, store_code)
        if password is not None:
            strong(password)
            if password.lower() == str(data.get("email") or "").lower():
                raise InputError(accounts.SAME_AS_EMAIL)
        website = int(data.get("website_id") or store.website_id or 1)
        self._check(conn, data, website, 0)
        store_id = int(data.get("store_id") or store.store_id or 1)
        digest = passwords.hash_password(password) if password else None
        state = edits.created(
            self.new_id(conn, repository.CUSTOMER_TABLE), data,
            (website, store_id, stores.name_of(conn, store_id)), digest,
            lambda: self.new_id(conn, repository.ADDRESS_TABLE), _now(),
        )  # fmt: skip
        self.commit(conn, None, state)
        return state

    def update(self, customer_id: int, data: dict[str, Any]) -> CustomerState:
        """`PUT /V1/customers/{id}` and `/me`."""
        with self.transaction() as conn:
            before = load(conn, customer_id, for_update=True)
            website = data.get("website_id", before.state.website_id)
            self._check(conn, data, None if website is None else int(website), customer_id)
            new_id = lambda: self.new_id(conn, repository.ADDRESS_TABLE)  # noqa: E731
            state = edits.updated(before.state, data, new_id, _now())
            self.commit(conn, before, state)
            return state

    def delete(self, customer_id: int) -> None:
        with self.transaction() as conn:
            self.commit(conn, load(conn, customer_id, for_update=True), None)

    def delete_address(self, address_id: int) -> None:
        """`DELETE /V1/addresses/{addressId}`: the address leaves its customer's set."""
        with self.transaction() as conn:
            owner = repository.address_owner(conn, address_id)
            if owner is None:
                raise NoSuchEntity.field("addressId", address_id)
            before = load(conn, owner, for_update=True)
            state = before.state
            changes: dict[str, Any] = {
                "addresses": [a for a in state.addresses if a.entity_id != address_id],
                "updated_at": _now(),
            }
            for flag in ("default_billing", "default_shipping"):
                if getattr(state, flag) == address_id:
                    changes[flag] = None
            self.commit(conn, before, edits.changed(state, changes))

    def sign_in(self, store_code: str | None, email: str, password: str) -> int | None:
        """The customer id, or None (unknown, inactive, locked or a wrong password)."""
        with self.transaction() as conn:
            store = stores.resolve(conn, store_code)
            found = repository.find_by_email(conn, email, store.website_id)
            before = None if found is None else load(conn, found, for_update=True)
            if before is None or not before.state.is_active:
                return None
            state, now = before.state, datetime.now(UTC)
            if edits.lockout(state).locked(now):
                return None
            if not passwords.check_password(password, state.password_hash):
                self._fail(conn, before, now)
                return None
            changes: dict[str, Any] = {}
            if state.failures_num or state.first_failure or state.lock_expires:
                changes.update(failures_num=0, first_failure=None, lock_expires=None)
            if passwords.needs_upgrade(state.password_hash):
                changes["password_hash"] = passwords.hash_password(password)
            if changes:
                self.commit(conn, before, edits.changed(state, changes))
            return state.entity_id

    def _fail(self, conn: Conn, before: Stored, now: datetime) -> bool:
        """Count a failed password; True when the account is locked now."""
        fields = edits.lockout(before.state).after_failure(now)
        self.commit(conn, before, edits.with_lockout(before.state, fields))
        return fields.locked(now)

    def change_password(self, customer_id: int, current: str, new: str) -> WebapiError | None:
        """`PUT /V1/customers/me/password`: the error to raise after commit, None once changed;
        the customer's older tokens are revoked."""
        with self.transaction() as conn:
            before = load(conn, customer_id, for_update=True)
            state = before.state
            if not passwords.check_password(current, state.password_hash):
                locked = self._fail(conn, before, datetime.now(UTC))
                return AuthenticationFailed(accounts.LOCKED if locked else accounts.MISMATCH)
            if new.lower() == state.email.lower():
                raise InputError(accounts.SAME_AS_EMAIL)
            strong(new)
            changes = {"password_hash": passwords.hash_password(new), "rp_token": None,
                       "rp_token_created_at": None, "updated_at": _now()}  # fmt: skip
            self.commit(conn, before, edits.changed(state, changes), int(time.time()))
            return None


def load(conn: Conn, customer_id: int, *, for_update: bool = False) -> Stored:
    stored = repository.load(conn, customer_id, for_update=for_update)
    if stored is None:
        raise NoSuchEntity.field("customerId", customer_id)
    return stored


def strong(password: str) -> None:
    try:
        accounts.check_strength(password)
    except accounts.WeakPassword as exc:
        raise InputError(exc.message, exc.parameters) from exc


def _now() -> str:
    return edits.magento_time(datetime.now(UTC))
