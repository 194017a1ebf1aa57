"""The forward 3-way merge: a Magento change (a forward event) arriving while the service still
has writes of its own on the way to Magento (un-acked outbox rows).

Fields are compared one by one (top-level fields, each `attributes.<code>`, `addresses` as one
field). The fields the service changed are those its recent writes change (each outbox row's
payload against its `base`, the service's view of Magento's state before that write): they stay
the service's while the write is un-acked, or acked recently and the event still shows the
value it replaced (`kept_fields`); every other field is taken from the event (the reverse
worker settles true conflicts in Magento). Comparing against the writes rather than the latest
view matters: an event Magento emitted before it received the service's write still carries
the old values of the fields that write changed, and it may arrive after reverse sync acked it.
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
    """One of the service's recent writes of a customer: the state it wrote, Magento's state it
    was based on (None: born in the service), and whether reverse sync applied it yet."""

    base: Mapping[str, Any] | None
    payload: Mapping[str, Any]
    acked: bool


def kept_fields(theirs: Mapping[str, Any], writes: Iterable[Write]) -> set[str]:
    """The fields whose service values stand against a forward event (`theirs`).

    A field an un-acked write changes stays the service's (reverse sync settles it in Magento).
    A field a recently acked write changes stays the service's while the event still shows the
    value the write replaced: the event was emitted from Magento before the write reached it
    (forward sync lags behind reverse sync's acknowledgement). An event showing a third value is
    a Magento change after the write, and is taken. A customer born in the service has no
    Magento state before its first write: once acked, every event about it is newer.
    """
    flat_theirs = flatten(theirs)
    fields: set[str] = set()
    for write in writes:
        if write.base is None:  # born in the service: no Magento state predates it
            fields |= set() if write.acked else set(flatten(write.payload))
            continue
        base = flatten(write.base)
        for name in changed_fields(base, write.payload):
            if not write.acked or flat_theirs.get(name, _MISSING) == base.get(name, _MISSING):
                fields.add(name)
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
