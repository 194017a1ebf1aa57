"""Shadow mode on the real stack, on either data plane (the nginx plane hands its copies to a
Python proxy worker): every catalog read is also sent to the catalog service and the answers
compared; for products nobody changed, no mismatch (noise fields learned are shown); a seeded
discrepancy is reported, an ignored field is not."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import psycopg
import pytest

from ficus_control.client import ControlClient
from ficus_devstack import Stack
from tests.e2e.planes import Plane, nginx_plane, plane  # noqa: F401  (fixtures)
from tests.e2e.shop import Shop, admin_url, move_reads, request_id, shadow_report
from tests.polling import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("catalog_reads_at_legacy")]


async def test_shadow_reports_no_mismatch_for_unchanged_products(
    plane: Plane,  # noqa: F811
    shop: Shop,
    control: ControlClient,
    session: aiohttp.ClientSession,
) -> None:
    port = plane.port
    await plane.followed(session, move_reads(control, "shadow"), "shadow")
    before = (await shadow_report(session, port))["domains"]["catalog"]
    skus = shop.skus[100:250]
    for sku in skus:
        url = f"http://127.0.0.1:{port}/rest/default/V1/products/{sku}"
        rid = request_id()
        async with session.get(url, headers={**shop.auth, "X-Request-Id": rid}) as response:
            assert response.status == 200
            await response.read()
        assert await plane.answered_by(session, port, rid) == "legacy"

    async def compared_all() -> bool:
        report = (await shadow_report(session, port))["domains"]["catalog"]
        return report["compared"] - before["compared"] >= len(skus)

    if not await eventually(compared_all, 60):
        report = (await shadow_report(session, port))["domains"]["catalog"]
        async with session.get(f"{admin_url(port)}/readyz") as response:
            seen = await response.text()
        state = control.get("/domains/catalog")
        pytest.fail(
            f"shadow copies not compared: before {before}, now {report}; proxy {seen};"
            f" control {state}; audit {control.get('/audit', domain='catalog', limit=5)}"
        )
    report = await shadow_report(session, port)
    catalog = report["domains"]["catalog"]
    print("shadow:", catalog["compared"], "compared; noise learned:", report["noise"])  # noqa: T201
    mismatched = catalog["mismatched"] - before["mismatched"]
    assert mismatched == 0, catalog["samples"][-5:]


def seed_change(doc: dict[str, Any], seed: str) -> None:
    """One change to a product's Magento JSON: its stock (a real discrepancy) or its
    updated_at (a field the shadow comparison ignores)."""
    if seed == "stock":
        doc["extension_attributes"]["stock_item"]["qty"] += 1000
    else:
        doc["updated_at"] = "2001-01-01 00:00:00"


def seed_bodies(conn: psycopg.Connection[Any], sku: str, seed: str) -> list[tuple[Any, ...]]:
    """Changes the catalog's stored answers for `sku` (it serves the JSON rendered when the
    event was applied: `product_json`); returns the original rows, to be put back."""
    select = "SELECT product_uuid, store_id, body FROM product_json WHERE lower(sku) = lower(%s)"
    rows = conn.execute(select, (sku,)).fetchall()
    assert rows, f"no stored answer for {sku}"
    update = "UPDATE product_json SET body = %s WHERE product_uuid = %s AND store_id = %s"
    for product, store, body in rows:
        doc = json.loads(bytes(body))
        seed_change(doc, seed)
        conn.execute(update, (json.dumps(doc, separators=(",", ":")).encode(), product, store))
    return rows


def restore_bodies(conn: psycopg.Connection[Any], originals: list[tuple[Any, ...]]) -> None:
    """Puts back the stored answers `seed_bodies` changed."""
    update = "UPDATE product_json SET body = %s WHERE product_uuid = %s AND store_id = %s"
    for product, store, body in originals:
        conn.execute(update, (body, product, store))


async def shadow_with_seeded_change(
    stack: Stack,
    data_plane: Plane,
    shop: Shop,
    control: ControlClient,
    client: aiohttp.ClientSession,
    seed: str,
) -> tuple[str, list[dict[str, Any]]]:
    """Change one product in the catalog's database only, read it once in shadow, undo the
    change; returns the SKU and the mismatch samples that read produced."""
    port = data_plane.port
    sku = shop.skus[{"stock": 260, "updated_at": 261}[seed]]
    catalog_db = stack.settings.postgres_url("ficus_catalog")
    await data_plane.followed(client, move_reads(control, "shadow"), "shadow")
    before = (await shadow_report(client, port))["domains"]["catalog"]
    with psycopg.connect(catalog_db, autocommit=True) as conn:
        originals = seed_bodies(conn, sku, seed)
    try:
        url = f"http://127.0.0.1:{port}/rest/default/V1/products/{sku}"
        async with client.get(url, headers=shop.auth) as response:
            assert response.status == 200
            await response.read()

        async def compared() -> bool:
            report = (await shadow_report(client, port))["domains"]["catalog"]
            return bool(report["compared"] > before["compared"])

        assert await eventually(compared, 20)
    finally:
        with psycopg.connect(catalog_db, autocommit=True) as conn:
            restore_bodies(conn, originals)
    after = (await shadow_report(client, port))["domains"]["catalog"]
    fresh = after["mismatched"] - before["mismatched"]
    return sku, after["samples"][-fresh:] if fresh else []


async def test_shadow_reports_a_seeded_discrepancy(
    local_stack: Stack,
    plane: Plane,  # noqa: F811
    shop: Shop,
    control: ControlClient,
    session: aiohttp.ClientSession,
) -> None:
    """Runs after the runbook test (file order), so its mismatch never fails that test's gate."""
    sku, samples = await shadow_with_seeded_change(
        local_stack, plane, shop, control, session, "stock"
    )
    assert len(samples) == 1 and samples[0]["path"].endswith(sku)
    assert [d["path"] for d in samples[0]["differences"]] == [
        "$.extension_attributes.stock_item.qty"
    ]


async def test_shadow_ignores_a_nondeterministic_field(
    local_stack: Stack,
    plane: Plane,  # noqa: F811
    shop: Shop,
    control: ControlClient,
    session: aiohttp.ClientSession,
) -> None:
    _, samples = await shadow_with_seeded_change(
        local_stack, plane, shop, control, session, "updated_at"
    )
    assert samples == [], json.dumps(samples)
