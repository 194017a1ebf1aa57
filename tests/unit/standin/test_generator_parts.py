"""Pure parts of the store generator: id planning, category tree, SQL literals."""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal

import pytest

from ficus_standin.generator.bulk import _statements, literal
from ficus_standin.generator.catalog import plan
from ficus_standin.generator.stores import category_tree


@pytest.mark.parametrize("total", [1, 4, 5, 97, 1000])
def test_plan_uses_every_id_exactly_once(total: int) -> None:
    ids: list[int] = []
    for pid, children in plan(total, random.Random(3)):
        ids.extend(range(pid, pid + children + 1))
    assert ids == list(range(1, total + 1))


def test_plan_has_configurables_and_is_deterministic() -> None:
    first = list(plan(1000, random.Random(3)))
    assert first == list(plan(1000, random.Random(3)))
    assert first != list(plan(1000, random.Random(4)))
    assert any(children for _, children in first)


def test_category_tree_paths_and_levels() -> None:
    tree = category_tree(random.Random(1))
    by_id = {c.entity_id: c for c in tree}
    for cat in tree:
        assert cat.path.endswith(f"/{cat.entity_id}")
        assert cat.level == cat.path.count("/")
        if cat.parent_id != 2:
            assert cat.url_path.startswith(by_id[cat.parent_id].url_path + "/")
    assert len({c.url_path for c in tree}) == len(tree)


@pytest.mark.parametrize(
    ("value", "sql"),
    [
        (None, "NULL"),
        (7, "7"),
        (Decimal("12.3456"), "12.3456"),
        (Decimal("1E+2"), "100"),
        ("O'Brien\\ 🪑", "'O\\'Brien\\\\ 🪑'"),
        (datetime(2024, 1, 2, 3, 4, 5), "'2024-01-02 03:04:05'"),
        (date(2024, 1, 2), "'2024-01-02'"),
        (True, "1"),
    ],
)
def test_sql_literals(value: object, sql: str) -> None:
    assert literal(value) == sql


def test_statements_split_large_batches() -> None:
    rows = [(n, "x" * 1000) for n in range(10_000)]
    statements = list(_statements("INSERT INTO t (a, b) VALUES ", rows))
    assert len(statements) > 1
    assert sum(s.count("(") - 1 for s in statements) == len(rows)
