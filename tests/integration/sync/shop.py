"""A small Magento store for sync tests, built with the legacy EAV library and direct SQL,
and a random stream of catalog changes against it."""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal
from typing import Any

from ficus_legacy.eav import Eav
from ficus_legacy.schema import install

Connection = Any


class Shop:
    """Writes to one Magento database; every public method commits."""

    def __init__(self, conn: Connection, seed: int = 7) -> None:
        self.conn = conn
        self.rng = random.Random(seed)
        install(conn)
        self._add_store_views()
        self.eav = Eav.load(conn)
        self.products: list[int] = []
        self.configurables: list[int] = []
        self.categories: list[int] = [2]
        self.counter = 0

    def sql(self, statement: str, args: Any = None) -> int:
        with self.conn.cursor() as cur:
            cur.execute(statement, args)
            return int(cur.lastrowid or 0)

    def _add_store_views(self) -> None:
        with self.conn.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM store")
            if cur.fetchone()[0] > 2:
                return
            cur.execute("INSERT INTO store_website VALUES (2, 'second', 'Second', 0, 2, 0)")
            cur.execute("INSERT INTO store_group VALUES (2, 2, 'Second Store', 2, 3, 'second')")
            cur.execute("INSERT INTO store VALUES (2, 'fr', 1, 1, 'French', 1, 1)")
            cur.execute("INSERT INTO store VALUES (3, 'de', 2, 2, 'German', 0, 1)")
        self.conn.commit()

    # -- builders ---------------------------------------------------------------------------

    def category(self, name: str, parent: int = 2) -> int:
        now = datetime(2024, 1, 1)
        entity_id = self.sql(
            "INSERT INTO catalog_category_entity (attribute_set_id, parent_id, created_at,"
            " updated_at, path, position, level, children_count) VALUES (3,%s,%s,%s,'',1,2,0)",
            (parent, now, now),
        )
        self.sql(
            "UPDATE catalog_category_entity SET path = %s WHERE entity_id = %s",
            (f"1/{parent}/{entity_id}", entity_id),
        )
        self.eav.write(self.conn, "catalog_category", entity_id, {"name": name, "is_active": 1})
        self.conn.commit()
        self.categories.append(entity_id)
        return entity_id

    def product(self, type_id: str = "simple", commit: bool = True) -> int:
        self.counter += 1
        sku = f"SKU-{self.counter:06d}-{self.rng.randint(0, 99999)}"
        entity_id = self.eav.create(
            self.conn,
            "catalog_product",
            {"sku": sku, "type_id": type_id, "attribute_set_id": 4},
            {
                "name": f"Product {self.counter}",
                "price": Decimal(self.rng.randint(100, 99999)) / 100,
                "status": 1,
                "visibility": 4,
                "description": f"Description of {sku}",
            },
        )
        self.sql("INSERT INTO catalog_product_website VALUES (%s, 1)", (entity_id,))
        self.sql(
            "INSERT INTO cataloginventory_stock_item (product_id, stock_id, qty, is_in_stock,"
            " manage_stock, max_sale_qty) VALUES (%s, 1, %s, 1, 1, 10000)",
            (entity_id, Decimal(self.rng.randint(0, 500))),
        )
        self.sql(
            "INSERT INTO catalog_category_product (category_id, product_id, position)"
            " VALUES (%s, %s, %s)",
            (self.rng.choice(self.categories), entity_id, self.rng.randint(0, 9)),
        )
        if commit:
            self.conn.commit()
        self.products.append(entity_id)
        return entity_id

    def configurable(self, children: int = 3) -> int:
        parent = self.product("configurable", commit=False)
        color = self.eav.catalog.attribute_id("catalog_product", "color")
        self.sql(
            "INSERT INTO catalog_product_super_attribute (product_id, attribute_id, position)"
            " VALUES (%s, %s, 0)",
            (parent, color),
        )
        for _ in range(children):
            self._link_child(parent, self.product(commit=False))
        self.conn.commit()
        self.configurables.append(parent)
        return parent

    def _link_child(self, parent: int, child: int) -> None:
        self.sql(
            "INSERT IGNORE INTO catalog_product_super_link (product_id, parent_id) VALUES (%s,%s)",
            (child, parent),
        )
        self.sql(
            "INSERT IGNORE INTO catalog_product_relation (parent_id, child_id) VALUES (%s,%s)",
            (parent, child),
        )

    def populate(self, products: int, categories: int = 5, configurables: int = 5) -> None:
        for i in range(categories):
            self.category(f"Category {i}")
        for _ in range(configurables):
            self.configurable()
        for _ in range(products):
            self.product(commit=False)
        self.conn.commit()

    # -- random changes ---------------------------------------------------------------------

    def random_change(self) -> int:
        """Apply one random change (committed); returns how many rows it roughly changed."""
        rng = self.rng
        if len(self.products) < 5:
            self.product()
            return 5
        action = rng.choices(
            ["name", "override", "unoverride", "price", "stock", "move", "create", "delete",
             "child", "status", "raw_price"],
            weights=[14, 12, 6, 14, 14, 8, 6, 4, 5, 8, 9],
        )[0]  # fmt: skip
        product = rng.choice(self.products)
        if action == "name":
            self.eav.write(self.conn, "catalog_product", product, {"name": f"N{rng.random()}"})
        elif action == "override":
            store = rng.choice([1, 2, 3])
            values = {"name": f"S{store}-{rng.random():.5f}", "visibility": rng.choice([1, 2, 4])}
            self.eav.write(self.conn, "catalog_product", product, values, store)
        elif action == "unoverride":
            self.eav.remove_overrides(
                self.conn, "catalog_product", product, ["name", "visibility"], rng.choice([1, 2, 3])
            )
        elif action == "price":
            price = Decimal(rng.randint(100, 99999)) / 100
            self.eav.write(self.conn, "catalog_product", product, {"price": price})
        elif action == "raw_price":
            price_id = self.eav.catalog.attribute_id("catalog_product", "price")
            self.sql(
                "UPDATE catalog_product_entity_decimal SET value = value + 1"
                " WHERE entity_id = %s AND attribute_id = %s",
                (product, price_id),
            )
        elif action == "stock":
            qty = Decimal(rng.randint(0, 500))
            self.sql(
                "UPDATE cataloginventory_stock_item SET qty = %s, is_in_stock = %s"
                " WHERE product_id = %s",
                (qty, int(qty > 0), product),
            )
        elif action == "move":
            self.sql(
                "UPDATE IGNORE catalog_category_product SET category_id = %s WHERE product_id = %s"
                " ORDER BY entity_id LIMIT 1",
                (rng.choice(self.categories), product),
            )
        elif action == "create":
            self.product(commit=False)
        elif action == "delete":
            self.eav.delete(self.conn, "catalog_product", product)
            self.products.remove(product)
            if product in self.configurables:
                self.configurables.remove(product)
        elif action == "child" and self.configurables:
            self._link_child(rng.choice(self.configurables), product)
        elif action == "status":
            self.eav.write(self.conn, "catalog_product", product, {"status": rng.choice([1, 2])}, 2)
        self.conn.commit()
        return 1
