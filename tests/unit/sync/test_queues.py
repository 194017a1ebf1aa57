"""Forward dead letters counted per domain from their Magento table (sync's /v1/queues)."""

from __future__ import annotations

from ficus_sync.queues import by_domain

DOMAINS = {"catalog": ("catalog_product_entity",), "customer": ("customer_entity",)}


def test_each_dead_letter_counts_for_the_domains_its_table_feeds() -> None:
    counts = by_domain([("catalog_product_entity", 2), ("customer_entity", 1)], DOMAINS)
    assert counts == {"catalog": 2, "customer": 1}


def test_an_unknown_table_counts_for_every_domain_and_a_foreign_one_for_none() -> None:
    counts = by_domain([(None, 3), ("sales_order", 5)], DOMAINS)
    assert counts == {"catalog": 3, "customer": 3}


def test_no_dead_letter_is_a_zero_for_every_domain() -> None:
    assert by_domain([], DOMAINS) == {"catalog": 0, "customer": 0}
