"""The forward 3-way merge: a Magento change (a forward event) arriving while the service still
has writes of its own on the way to Magento (un-acked outbox rows).

Fields are compared one by one (top-level fields, each `attributes.<code>`, `addresses` as one
field). The fields the service changed are those its pending writes change (each outbox row's
payload against its `base`, the service's view of Magento's state before that write): they stay
the service's; every other field is taken from the event (the reverse worker settles true
conflicts in Magento, and its result comes back as a later event). Comparing against the pending
writes rather than the latest view matters: an event Magento emitted before it received the
service's write still carries the old values of the fields that write changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


def pending_fields(
    writes: Iterable[tuple[Mapping[str, Any] | None, Mapping[str, Any]]],
) -> set[str]:
    """The fields the service's pending writes change: each write's payload against its base
    (every field of a write without a base: a customer born in the service)."""
    fields: set[str] = set()
    for base, payload in writes:
        fields |= set(flatten(payload)) if base is None else changed_fields(base, payload)
    return fields


def merge_forward(
    theirs: Mapping[str, Any], ours: Mapping[str, Any], mine: set[str]
) -> dict[str, Any]:
    """Magento's state (`theirs`) with the service's values (`ours`) of the fields its pending
    writes change (`mine`)."""
    merged = flatten(theirs)
    flat_ours = flatten(ours)
    for name in mine:
        if name in flat_ours:
            merged[name] = flat_ours[name]
        else:
            merged.pop(name, None)
    return unflatten(merged)
