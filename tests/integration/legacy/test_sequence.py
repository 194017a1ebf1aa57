"""Increment ids come from the sales sequence tables, per store, as Magento draws them."""

from __future__ import annotations

import pymysql
import pytest

from ficus_legacy.errors import SequenceError
from ficus_legacy.schema import create_store_sequences
from ficus_legacy.sequence import next_increment_id

pytestmark = pytest.mark.integration
Conn = pymysql.Connection  # type: ignore[type-arg]


def test_order_ids_increment_per_store(magento: Conn) -> None:
    assert [next_increment_id(magento, "order", 1) for _ in range(3)] == [
        "000000001",
        "000000002",
        "000000003",
    ]
    assert next_increment_id(magento, "invoice", 1) == "000000001"
    assert next_increment_id(magento, "order", 0) == "000000001"


def test_a_new_store_gets_its_id_as_prefix(magento: Conn) -> None:
    with magento.cursor() as cur:
        cur.execute("INSERT INTO store VALUES (2, 'french', 1, 1, 'French', 0, 1)")
    create_store_sequences(magento, 2)
    assert next_increment_id(magento, "order", 2) == "2000000001"
    assert next_increment_id(magento, "order", 1) == "000000001"


def test_unknown_store_has_no_sequence(magento: Conn) -> None:
    with pytest.raises(SequenceError):
        next_increment_id(magento, "order", 42)
