"""Catalog vs stand-in around the routes: a trailing slash answers as without it, and
`?fields=` filters a product, a searchCriteria page and the edge cases identically."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.integration

CRITERIA = "searchCriteria[pageSize]=4&searchCriteria[sortOrders][0][field]=sku"
NONE = (
    "searchCriteria[filter_groups][0][filters][0][field]=sku"
    "&searchCriteria[filter_groups][0][filters][0][value]=NOPE"
)


def _same(catalog: TestClient, standin: tuple[TestClient, dict[str, str]], path: str) -> None:
    legacy, auth = standin
    expected = legacy.get(path, headers=auth, follow_redirects=False)
    got = catalog.get(path, headers=auth, follow_redirects=False)
    assert (got.status_code, got.json()) == (expected.status_code, expected.json()), path
    assert got.status_code in (200, 400, 404), path


def _a_sku(standin: tuple[TestClient, dict[str, str]]) -> str:
    legacy, auth = standin
    page = legacy.get(f"/rest/all/V1/products?{CRITERIA}", headers=auth).json()
    return str(page["items"][0]["sku"])


@pytest.mark.parametrize("code", ["all", "default", "french"])
def test_a_trailing_slash_is_trimmed_like_the_standin(
    catalog: TestClient, standin: tuple[TestClient, dict[str, str]], code: str
) -> None:
    sku = _a_sku(standin)
    for path in (
        f"/rest/{code}/V1/products/?{CRITERIA}",
        f"/rest/{code}/V1/products//?{CRITERIA}",
        f"/rest/{code}/V1/products/{sku}/",
        f"/rest/{code}/V1/products/NO-SUCH/",
    ):
        _same(catalog, standin, path)
        assert (
            catalog.get(path, headers=standin[1]).json()
            == catalog.get(
                path.replace("//", "/").replace("/?", "?").rstrip("/"), headers=standin[1]
            ).json()
        )


@pytest.mark.parametrize(
    "fields",
    [
        "items[sku,name],total_count",
        "items[sku,price,extension_attributes[website_ids,stock_item[qty]]]",
        "items[custom_attributes[url_key,description]],search_criteria[page_size]",
        "items[custom_attributes[attribute_code]]",
        "total_count",
        "nope",
        "items[sku",
        "items[sku],%20total_count",
        "0",
    ],
)
@pytest.mark.parametrize("code", ["all", "french"])
def test_fields_filters_pages_and_products_like_the_standin(
    catalog: TestClient, standin: tuple[TestClient, dict[str, str]], fields: str, code: str
) -> None:
    sku = _a_sku(standin)
    _same(catalog, standin, f"/rest/{code}/V1/products?{CRITERIA}&fields={fields}")
    _same(catalog, standin, f"/rest/{code}/V1/products?{NONE}&fields={fields}")
    one = fields.replace("items[", "", 1).removesuffix("]") if "items[" in fields else fields
    _same(catalog, standin, f"/rest/{code}/V1/products/{sku}?fields={one}")
    _same(catalog, standin, f"/rest/{code}/V1/products/{sku}/?fields={one}")


def test_a_subfilter_over_a_list_of_scalars_is_magentos_500_on_both(
    catalog: TestClient, standin: tuple[TestClient, dict[str, str]]
) -> None:
    legacy, auth = standin
    path = f"/rest/V1/products/{_a_sku(standin)}?fields=extension_attributes[website_ids[x]]"
    # the stand-in's filter runs in its middleware, where Starlette re-raises after answering
    quiet = TestClient(legacy.app, raise_server_exceptions=False)
    for client in (quiet, catalog):
        response = client.get(path, headers=auth)
        assert response.status_code == 500
        assert response.json()["message"].startswith("Internal Error. Details are available")
