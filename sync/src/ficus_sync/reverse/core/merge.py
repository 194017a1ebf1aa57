"""The 3-way merge of a customer: the service's `base` (its view of Magento before its write),
the service's new state and Magento's current state, field by field (docs/reverse-sync.md).

Fields are the top-level keys of a CustomerState document, `attributes.<code>` per custom
attribute and `addresses` as one field. Per field:
- both sides hold the same value → that value (no conflict);
- only one side changed it since `base` → that side's value (no conflict);
- both changed it to different values → the field's policy, recorded as a `Conflict`:
  `email`: manual (Magento's value stays, the conflict stays open until an operator resolves
  it); every other field: newest wins (service time = the HLC's physical part, Magento time =
  its `updated_at` corrected by the clock offset; a tie goes to the service).
An email the service wants but another Magento customer of the website already has is a manual
conflict too: never two customers per (email, website). A customer born in the service (no
base) whose email is taken, or whose id Magento already uses, cannot be written at all; nor can
an edit of a customer Magento deleted meanwhile: the merge parks them (an open conflict on the
email, or on the customer itself). A deletion from the service of a customer Magento changed
since the service's base is a manual conflict on the customer itself: the deletion stands on
both sides meanwhile (as Magento's deletion of a customer the service edited does), the
conflict stays open with Magento's lost state until an operator keeps the deletion
(`--take service`) or brings Magento's customer back to both sides (`--take magento`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

Document = Mapping[str, Any]
Winner = Literal["service", "magento"]
Policy = Literal["newest_wins", "manual"]

MANUAL_FIELDS = frozenset({"email"})
# Bookkeeping, not data: the merged row was changed now, by whichever side was later.
CLOCK_FIELD = "updated_at"
EXISTENCE_FIELD = "(customer)"  # the customer itself: deleted in Magento, edited in the service


class _Absent(enum.Enum):
    ABSENT = "absent"  # an attribute code one side does not hold


ABSENT = _Absent.ABSENT


@dataclass(frozen=True)
class Conflict:
    """A field changed on both sides (or an email clash): both values, who won, by which
    policy; `open` while nobody decided (manual policy)."""

    field: str
    magento_value: Any
    service_value: Any
    winner: Winner
    policy: Policy
    open: bool


@dataclass(frozen=True)
class Merge:
    """What Magento gets (`state`; None when parked: Magento is left as it is) and why."""

    state: dict[str, Any] | None
    conflicts: tuple[Conflict, ...] = field(default_factory=tuple)

    @property
    def parked(self) -> bool:
        return self.state is None


def newest_wins_time_ms(updated_at: str, offset_ms: float) -> float:
    """Magento's `updated_at` ("YYYY-MM-DD HH:MM:SS", UTC by Magento's database clock) on the
    local clock: `offset_ms` is Magento's clock minus ours (ficus_legacy's clock_offset_ms)."""
    stamp = datetime.fromisoformat(updated_at.replace(" ", "T")).replace(tzinfo=UTC)
    return stamp.timestamp() * 1000 - offset_ms


def fields(document: Document) -> dict[str, Any]:
    """The merge's fields of a CustomerState document."""
    flat = {key: value for key, value in document.items() if key != "attributes"}
    for code, value in (document.get("attributes") or {}).items():
        flat[f"attributes.{code}"] = value
    return flat


def unflatten(flat: Mapping[str, Any]) -> dict[str, Any]:
    document: dict[str, Any] = {"attributes": {}}
    for key, value in flat.items():
        if value is ABSENT:
            continue
        if key.startswith("attributes."):
            document["attributes"][key.removeprefix("attributes.")] = value
        else:
            document[key] = value
    document["attributes"] = dict(sorted(document["attributes"].items()))
    return document


def merge_customer(
    base: Document | None,
    service: Document,
    magento: Document | None,
    *,
    service_ms: float,
    magento_ms: float,
    email_taken_by: int | None = None,
) -> Merge:
    """Merge one outbox row's state into Magento's. `service_ms`/`magento_ms` are the two
    sides' change times on one clock (see `newest_wins_time_ms`); `email_taken_by` is another
    Magento customer holding the service's (email, website), if any."""
    if magento is None:
        return _into_nothing(base, service, email_taken_by)
    if base is None:  # born in the service, yet Magento has that id: never overwrite another
        taken = Conflict(EXISTENCE_FIELD, dict(magento), dict(service), "magento", "manual", True)
        return Merge(None, (taken,))
    merged: dict[str, Any] = {}
    conflicts: list[Conflict] = []
    theirs, ours, before = fields(magento), fields(service), fields(base)
    for name in sorted({*theirs, *ours}):
        value, conflict = _field(
            name, before.get(name, ABSENT), ours.get(name, ABSENT), theirs.get(name, ABSENT),
            service_ms >= magento_ms,
        )  # fmt: skip
        merged[name] = value
        conflicts.extend([conflict] if conflict else [])
    if email_taken_by is not None and merged.get("email") != theirs.get("email"):
        merged["email"] = theirs.get("email")
        conflicts.append(_clash(email_taken_by, ours.get("email"), theirs.get("email")))
    merged[CLOCK_FIELD] = _clock(merged, ours, theirs)
    document = unflatten(merged)
    _repair_defaults(document, service, magento)
    return Merge(document, tuple(conflicts))


def _clock(merged: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]) -> Any:
    """The service's `updated_at` when Magento gets exactly the service's state (so its echo
    is recognised whatever the two clocks say); the later of the two when Magento's values
    stay in some field (the merged state is a change the service has not seen)."""
    others = {name: value for name, value in merged.items() if name != CLOCK_FIELD}
    if others == {name: value for name, value in ours.items() if name != CLOCK_FIELD}:
        return ours.get(CLOCK_FIELD)
    return max(str(ours.get(CLOCK_FIELD)), str(theirs.get(CLOCK_FIELD)))


def deletion_conflict(base: Document | None, magento: Document | None) -> Conflict | None:
    """The conflict of a service deletion racing a Magento edit: Magento's current state
    differs from the service's `base` (its `updated_at` aside). Manual and open: the deletion
    stands meanwhile (winner `service`), Magento's lost state is kept for `--take magento`.
    None when nothing raced (or the service sent no base, or Magento has no such customer)."""
    if base is None or magento is None:
        return None
    theirs, before = fields(magento), fields(base)
    theirs.pop(CLOCK_FIELD, None)
    before.pop(CLOCK_FIELD, None)
    if theirs == before:
        return None
    return Conflict(EXISTENCE_FIELD, dict(magento), None, "service", "manual", open=True)


def _into_nothing(base: Document | None, service: Document, email_taken_by: int | None) -> Merge:
    if base is not None:  # Magento deleted the customer the service has just changed
        gone = Conflict(EXISTENCE_FIELD, None, dict(service), "magento", "manual", open=True)
        return Merge(None, (gone,))
    if email_taken_by is not None:
        return Merge(None, (_clash(email_taken_by, service.get("email"), None),))
    return Merge(dict(service))


def _clash(taken_by: int, wanted: Any, kept: Any) -> Conflict:
    magento_value = {"email": wanted, "taken_by": taken_by, "kept": kept}
    return Conflict("email", magento_value, wanted, "magento", "manual", open=True)


def _field(
    name: str, base: Any, service: Any, magento: Any, service_newer: bool
) -> tuple[Any, Conflict | None]:
    if service in (magento, base):
        return magento, None
    if magento == base or name == CLOCK_FIELD:
        return service, None
    if name in MANUAL_FIELDS:
        return magento, Conflict(name, magento, service, "magento", "manual", open=True)
    winner: Winner = "service" if service_newer else "magento"
    kept = service if service_newer else magento
    return kept, Conflict(name, magento, service, winner, "newest_wins", open=False)


def _repair_defaults(document: dict[str, Any], service: Document, magento: Document) -> None:
    """A default billing/shipping address must name an address the merged customer has: when
    the two were merged apart, take the defaults of the side whose addresses won."""
    ids = {address["entity_id"] for address in document.get("addresses") or []}
    source = service if document.get("addresses") == service.get("addresses") else magento
    for key in ("default_billing", "default_shipping"):
        if document.get(key) is not None and document[key] not in ids:
            document[key] = source.get(key)
