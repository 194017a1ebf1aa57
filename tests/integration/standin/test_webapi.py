"""What Magento's webapi controller does around every route, on the stand-in: trailing slashes
are trimmed (no redirect), and `?fields=` filters any successful JSON answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ficus_standin import StandinSettings, create_app
from tests.integration.standin.conftest import ADMIN, Seed

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def shop(shared_magento: tuple[Seed, StandinSettings]) -> Iterator[tuple[TestClient, int]]:
    magento, settings = shared_magento
    bags = magento.category("Bags")
    magento.product("A-1", "Alpha", "10.0000", categories=(bags,), color="5")
    magento.product("B-1", "Beta", "30.0000")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client, bags


@pytest.fixture(scope="module")
def admin(shop: tuple[TestClient, int]) -> dict[str, str]:
    token = shop[0].post("/rest/V1/integration/admin/token", json=ADMIN).json()
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    "path",
    [
        "/rest/all/V1/products?searchCriteria[pageSize]=5",
        "/rest/V1/products/A-1",
        "/rest/default/V1/products?searchCriteria[filter_groups][0][filters][0][field]=sku"
        "&searchCriteria[filter_groups][0][filters][0][value]=B-1",
        "/rest/V1/store/websites",
        "/rest/V1/categories",
        "/rest/V1/products/NO-SUCH",
    ],
)
def test_a_trailing_slash_answers_as_without_it(
    shop: tuple[TestClient, int], admin: dict[str, str], path: str
) -> None:
    client = shop[0]
    route, _, query = path.partition("?")
    slashed = client.get(f"{route}/?{query}", headers=admin, follow_redirects=False)
    plain = client.get(path, headers=admin)
    assert (slashed.status_code, slashed.json()) == (plain.status_code, plain.json())
    assert client.get(f"{route}//?{query}", headers=admin).json() == plain.json()


def test_fields_filters_lists_single_products_and_other_routes(
    shop: tuple[TestClient, int], admin: dict[str, str]
) -> None:
    client, bags = shop
    page = client.get(
        "/rest/all/V1/products/?searchCriteria[pageSize]=5&fields=items[sku,name],total_count",
        headers=admin,
    )
    assert page.json() == {
        "items": [{"sku": "A-1", "name": "Alpha"}, {"sku": "B-1", "name": "Beta"}],
        "total_count": 2,
    }
    one = client.get(
        "/rest/V1/products/A-1?fields=price,sku,custom_attributes[color]", headers=admin
    )
    assert one.json() == {
        "sku": "A-1",
        "price": 10.0,
        # Magento keeps the entry's index (category_ids is entry 0): PHP writes an object
        "custom_attributes": {"1": {"attribute_code": "color", "value": "5"}},
    }
    category = client.get(f"/rest/V1/categories/{bags}?fields=id,name", headers=admin)
    assert category.json() == {"id": bags, "name": "Bags"}
    sites = client.get("/rest/V1/store/websites?fields=code", headers=admin)
    assert sites.json() == [{"code": "admin"}, {"code": "base"}]


def test_fields_edge_cases_answer_as_magento(
    shop: tuple[TestClient, int], admin: dict[str, str]
) -> None:
    client = shop[0]

    def get(query: str) -> object:
        response = client.get(f"/rest/V1/products?{query}", headers=admin)
        assert response.status_code == 200
        return response.json()

    none = "searchCriteria[filter_groups][0][filters][0][field]=sku&"
    none += "searchCriteria[filter_groups][0][filters][0][value]=nope"
    assert get(f"{none}&fields=items[sku],total_count") == {"items": None, "total_count": 0}
    assert get("searchCriteria=&fields=items[sku") == []
    assert get("searchCriteria=&fields=items%5Bsku%5D,%20total_count") == []
    assert get("searchCriteria=&fields=nope") == []
    assert get("searchCriteria[pageSize]=1&fields=0")["total_count"] == 2  # type: ignore[index]
    missing = client.get("/rest/V1/products/NOPE?fields=sku", headers=admin)
    assert missing.status_code == 404 and "message" in missing.json()
