"""The store generator: deterministic per seed, and the store it makes is realistic."""

from __future__ import annotations

import pymysql
import pytest
from typer.testing import CliRunner

from ficus_devstack import Stack
from ficus_standin.cli import app
from ficus_standin.generator import AlreadySeeded, SeedSpec, generate

pytestmark = pytest.mark.integration
Conn = pymysql.Connection  # type: ignore[type-arg]
SMALL = SeedSpec(products=300, customers=30, orders=40, seed=11)


def _checksums(conn: Conn) -> dict[str, int]:
    with conn.cursor() as cur:
        cur.execute("SELECT table_name FROM information_schema.tables"
                    " WHERE table_schema = DATABASE() ORDER BY table_name")  # fmt: skip
        tables = [r[0] for r in cur.fetchall()]
        sums = {}
        for table in tables:
            cur.execute(f"CHECKSUM TABLE `{table}`")
            row = cur.fetchone()
            assert row is not None
            sums[table] = int(row[1])
    return sums


def _rows(conn: Conn, sql: str) -> list[tuple[object, ...]]:
    with conn.cursor() as cur:
        cur.execute(sql)
        return list(cur.fetchall())


def test_same_seed_same_rows_other_seed_other_rows(
    mariadb_conn: Conn, other_database: Conn
) -> None:
    generate(mariadb_conn, SMALL)
    generate(other_database, SMALL)
    first, second = _checksums(mariadb_conn), _checksums(other_database)
    assert first == second
    assert first["catalog_product_entity"] != 0
    with other_database.cursor() as cur:
        for table in second:
            cur.execute(f"DELETE FROM `{table}`")
    other_database.commit()
    generate(other_database, SeedSpec(products=300, customers=30, orders=40, seed=12))
    third = _checksums(other_database)
    differing = {t for t in first if first[t] != third[t]}
    assert {"catalog_product_entity_varchar", "sales_order", "customer_entity"} <= differing


def test_generated_store_is_realistic(mariadb_conn: Conn) -> None:
    report = generate(mariadb_conn, SMALL)
    c = mariadb_conn
    assert report.rows > 3000
    assert _rows(c, "SELECT COUNT(*) FROM catalog_product_entity") == [(300,)]
    states = {r[0] for r in _rows(c, "SELECT DISTINCT state FROM sales_order")}
    assert states == {"new", "pending_payment", "processing", "complete", "closed", "canceled",
                      "holded", "payment_review"}  # fmt: skip
    increments = _rows(c, "SELECT increment_id, store_id FROM sales_order")
    assert len(set(increments)) == 40
    assert ("000000001", 1) in increments
    assert any(inc.startswith("2000") for inc, store in increments if store == 2)
    assert _rows(c, "SELECT COUNT(*) FROM sales_order o LEFT JOIN sales_order_grid g"
                 " USING (entity_id) WHERE g.increment_id <> o.increment_id"
                 " OR g.entity_id IS NULL") == [(0,)]  # fmt: skip
    for table in ("sales_order_item", "sales_order_address", "sales_order_payment",
                  "sales_order_status_history", "customer_address_entity", "url_rewrite",
                  "catalog_product_super_link", "catalog_product_relation",
                  "catalog_product_super_attribute", "cataloginventory_stock_item",
                  "cataloginventory_stock_status", "catalog_category_product"):  # fmt: skip
        assert _rows(c, f"SELECT COUNT(*) > 0 FROM {table}") == [(1,)], table
    types = {r[0] for r in _rows(c, "SELECT DISTINCT type_id FROM catalog_product_entity")}
    assert {"simple", "configurable"} <= types
    emoji = _rows(c, "SELECT COUNT(*) FROM catalog_product_entity_varchar"
                  " WHERE value LIKE '%🪑%' OR value LIKE '%☕%' OR value LIKE '%😀%'"
                  " OR value LIKE '%🚲%' OR value LIKE '%🎒%' OR value LIKE '%🌿%'")  # fmt: skip
    assert emoji[0][0] > 0
    assert _rows(c, "SELECT COUNT(*) > 0 FROM catalog_product_entity_text WHERE value IS NULL")
    assert _rows(c, "SELECT MAX(LENGTH(value)) > 10000 FROM catalog_product_entity_text") == [(1,)]
    assert _rows(c, "SELECT COUNT(*) > 0 FROM catalog_product_entity_decimal"
                 " WHERE value * 10000 % 100 <> 0") == [(1,)]  # fmt: skip
    stores = {
        r[0] for r in _rows(c, "SELECT DISTINCT store_id FROM catalog_product_entity_varchar")
    }
    assert {0, 2, 3} <= stores


def test_refuses_an_already_seeded_database(mariadb_conn: Conn) -> None:
    generate(mariadb_conn, SeedSpec(products=20, customers=2, orders=2, seed=1))
    with pytest.raises(AlreadySeeded):
        generate(mariadb_conn, SeedSpec(products=20, customers=2, orders=2, seed=1))


def test_seed_command(stack: Stack, mariadb_database: str) -> None:
    s = stack.settings
    url = f"mysql://{s.mariadb_user}:{s.mariadb_password}@{s.host}:{s.mariadb_port}/{mariadb_database}"
    args = ["seed", "--products", "30", "--customers", "3", "--orders", "4", "--url", url]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "seeded 30 products" in result.output
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 1
    assert "already holds generated data" in again.output


def test_upgrade_gives_an_older_store_the_tables_it_lacks(
    stack: Stack, mariadb_database: str, mariadb_conn: Conn
) -> None:
    s = stack.settings
    url = f"mysql://{s.mariadb_user}:{s.mariadb_password}@{s.host}:{s.mariadb_port}/{mariadb_database}"
    seeded = CliRunner().invoke(app, ["seed", "--products", "10", "--customers", "4", "--url", url])
    assert seeded.exit_code == 0, seeded.output
    with mariadb_conn.cursor() as cur:  # what a store seeded by the previous release lacks
        cur.execute("DROP TABLE customer_grid_flat")
        cur.execute("DROP TABLE jwt_auth_revoked")
    mariadb_conn.commit()
    result = CliRunner().invoke(app, ["upgrade", "--url", url])
    assert result.exit_code == 0, result.output
    assert _rows(mariadb_conn, "SELECT COUNT(*) FROM customer_grid_flat") == [(4,)]
    assert _rows(mariadb_conn, "SELECT COUNT(*) FROM jwt_auth_revoked") == [(0,)]
