"""The flatteners' output is byte-identical to what the validating implementation produced.

Events and state hashes are the contract (no-echo and every consumer compare them), so the
fast path of `ficus_legacy.core.flatten` (pre-built converters, `model_construct`, shared
defaults) must give exactly the JSON the pydantic-validated path gave. The hashes in
`tests/fixtures/flatten/state_hashes.json` were recorded with that earlier implementation
(commit 8adbae8) from the rows below; re-record them ONLY for a deliberate contract change:
`uv run python tests/unit/legacy/test_flatten_identity.py`.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from ficus_contracts.events import CategoryState, ProductState
from ficus_legacy.core.flatten import category_state, product_state
from ficus_sync.core.statehash import state_hash, state_text

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "flatten" / "state_hashes.json"
STORES = [1, 2, 3]


class Attr(NamedTuple):
    code: str
    backend_type: str
    frontend_label: str | None = None


ATTRS = {
    60 + i: Attr(f"attr_{t}_{i}", t)
    for i, t in enumerate(["varchar", "int", "decimal", "datetime", "text"] * 6)
}


def _value(rng: random.Random, backend: str) -> Any:
    """A value in one of the shapes MariaDB, the mirror (Postgres) or JSON may hand over."""
    shape = rng.randrange(4)
    if rng.random() < 0.08:
        return None
    if backend == "decimal":
        number = Decimal(rng.randrange(0, 10**8)).scaleb(-rng.randrange(0, 7))
        return [number, str(number), float(number), int(number)][shape]
    if backend == "int":
        return [rng.randrange(0, 500), str(rng.randrange(0, 500)), True, False][shape]
    if backend == "datetime":
        moment = datetime(2020, 1, 1) + timedelta(seconds=rng.randrange(0, 10**8))
        return [
            moment,
            moment.replace(tzinfo=timezone(timedelta(hours=2))),
            date(moment.year, moment.month, moment.day),
            int(moment.replace(tzinfo=UTC).timestamp() * 1000),
        ][shape]
    text = rng.choice(["Chair", "Chaise 🪑", "", "a" * 300, "<p>x</p>", "ü\nß"])
    return text.encode() if shape == 0 else text


def _values(rng: random.Random, entity_id: int) -> list[dict[str, Any]]:
    rows = []
    for attribute_id, info in ATTRS.items():
        for store in [0, *STORES, 7]:  # 7: a store view that is not active
            if (store == 0 and rng.random() < 0.85) or rng.random() < 0.15:
                value = _value(rng, info.backend_type)
                rows.append({"attribute_id": attribute_id, "store_id": store, "value": value})
    rows.append({"attribute_id": 9999, "store_id": 0, "value": "a deleted attribute's row"})
    rng.shuffle(rows)
    return rows


def _stock(rng: random.Random, entity_id: int) -> dict[str, Any] | None:
    if rng.random() < 0.2:
        return None
    return {
        "item_id": entity_id + 10,
        "stock_id": 1,
        "qty": rng.choice([None, Decimal("5.0000"), "17", 3.5]),
        "is_in_stock": rng.choice([0, 1, "1"]),
        "manage_stock": 1,
        "use_config_manage_stock": 0,
        "min_sale_qty": Decimal("1.0000"),
        "max_sale_qty": "10000",
        "low_stock_date": rng.choice([None, datetime(2024, 3, 4, 5, 6, 7)]),
    }


def products() -> list[ProductState]:
    rng = random.Random(15)
    states = []
    for entity_id in range(1, 61):
        entity = {
            "entity_id": entity_id,
            "sku": f"SKU-{entity_id}",
            "type_id": rng.choice(["simple", "configurable", "virtual"]),
            "attribute_set_id": 4,
            "has_options": rng.choice([0, 1, None]),
            "required_options": 0,
            "created_at": datetime(2024, 1, 2, 3, 4, 5),
            "updated_at": "2024-05-06T07:08:09Z",
        }
        states.append(
            product_state(
                entity,
                _values(rng, entity_id),
                ATTRS,
                STORES,
                website_ids=rng.sample([1, 2, 3], rng.randrange(0, 4)),
                category_links=[
                    {"category_id": c, "position": rng.choice([None, 0, 3])}
                    for c in rng.sample(range(2, 40), rng.randrange(0, 5))
                ],
                stock_item=_stock(rng, entity_id),
                super_links=[
                    {"parent_id": entity_id, "product_id": c}
                    for c in rng.sample(range(100, 200), rng.randrange(0, 4))
                ],
            )
        )
    return states


def categories() -> list[CategoryState]:
    rng = random.Random(16)
    return [
        category_state(
            {
                "entity_id": entity_id,
                "parent_id": 2,
                "path": f"1/2/{entity_id}",
                "position": entity_id % 7,
                "level": 2,
                "children_count": rng.choice([None, 0, 4]),
                "created_at": date(2024, 1, 2),
                "updated_at": 1714979289000,
            },
            _values(rng, entity_id),
            ATTRS,
            STORES,
        )
        for entity_id in range(3, 23)
    ]


def hashes() -> dict[str, str]:
    states: list[ProductState | CategoryState] = [*products(), *categories()]
    return {f"{type(s).__name__}:{s.entity_id}": state_hash(s) for s in states}


def test_states_are_byte_identical_to_the_recorded_ones() -> None:
    recorded = json.loads(FIXTURE.read_text())
    assert hashes() == recorded


def test_states_survive_validation_unchanged() -> None:
    """What the fast path constructs is what pydantic's validation would have built."""
    for state in products():
        again = ProductState.model_validate_json(state_text(state))
        assert state_text(again) == state_text(state)
        assert again == state
    for category in categories():
        again_c = CategoryState.model_validate_json(state_text(category))
        assert state_text(again_c) == state_text(category)


if __name__ == "__main__":
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(json.dumps(hashes(), indent=1, sort_keys=True) + "\n")
