"""An operator's decision on an open conflict (`conflicts resolve ID --take magento|service`),
applied in ONE MySQL transaction with the conflict's closing, like the worker's writes:

- take service: Magento's row gets the service's value of the field (a parked customer: the
  service's whole state from its outbox row), unless that would give two customers one email;
- take magento: Magento keeps its value and its customer is written again with a later
  `updated_at`: forward capture projects it as a change and the service receives Magento's
  value as an ordinary event, through the pipeline (the service's tables are never written);
  a customer Magento does not hold goes to the service as a deletion (`retraction`).

A service deletion that raced a Magento edit (`(customer)`, no service value) was applied, its
conflict left open: take service keeps the deletion; take magento writes Magento's lost state
back (a later `updated_at`), and forward capture brings the customer back to the service.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from ficus_contracts.customers import CustomerState
from ficus_legacy import customers as legacy
from ficus_sync.reverse import ledger
from ficus_sync.reverse.core.merge import EXISTENCE_FIELD
from ficus_sync.reverse.errors import ResolutionRefused
from ficus_sync.reverse.magento import Magento, translated
from ficus_sync.reverse.outbox import Outbox

Side = Literal["magento", "service"]
_STAMP = "%Y-%m-%d %H:%M:%S"


Retract = Callable[[Sequence[int], Sequence[int]], object]
"""Emit customers Magento lacks as deleted, then re-emit the holders of their emails
(`retraction.retract` on sync's database, bound by the caller)."""


def resolve(
    magento: Magento, outbox: Outbox, conflict_id: int, take: Side, who: str,
    retract: Retract | None = None,
) -> str:  # fmt: skip
    """Apply the decision; returns what was done (for the CLI). Raises ResolutionRefused.
    `retract` runs before the conflict closes (a failure leaves it open, to resolve again)."""
    conn = magento.conn
    with translated(), magento.transaction():
        found = ledger.conflicts(conn, conflict_id=conflict_id, for_update=True)
        if not found or found[0].status != "open":
            raise ResolutionRefused(f"conflict {conflict_id} is not open (or does not exist)")
        conflict = found[0]
        current = magento.read(conflict.entity_id)
        if take == "service":
            done = _take_service(magento, outbox, conflict, current)
        else:
            done = _take_magento(magento, conflict, current, retract)
        ledger.close_conflict(conn, conflict_id, f"{who}: take {take}")
        conn.commit()
    return done


def _raced_deletion(conflict: ledger.ConflictRow) -> bool:
    """The service deleted the customer while Magento changed it (`deletion_conflict`)."""
    return conflict.field == EXISTENCE_FIELD and conflict.service_value is None


def _take_service(
    magento: Magento, outbox: Outbox, conflict: ledger.ConflictRow, current: CustomerState | None
) -> str:
    if _raced_deletion(conflict):
        if current is not None:  # brought back meanwhile: the service's decision still holds
            legacy.delete(magento.conn, conflict.entity_id)
        return f"customer {conflict.entity_id}: the service's deletion stands"
    if current is not None and conflict.field == EXISTENCE_FIELD:
        raise ResolutionRefused(
            f"Magento customer {current.entity_id} exists: the service's customer cannot take "
            "its place (resolve it in the service, or --take magento)"
        )
    if current is None:
        row = outbox.row(conflict.outbox_id)
        if row is None or row.payload is None:
            raise ResolutionRefused(f"the service's outbox row {conflict.outbox_id} is gone")
        state = CustomerState.model_validate(row.payload)
    else:
        document = current.model_dump(mode="json")
        _set(document, conflict.field, conflict.service_value)
        state = CustomerState.model_validate(document)
    _write_back(magento, state, current, current, "change one of the two first")
    return f"customer {state.entity_id}: {conflict.field} set to the service's value in Magento"


def _take_magento(
    magento: Magento, conflict: ledger.ConflictRow, current: CustomerState | None,
    retract: Retract | None,
) -> str:  # fmt: skip
    if current is None and _raced_deletion(conflict):
        return _restore(magento, conflict)
    if current is None:
        if retract is None:
            raise ResolutionRefused("the service must drop its customer: sync's database needed")
        holder = conflict.magento_value if isinstance(conflict.magento_value, dict) else {}
        holders = [int(holder["taken_by"])] if holder.get("taken_by") is not None else []
        retract([conflict.entity_id], holders)
        return (
            f"customer {conflict.entity_id} is not in Magento: its deletion goes to the "
            f"service{f', then Magento customer {holders[0]}' if holders else ''}"
        )
    touched = current.model_copy(update={"updated_at": _later(magento, current)})
    magento.write(touched, current)
    return f"customer {current.entity_id}: Magento's {conflict.field} goes to the service"


def _restore(magento: Magento, conflict: ledger.ConflictRow) -> str:
    """Magento's state the service's deletion removed, written back as a change."""
    lost = CustomerState.model_validate(conflict.magento_value)
    _write_back(magento, lost, None, lost, "the deleted customer cannot come back with it")
    return f"customer {lost.entity_id}: Magento's state is back and goes to the service"


def _write_back(
    magento: Magento, state: CustomerState, current: CustomerState | None,
    later_than: CustomerState | None, refusal: str,
) -> None:  # fmt: skip
    """Write `state` over Magento's `current` with an `updated_at` later than `later_than`'s
    (a change forward capture sees), unless another customer of the website holds its email."""
    state = state.model_copy(update={"updated_at": _later(magento, later_than)})
    owner = magento.email_owner(state)
    if owner is not None:
        raise ResolutionRefused(
            f"email {state.email!r} is held by Magento customer {owner} of the same website: "
            f"{refusal}"
        )
    magento.write(state, current)


def _set(document: dict[str, Any], name: str, value: Any) -> None:
    if name.startswith("attributes."):
        document.setdefault("attributes", {})[name.removeprefix("attributes.")] = value
    else:
        document[name] = value


def _later(magento: Magento, current: CustomerState | None) -> str:
    """Now by Magento's clock, and at least a second after the row's `updated_at` (so the
    write is a change the forward path sees)."""
    with magento.conn.cursor() as cur:
        cur.execute("SELECT UTC_TIMESTAMP()")
        (now,) = cur.fetchone()
    if current is not None:
        now = max(now, datetime.strptime(current.updated_at, _STAMP) + timedelta(seconds=1))
    return str(now.strftime(_STAMP))
