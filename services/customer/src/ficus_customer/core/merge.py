"""The forward 3-way merge: a Magento change (a forward event) arriving while the service has
writes of its own that Magento's state in that event has not taken into account yet.

Which writes those are is causal, not a matter of time or values: the event's
`reverse_watermark` is the newest outbox id the reverse worker had decided (applied, parked or
dead) in the Magento state the event shows; the customer's outbox rows with a greater id are
pending for this event, acked or not (`repository.pending_writes`). Fields are compared one by
one (top-level fields, each `attributes.<code>`, `addresses` as one field). The fields a pending
write changes (its payload against its `base`, the service's state before the write) keep the
service's values (`kept_fields`); every other field is taken from the event (the reverse worker
settles true conflicts in Magento).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

_ATTRIBUTES = "attributes"
_PREFIX = "attributes."
_MISSING = object()


def flatten(state: Mapping[str, Any]) -> dict[str, Any]:
    """`{"attributes": {"code": v}}` → `{"attributes.code": v}`; other fields as they are."""
    flat = {k: v for k, v in state.items() if k != _ATTRIBUTES}
    for code, value in (state.get(_ATTRIBUTES) or {}).items():
        flat[_PREFIX + code] = value
    return flat


def unflatten(flat: Mapping[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = {_ATTRIBUTES: {}}
    for name, value in flat.items():
        if name.startswith(_PREFIX):
            state[_ATTRIBUTES][name[len(_PREFIX) :]] = value
        else:
            state[name] = value
    return state


def changed_fields(a: Mapping[str, Any], b: Mapping[str, Any]) -> set[str]:
    """The flattened field names whose values differ between two states."""
    fa, fb = flatten(a), flatten(b)
    return {n for n in fa.keys() | fb.keys() if fa.get(n, _MISSING) != fb.get(n, _MISSING)}


@dataclass(frozen=True)
class Write:
    """One of the service's writes of a customer that a forward event has not seen: the state
    it wrote and the service's state before it (None: born in the service)."""

    base: Mapping[str, Any] | None
    payload: Mapping[str, Any]


def kept_fields(writes: Iterable[Write]) -> set[str]:
    """The fields whose service values stand against a forward event that has not seen
    `writes`: those each write changed (every field of a customer born in the service)."""
    fields: set[str] = set()
    for write in writes:
        if write.base is None:
            fields |= set(flatten(write.payload))
        else:
            fields |= changed_fields(write.base, write.payload)
    return fields


def merge_forward(
    theirs: Mapping[str, Any], ours: Mapping[str, Any], mine: set[str]
) -> dict[str, Any]:
    """Magento's state (`theirs`) with the service's values (`ours`) of the fields `mine`
    (`kept_fields`)."""
    merged = flatten(theirs)
    flat_ours = flatten(ours)
    for name in mine:
        if name in flat_ours:
            merged[name] = flat_ours[name]
        else:
            merged.pop(name, None)
    return unflatten(merged)
