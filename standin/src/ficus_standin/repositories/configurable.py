"""Configurable products' options (`GET /V1/configurable-products/{sku}/options/all`) from
Magento's tables: the super attribute rows with their attribute, their label rows, and the
children's store-0 values; rendered by `ficus_legacy.core.configurable_json`."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ficus_contracts.events import ConfigurableOption, OptionLabel
from ficus_legacy.core.configurable_json import ONLY_CONFIGURABLE, render_options
from ficus_legacy.core.webapi_errors import InputError, NoSuchEntity
from ficus_standin.db import Connection, dict_cursor
from ficus_standin.errors import PRODUCT_NOT_FOUND


def _rows(conn: Connection, sql: str, args: list[Any]) -> list[dict[str, Any]]:
    with dict_cursor(conn) as cur:
        cur.execute(sql, args)
        return list(cur.fetchall())


def options(conn: Connection, sku: str, store_id: int) -> list[dict[str, Any]]:
    """OptionRepository::getList: 404 for an unknown sku, 400 unless it is configurable."""
    found = _rows(
        conn,
        "SELECT entity_id, type_id FROM catalog_product_entity WHERE sku = %s"
        " ORDER BY entity_id LIMIT 1",
        [sku],
    )
    if not found:
        raise NoSuchEntity(PRODUCT_NOT_FOUND)
    if found[0]["type_id"] != "configurable":
        raise InputError(ONLY_CONFIGURABLE, [sku])
    product_id = int(found[0]["entity_id"])
    supers = _supers(conn, product_id)
    return render_options(product_id, supers, _children(conn, product_id, supers), store_id)


def _supers(conn: Connection, product_id: int) -> list[ConfigurableOption]:
    rows = _rows(
        conn,
        "SELECT s.product_super_attribute_id, s.attribute_id, s.position, a.attribute_code,"
        " a.frontend_label FROM catalog_product_super_attribute s JOIN eav_attribute a"
        " ON a.attribute_id = s.attribute_id WHERE s.product_id = %s",
        [product_id],
    )
    labels = _labels(conn, [int(r["product_super_attribute_id"]) for r in rows])
    return [
        ConfigurableOption(
            id=int(r["product_super_attribute_id"]),
            attribute_id=int(r["attribute_id"]),
            attribute_code=str(r["attribute_code"]),
            position=int(r["position"]),
            frontend_label=r["frontend_label"],
            labels=labels.get(int(r["product_super_attribute_id"]), {}),
        )
        for r in rows
    ]


def _labels(conn: Connection, ids: list[int]) -> dict[int, dict[int, OptionLabel]]:
    """Each super attribute's label rows by store."""
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    rows = _rows(
        conn,
        "SELECT product_super_attribute_id AS id, store_id, use_default, value FROM"
        f" catalog_product_super_attribute_label WHERE product_super_attribute_id IN ({marks})",
        ids,
    )
    found: dict[int, dict[int, OptionLabel]] = defaultdict(dict)
    for r in rows:
        use = None if r["use_default"] is None else int(r["use_default"])
        found[int(r["id"])][int(r["store_id"])] = OptionLabel(use_default=use, value=r["value"])
    return found


def _children(
    conn: Connection, product_id: int, supers: list[ConfigurableOption]
) -> list[dict[str, str | None]]:
    """Each child's store-0 values of the option attributes, children in link order."""
    links = _rows(
        conn,
        "SELECT product_id FROM catalog_product_super_link WHERE parent_id = %s ORDER BY link_id",
        [product_id],
    )
    ids = [int(r["product_id"]) for r in links]
    if not ids or not supers:
        return [{} for _ in ids]
    values: dict[int, dict[str, str | None]] = defaultdict(dict)
    codes = {o.attribute_id: o.attribute_code for o in supers}
    marks = ", ".join(["%s"] * len(ids))
    for table in _tables(conn, list(codes)):
        for r in _rows(
            conn,
            f"SELECT entity_id, attribute_id, value FROM {table} WHERE store_id = 0"
            f" AND entity_id IN ({marks}) AND attribute_id IN ({', '.join(['%s'] * len(codes))})",
            [*ids, *codes],
        ):
            value = None if r["value"] is None else str(r["value"])
            values[int(r["entity_id"])][codes[int(r["attribute_id"])]] = value
    return [values[i] for i in ids]


def _tables(conn: Connection, attribute_ids: list[int]) -> list[str]:
    marks = ", ".join(["%s"] * len(attribute_ids))
    rows = _rows(
        conn,
        f"SELECT DISTINCT backend_type FROM eav_attribute WHERE attribute_id IN ({marks})",
        attribute_ids,
    )
    return [
        f"catalog_product_entity_{r['backend_type']}"
        for r in rows
        if r["backend_type"] in ("int", "varchar", "decimal", "text", "datetime")
    ]
