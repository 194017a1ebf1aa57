"""Products: read through `ficus_legacy.reference`, written through the EAV library.

Writes follow Magento's ProductRepository: POST on an existing sku updates it; values land in
the request's store scope (the EAV library applies each attribute's scope); a new product is
assigned to every website via `all`, else to the store's website; it gets a stock item and a
url_rewrite per store view; `updated_at` is touched on every save.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ficus_legacy.core.magento_json import render_product
from ficus_legacy.core.webapi_errors import InputError, NoSuchEntity
from ficus_legacy.eav import Eav
from ficus_standin.db import Connection, dict_cursor
from ficus_standin.errors import PRODUCT_NOT_FOUND
from ficus_standin.repositories import product_reader, stock
from ficus_standin.stores import Store

_TOP_LEVEL = ("name", "price", "status", "visibility", "weight")
_NOT_VALUES = {"sku", "category_ids", "has_options", "required_options", "created_at", "updated_at"}


def entity_id_of(conn: Connection, sku: str) -> int:
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT entity_id FROM catalog_product_entity WHERE sku = %s"
            " ORDER BY entity_id LIMIT 1",
            (sku,),
        )
        row = cur.fetchone()
    if row is None:
        raise NoSuchEntity(PRODUCT_NOT_FOUND)
    return int(row["entity_id"])


def render_many(conn: Connection, eav: Eav, ids: list[int], store_id: int) -> list[dict[str, Any]]:
    return [render_product(state, store_id) for state in product_reader.by_ids(conn, eav, ids)]


def get(conn: Connection, eav: Eav, sku: str, store_id: int) -> dict[str, Any]:
    state = product_reader.by_sku(conn, eav, sku)
    if state is None:
        raise NoSuchEntity(PRODUCT_NOT_FOUND)
    return render_product(state, store_id)


def _values(eav: Eav, data: dict[str, Any]) -> dict[str, Any]:
    values = {code: data[code] for code in _TOP_LEVEL if code in data}
    for entry in data.get("custom_attributes") or []:
        if not isinstance(entry, dict) or "attribute_code" not in entry:
            raise InputError.required("attribute_code")
        code, value = entry["attribute_code"], entry.get("value")
        if code in _NOT_VALUES or eav.catalog.find("catalog_product", code) is None:
            continue
        values[code] = ",".join(map(str, value)) if isinstance(value, list) else value
    return {k: (None if v == "" and k != "name" else v) for k, v in values.items()}


def _url_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _category_ids(data: dict[str, Any]) -> list[tuple[int, int]] | None:
    ext = data.get("extension_attributes") or {}
    if "category_links" in ext:
        return [(int(c["category_id"]), int(c.get("position") or 0)) for c in ext["category_links"]]
    for entry in data.get("custom_attributes") or []:
        if entry.get("attribute_code") == "category_ids":
            raw = entry.get("value") or []
            ids = raw if isinstance(raw, list) else str(raw).split(",")
            return [(int(i), 0) for i in ids if str(i).strip()]
    return None


def _set_links(
    conn: Connection, product_id: int, data: dict[str, Any], websites: list[int] | None
) -> None:
    ext = data.get("extension_attributes") or {}
    websites = [int(w) for w in ext["website_ids"]] if "website_ids" in ext else websites
    categories = _category_ids(data)
    with dict_cursor(conn) as cur:
        if websites is not None:
            cur.execute("DELETE FROM catalog_product_website WHERE product_id = %s", (product_id,))
            cur.executemany(
                "INSERT INTO catalog_product_website (product_id, website_id) VALUES (%s, %s)",
                [(product_id, w) for w in sorted(set(websites))],
            )
        if categories is not None:
            known = _existing_categories(conn, [c for c, _ in categories])
            missing = [c for c, _ in categories if c not in known]
            if missing:
                raise InputError.invalid("category_id", missing[0])
            cur.execute("DELETE FROM catalog_category_product WHERE product_id = %s", (product_id,))
            cur.executemany(
                "INSERT INTO catalog_category_product (category_id, product_id, position)"
                " VALUES (%s, %s, %s)",
                [(c, product_id, p) for c, p in categories],
            )


def _existing_categories(conn: Connection, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT entity_id FROM catalog_category_entity"
            f" WHERE entity_id IN ({', '.join(['%s'] * len(ids))})",
            ids,
        )
        return {int(r["entity_id"]) for r in cur.fetchall()}


def _stock(conn: Connection, product_id: int, sku: str, data: dict[str, Any], new: bool) -> None:
    item = (data.get("extension_attributes") or {}).get("stock_item")
    if new:
        with dict_cursor(conn) as cur:
            cur.execute(
                "INSERT INTO cataloginventory_stock_item (product_id, stock_id, qty, is_in_stock,"
                " manage_stock, website_id) VALUES (%s, 1, 0, 0, 1, 0)",
                (product_id,),
            )
            cur.execute(
                "INSERT IGNORE INTO cataloginventory_stock_status (product_id, website_id,"
                " stock_id, qty, stock_status) VALUES (%s, 0, 1, 0, 0)",
                (product_id,),
            )
    if isinstance(item, dict):
        stock.update(conn, sku, item)


def _rewrites(conn: Connection, eav: Eav, product_id: int, url_key: str) -> None:
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT website_id FROM catalog_product_website WHERE product_id = %s", (product_id,)
        )
        websites = {int(r["website_id"]) for r in cur.fetchall()}
        views = [v.store_id for w in sorted(websites) for v in eav.stores.views_of_website(w)]
        cur.execute(
            "DELETE FROM url_rewrite WHERE entity_type = 'product' AND entity_id = %s"
            " AND is_autogenerated = 1",
            (product_id,),
        )
        for store_id in views:
            path = f"{url_key}.html"
            cur.execute(
                "SELECT 1 FROM url_rewrite WHERE request_path = %s AND store_id = %s",
                (path, store_id),
            )
            if cur.fetchone():
                raise InputError("URL key for specified store already exists.")
            cur.execute(
                "INSERT INTO url_rewrite (entity_type, entity_id, request_path, target_path,"
                " redirect_type, store_id, is_autogenerated)"
                " VALUES ('product', %s, %s, %s, 0, %s, 1)",
                (product_id, path, f"catalog/product/view/id/{product_id}", store_id),
            )


def _check_number(values: dict[str, Any], code: str) -> None:
    if values.get(code) is not None:
        try:
            Decimal(str(values[code]))
        except ArithmeticError:
            raise InputError.invalid(code, values[code]) from None


def save(
    conn: Connection, eav: Eav, store: Store, data: dict[str, Any], sku: str | None = None
) -> str:
    """Create or update the product `sku` (path) or `data["sku"]`; returns the sku."""
    sku = sku or data.get("sku")
    if not isinstance(sku, str) or not sku.strip():
        raise InputError.required("sku")
    values = _values(eav, data)
    for code in ("price", "weight"):
        _check_number(values, code)
    with dict_cursor(conn) as cur:
        cur.execute("SELECT entity_id FROM catalog_product_entity WHERE sku = %s LIMIT 1", (sku,))
        row = cur.fetchone()
    if row is None:
        product_id = _create(conn, eav, store, sku, data, values)
    else:
        product_id = int(row["entity_id"])
        eav.write(conn, "catalog_product", product_id, values, store.store_id)
        _set_links(conn, product_id, data, None)
        _stock(conn, product_id, sku, data, new=False)
        with dict_cursor(conn) as cur:
            cur.execute(
                "UPDATE catalog_product_entity SET updated_at = NOW() WHERE entity_id = %s",
                (product_id,),
            )
    return sku


def _create(
    conn: Connection, eav: Eav, store: Store, sku: str, data: dict[str, Any], values: dict[str, Any]
) -> int:
    if not values.get("name"):
        raise InputError.required("name")
    if values.get("price") is None and data.get("type_id", "simple") in ("simple", "virtual"):
        raise InputError.required("price")
    values.setdefault("status", 1)
    values.setdefault("visibility", 4)
    values.setdefault("tax_class_id", 2)
    values.setdefault("url_key", _url_key(f"{values['name']}"))
    etype = eav.catalog.entity_type("catalog_product")
    static = {
        "sku": sku,
        "type_id": data.get("type_id") or "simple",
        "attribute_set_id": int(data.get("attribute_set_id") or etype.default_attribute_set_id),
    }
    product_id = eav.create(conn, "catalog_product", static, {}, 0)
    if store.store_id:
        required = {
            k: v
            for k, v in values.items()
            if eav.catalog.get("catalog_product", k).is_required or k == "url_key"
        }
        eav.write(conn, "catalog_product", product_id, required, 0)
    eav.write(conn, "catalog_product", product_id, values, store.store_id)
    all_sites = [w.website_id for w in eav.stores.websites if w.website_id != 0]
    _set_links(conn, product_id, data, all_sites if store.is_admin else [store.website_id])
    _stock(conn, product_id, sku, data, new=True)
    _rewrites(conn, eav, product_id, str(values["url_key"]))
    return product_id


def delete(conn: Connection, eav: Eav, sku: str) -> None:
    product_id = entity_id_of(conn, sku)
    with dict_cursor(conn) as cur:
        cur.execute(
            "DELETE FROM url_rewrite WHERE entity_type = 'product' AND entity_id = %s",
            (product_id,),
        )
    eav.delete(conn, "catalog_product", product_id)
