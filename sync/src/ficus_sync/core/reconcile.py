"""Reconciliation's comparisons (pure): what differs between two sides' states, by entity.

A `Difference` names the aggregate (or the service compared, e.g. `customer-service`), the
entity and the problem: `missing` (the reference has it, the other side does not), `unexpected`
(the other side has one the reference lacks) or `differs` (with the fields that differ).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ficus_contracts.customers import CustomerState
from ficus_legacy.core.customers import state_diff
from ficus_sync.core.statehash import state_hash


@dataclass(frozen=True)
class Difference:
    aggregate: str
    entity_id: int
    problem: str  # missing | unexpected | differs
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Projected:
    """An aggregate's projection row: the last seen state's hash and the last emitted state."""

    state_hash: str
    deleted: bool
    payload: Mapping[str, Any] | None


def compare(
    aggregate: str, wanted: Mapping[int, Mapping[str, Any]], actual: Mapping[int, Mapping[str, Any]]
) -> Iterable[Difference]:
    """State documents of the reference (`wanted`) vs another side's, by entity id."""
    for entity_id in sorted(wanted.keys() | actual.keys()):
        if entity_id not in actual:
            yield Difference(aggregate, entity_id, "missing")
        elif entity_id not in wanted:
            yield Difference(aggregate, entity_id, "unexpected")
        elif wanted[entity_id] != actual[entity_id]:
            yield Difference(
                aggregate, entity_id, "differs", fields(wanted[entity_id], actual[entity_id])
            )


def fields(wanted: Mapping[str, Any], actual: Mapping[str, Any]) -> tuple[str, ...]:
    """Top-level fields that differ; per-store `attributes` as `attributes[store].code`."""
    names: list[str] = []
    for key in sorted(wanted.keys() | actual.keys()):
        if key == "attributes":
            w, a = wanted.get(key) or {}, actual.get(key) or {}
            for store_id in sorted(w.keys() | a.keys()):
                ws, as_ = w.get(store_id) or {}, a.get(store_id) or {}
                names += [
                    f"attributes[{store_id}].{code}"
                    for code in sorted(ws.keys() | as_.keys())
                    if ws.get(code) != as_.get(code)
                ]
        elif wanted.get(key) != actual.get(key):
            names.append(key)
    return tuple(names)


def compare_projection(
    magento: Mapping[int, CustomerState], projected: Mapping[int, Projected]
) -> list[Difference]:
    """Magento's customers vs the projection's last seen state (its hash: after an echo the
    last EMITTED state is older, by design); fields against the last emitted state."""
    found: list[Difference] = []
    for entity_id in sorted(magento.keys() | projected.keys()):
        state, row = magento.get(entity_id), projected.get(entity_id)
        if row is None or row.deleted:
            if state is not None:
                found.append(Difference("customer", entity_id, "missing"))
        elif state is None:
            found.append(Difference("customer", entity_id, "unexpected"))
        elif state_hash(state) != row.state_hash:
            emitted = CustomerState.model_validate(row.payload) if row.payload else None
            names = tuple(state_diff(state, emitted)) if emitted is not None else ()
            found.append(Difference("customer", entity_id, "differs", names))
    return found


def compare_service(
    magento: Mapping[int, CustomerState], service: Mapping[int, CustomerState], name: str
) -> list[Difference]:
    """Magento's customers vs the states a service holds."""
    found: list[Difference] = []
    for entity_id in sorted(magento.keys() | service.keys()):
        state, held = magento.get(entity_id), service.get(entity_id)
        if held is None:
            found.append(Difference(name, entity_id, "missing"))
        elif state is None:
            found.append(Difference(name, entity_id, "unexpected"))
        elif state != held:
            found.append(Difference(name, entity_id, "differs", tuple(state_diff(state, held))))
    return found
