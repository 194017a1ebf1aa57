"""Generated store structure: extra websites and store views, option attributes, categories."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ficus_legacy.metadata import AttributeCatalog
from ficus_legacy.schema import create_store_sequences
from ficus_legacy.types import Connection
from ficus_standin.generator.bulk import BulkWriter
from ficus_standin.generator.common import ts

# store_id, code, website_id, group_id, name, is_active
STORE_VIEWS = (
    (2, "french", 1, 1, "French Store View", 1),
    (3, "german", 1, 1, "German Store View", 1),
    (4, "eu_en", 2, 2, "EU English", 1),
    (5, "archive", 1, 1, "Archive (disabled)", 0),
)
WEBSITE_STORES = {1: (1, 2, 3, 5), 2: (4,)}
FRENCH, GERMAN = 2, 3
COLORS = (("Red", "Rouge"), ("Blue", "Bleu"), ("Black", "Noir"), ("White", "Blanc"))
SIZES = ("S", "M", "L", "XL")
CATEGORY_NAMES = ("Women", "Men", "Gear", "Home", "Kids", "Sale", "Outdoor", "Office")
SUB_NAMES = ("Tops", "Bottoms", "Bags", "Shoes", "Accessories")


@dataclass
class Category:
    entity_id: int
    parent_id: int
    path: str
    level: int
    position: int
    name: str
    url_path: str
    children: list[int] = field(default_factory=list)


def create_stores(conn: Connection) -> None:
    """A second website and four more store views (one inactive), with their sequences."""
    with conn.cursor() as cur:
        cur.execute("INSERT INTO store_website VALUES (2, 'eu', 'EU Website', 1, 2, 0)")
        cur.execute("INSERT INTO store_group VALUES (2, 2, 'EU Store', 2, 4, 'eu_store')")
        cur.executemany("INSERT INTO store VALUES (%s,%s,%s,%s,%s,0,%s)", STORE_VIEWS)
    for store_id, *_ in STORE_VIEWS:
        create_store_sequences(conn, store_id)
    conn.commit()


def create_size_attribute(conn: Connection, catalog: AttributeCatalog) -> None:
    """A user-defined global select `size`, as a merchant adds for configurable products."""
    product = catalog.entity_type("catalog_product")
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO eav_attribute (entity_type_id, attribute_code, backend_type,"
            " frontend_input, frontend_label, is_user_defined, source_model)"
            " VALUES (%s, 'size', 'int', 'select', 'Size', 1,"
            " 'Magento\\\\Eav\\\\Model\\\\Entity\\\\Attribute\\\\Source\\\\Table')",
            (product.entity_type_id,),
        )
        attribute_id = cur.lastrowid
        cur.execute(
            "INSERT INTO catalog_eav_attribute (attribute_id, is_global, is_filterable,"
            " is_searchable, is_visible_on_front) VALUES (%s, 1, 1, 1, 1)",
            (attribute_id,),
        )
        cur.execute(
            "INSERT INTO eav_entity_attribute (entity_type_id, attribute_set_id,"
            " attribute_group_id, attribute_id, sort_order)"
            " SELECT %s, %s, MIN(attribute_group_id), %s, 200 FROM eav_attribute_group"
            " WHERE attribute_set_id = %s",
            (product.entity_type_id, product.default_attribute_set_id, attribute_id,
             product.default_attribute_set_id),
        )  # fmt: skip
    conn.commit()


def create_options(conn: Connection, catalog: AttributeCatalog) -> dict[str, list[int]]:
    """Options of color (with French labels) and size; returns option ids per attribute code."""
    result: dict[str, list[int]] = {"color": [], "size": []}
    labels = {"color": COLORS, "size": tuple((s, None) for s in SIZES)}
    with conn.cursor() as cur:
        for code, options in labels.items():
            attribute_id = catalog.attribute_id("catalog_product", code)
            for position, (label, french) in enumerate(options):
                cur.execute(
                    "INSERT INTO eav_attribute_option (attribute_id, sort_order) VALUES (%s,%s)",
                    (attribute_id, position),
                )
                option_id = int(cur.lastrowid)
                result[code].append(option_id)
                rows = [(option_id, 0, label)] + ([(option_id, FRENCH, french)] if french else [])
                cur.executemany("INSERT INTO eav_attribute_option_value (option_id, store_id,"
                                " value) VALUES (%s,%s,%s)", rows)  # fmt: skip
    conn.commit()
    return result


def category_tree(rng: random.Random) -> list[Category]:
    """Top categories under Default Category (2), each with 2–5 children."""
    tree: list[Category] = []
    next_id = 3
    for position, name in enumerate(CATEGORY_NAMES, start=1):
        top = Category(next_id, 2, f"1/2/{next_id}", 2, position, name, name.lower())
        tree.append(top)
        next_id += 1
        for sub_position, sub in enumerate(rng.sample(SUB_NAMES, rng.randint(2, 5)), start=1):
            path = f"{top.path}/{next_id}"
            url = f"{top.url_path}/{sub.lower()}"
            tree.append(Category(next_id, top.entity_id, path, 3, sub_position, sub, url))
            top.children.append(next_id)
            next_id += 1
    return tree


def write_categories(
    writer: BulkWriter, catalog: AttributeCatalog, rng: random.Random, tree: list[Category]
) -> None:
    """Category entities, their per-store names and url keys, and their url rewrites."""
    attr = {
        c: catalog.get("catalog_category", c)
        for c in ("name", "is_active", "include_in_menu", "url_key", "url_path", "display_mode",
                  "is_anchor", "description")
    }  # fmt: skip
    columns = ("attribute_id", "store_id", "entity_id", "value")
    for n, cat in enumerate(tree):
        created = ts(n)
        writer.add(
            "catalog_category_entity",
            ("entity_id", "attribute_set_id", "parent_id", "created_at", "updated_at", "path",
             "position", "level", "children_count"),
            (cat.entity_id, 3, cat.parent_id, created, created, cat.path, cat.position,
             cat.level, len(cat.children)),
        )  # fmt: skip
        values = [
            ("name", 0, cat.name), ("name", FRENCH, f"{cat.name} (FR)"),
            ("name", GERMAN, f"{cat.name} (DE)"), ("is_active", 0, int(rng.random() > 0.05)),
            ("include_in_menu", 0, 1), ("url_key", 0, cat.url_path.rsplit("/", 1)[-1]),
            ("url_path", 0, cat.url_path), ("display_mode", 0, "PRODUCTS"), ("is_anchor", 0, 1),
            ("description", 0, None if rng.random() < 0.5 else f"<p>{cat.name} 🌿</p>"),
        ]  # fmt: skip
        for code, store, value in values:
            a = attr[code]
            writer.add(f"catalog_category_entity_{a.backend_type}", columns,
                       (a.attribute_id, store, cat.entity_id, value))  # fmt: skip
    with writer.conn.cursor() as cur:
        cur.execute(
            "UPDATE catalog_category_entity SET children_count = %s, updated_at = updated_at"
            " WHERE entity_id = 2",
            (len(tree),),
        )
