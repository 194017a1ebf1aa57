"""Apply domain events to the customer database: `customer`, `store`, `auth_revocation`
(Magento's `jwt_auth_revoked` rows: tokens revoked in Magento are refused here too) and
`admin_role` (an admin's role resources, `credentials`) and `integration_token` (Magento's
integration access tokens, `credentials`).

A customer event wins when its version is newer than the last forward version applied (or the
tombstone's). Its payload becomes the service's view of Magento (`magento_view`). The state
becomes the payload too, unless the customer has writes the event has not seen: outbox rows
with an id above the event's `reverse_watermark` (the newest service write Magento's state in
the event has taken into account), acked or not; then the fields those writes change stay the
service's (`core.merge`). A deletion deletes; while the event has not seen the service's own
deletion, Magento's upserts are ignored. Every applied event moves the service's clock past its
time and past the customer's stored stamp (its row's, or its tombstone's).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from pydantic import ValidationError

from ficus_contracts.auth import AuthRevocationState, revocation_aggregate_id
from ficus_contracts.customers import CustomerState
from ficus_contracts.events import DomainEvent, EventKind, StoreState
from ficus_customer import credentials, repository, stores
from ficus_customer.core.hlc import HybridClock
from ficus_customer.core.merge import Write, kept_fields, merge_forward
from ficus_customer.errors import InvalidEvent
from ficus_customer.repository import Clocks, Conn, Stored
from ficus_feed.core import Outcome

AGGREGATES = frozenset({"customer", "store", "auth_revocation", "admin_role", "integration_token"})


def _merged(current: Stored, theirs: CustomerState, writes: list[Write]) -> CustomerState:
    if not writes:
        return theirs
    ours = current.state.model_dump(mode="json")
    event = theirs.model_dump(mode="json")
    merged = merge_forward(event, ours, kept_fields(writes))
    try:
        return CustomerState.model_validate(merged)
    except ValidationError as exc:
        raise InvalidEvent(f"merged customer is invalid: {exc}") from exc


def apply_customer(conn: Conn, event: DomainEvent, clock: HybridClock) -> Outcome:
    """One customer event, in the caller's transaction."""
    current = repository.load(conn, event.entity_id, for_update=True)
    last = current.clocks if current else repository.tombstone(conn, event.entity_id)
    if event.version <= last.forward_version:
        return Outcome.STALE
    watermark = event.reverse_watermark
    if current is None and repository.has_pending_deletion(conn, event.entity_id, watermark):
        return Outcome.STALE  # the service deleted it; Magento's deletion is on its way
    hlc = clock.observe(event.source_ts_ms, after=last.hlc)
    if event.kind is EventKind.DELETED or not isinstance(event.payload, CustomerState):
        repository.remove(conn, event.entity_id, event.version, hlc)
        return Outcome.DELETED
    theirs = event.payload
    pending = repository.pending_writes(conn, event.entity_id, watermark)
    state = theirs if current is None else _merged(current, theirs, pending)
    clocks = Clocks(event.version, last.version + 1, hlc)
    repository.save(conn, state, theirs.model_dump(mode="json"), clocks)
    return Outcome.APPLIED


def apply_revocation(conn: Conn, event: DomainEvent) -> Outcome:
    """Magento's `jwt_auth_revoked` row of a user (a deletion lifts it)."""
    if isinstance(event.payload, AuthRevocationState):
        revocation = event.payload
        key, before = (revocation.user_type_id, revocation.user_id), revocation.revoke_before
    else:
        found = _revoked_user(event)
        key, before = found, None
    applied = repository.apply_revocation(conn, *key, event.version, before)
    if not applied:
        return Outcome.STALE
    return Outcome.APPLIED if before is not None else Outcome.DELETED


def _revoked_user(event: DomainEvent) -> tuple[int, int]:
    """The (user type, user id) of a deletion: its aggregate_id names one of the two types."""
    for user_type in (3, 2):
        if revocation_aggregate_id(user_type, event.entity_id) == event.aggregate_id:
            return user_type, event.entity_id
    raise InvalidEvent(f"auth_revocation {event.aggregate_id} names no known user type")


def apply_event(conn: Conn, event: DomainEvent, clock: HybridClock) -> Outcome:
    if event.aggregate == "auth_revocation":
        return apply_revocation(conn, event)
    if event.aggregate == "admin_role":
        return credentials.apply_admin_role(conn, event)
    if event.aggregate == "integration_token":
        return credentials.apply_integration_token(conn, event)
    if event.aggregate == "store":
        view = event.payload if isinstance(event.payload, StoreState) else None
        applied = stores.apply_store(conn, event.entity_id, event.version, view)
        return Outcome.APPLIED if applied else Outcome.STALE
    return apply_customer(conn, event, clock)


class CustomerApply:
    """The customer service's side of the feed: customers, store views and Magento's token
    revocations, one by one."""

    def __init__(self, clock: HybridClock) -> None:
        self._clock = clock

    @property
    def aggregates(self) -> Collection[str]:
        return AGGREGATES

    def prepare(self, event: DomainEvent) -> DomainEvent:
        return event

    def apply(self, tx: Conn, batch: Sequence[DomainEvent]) -> list[Outcome]:
        return [apply_event(tx, event, self._clock) for event in batch]
