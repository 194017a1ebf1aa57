"""`GET /V1/store/storeViews|storeGroups|websites|storeConfigs` (admin token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ficus_standin.db import dict_cursor
from ficus_standin.web import ok, require_admin, standin

router = APIRouter(prefix="/store")
ACL = "Magento_Backend::store"
_QUERIES = {
    "storeViews": "SELECT store_id AS id, code, name, website_id, group_id AS store_group_id,"
    " is_active FROM store ORDER BY store_id",
    "storeGroups": "SELECT group_id AS id, website_id, root_category_id, default_store_id, name,"
    " code FROM store_group ORDER BY group_id",
    "websites": "SELECT website_id AS id, code, name, default_group_id FROM store_website"
    " ORDER BY website_id",
}


def _listing(request: Request, kind: str) -> list[dict[str, Any]]:
    require_admin(request, ACL)
    with standin(request).db.transaction() as conn, dict_cursor(conn) as cur:
        cur.execute(_QUERIES[kind])
        return [dict(row) for row in cur.fetchall()]


@router.get("/storeViews")
def store_views(request: Request) -> JSONResponse:
    return ok(_listing(request, "storeViews"))


@router.get("/storeGroups")
def store_groups(request: Request) -> JSONResponse:
    return ok(_listing(request, "storeGroups"))


@router.get("/websites")
def websites(request: Request) -> JSONResponse:
    return ok(_listing(request, "websites"))


@router.get("/storeConfigs")
def store_configs(request: Request) -> JSONResponse:
    """Magento's defaults for every store view (the stand-in keeps no core_config_data)."""
    views = [v for v in _listing(request, "storeViews") if v["id"] != 0]
    return ok([
        {
            "id": v["id"], "code": v["code"], "website_id": v["website_id"], "locale": "en_US",
            "base_currency_code": "USD", "default_display_currency_code": "USD",
            "timezone": "America/Los_Angeles", "weight_unit": "lbs",
            "base_url": "http://localhost/", "base_link_url": "http://localhost/",
            "base_static_url": "http://localhost/static/", "base_media_url": "http://localhost/media/",
            "secure_base_url": "http://localhost/", "secure_base_link_url": "http://localhost/",
            "secure_base_static_url": "http://localhost/static/",
            "secure_base_media_url": "http://localhost/media/",
        }
        for v in views
    ])  # fmt: skip
