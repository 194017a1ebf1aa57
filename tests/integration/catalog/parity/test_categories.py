"""Category reads and product types, catalog vs stand-in: every category by id and the tree in
every store view (root, depth), the error bodies, `fields`."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.integration.catalog.parity.conftest import Standin, same, tree_ids

pytestmark = pytest.mark.integration

_same = same
_ids = tree_ids


def test_every_category_by_id_in_every_store_view(
    catalog: TestClient, standin: Standin, codes: list[str], category_ids: list[int]
) -> None:
    assert len(category_ids) > 5
    for code in codes:
        for category_id in category_ids:
            body = _same(catalog, standin, f"/rest/{code}/V1/categories/{category_id}")
            assert body["id"] == category_id


def test_the_tree_in_every_store_view_with_root_and_depth(
    catalog: TestClient, standin: Standin, codes: list[str], category_ids: list[int]
) -> None:
    for code in codes:
        tree = _same(catalog, standin, f"/rest/{code}/V1/categories")
        assert tree["children_data"], code
        _same(catalog, standin, f"/rest/{code}/V1/categories?depth=1")
        _same(catalog, standin, f"/rest/{code}/V1/categories?rootCategoryId={category_ids[2]}")
        _same(catalog, standin, f"/rest/{code}/V1/categories?rootCategoryId=1&depth=0")
    _same(catalog, standin, "/rest/V1/categories/")
    _same(catalog, standin, "/rest/V1/categories?fields=id,children_data[id,name]")
    _same(catalog, standin, f"/rest/V1/categories/{category_ids[2]}?fields=name,custom_attributes")


@pytest.mark.parametrize(
    "path",
    [
        "/rest/V1/categories/999999",
        "/rest/V1/categories/abc",
        "/rest/V1/categories?rootCategoryId=999999",
        "/rest/V1/categories?rootCategoryId=x",
        "/rest/V1/categories?depth=",
        "/rest/nowhere/V1/categories/2",
        "/rest/nowhere/V1/categories",
        "/rest/V1/products/types",
        "/rest/default/V1/products/types/",
        "/rest/V1/products/types?fields=name",
    ],
)
def test_errors_and_product_types_equal_the_standin(
    catalog: TestClient, standin: Standin, path: str
) -> None:
    _same(catalog, standin, path)


@pytest.mark.parametrize(
    "path", ["/rest/V1/categories", "/rest/V1/categories/2", "/rest/V1/products/types"]
)
def test_a_missing_token_is_refused_like_the_standin(
    catalog: TestClient, standin: Standin, path: str
) -> None:
    body = _same(catalog, standin, path, Authorization="Bearer nope")
    assert "isn't authorized" in body["message"]


LISTS = [
    {},
    {"[filter_groups][0][filters][0][field]": "name",
     "[filter_groups][0][filters][0][value]": "%o%",
     "[filter_groups][0][filters][0][condition_type]": "like",
     "[sortOrders][0][field]": "name", "[sortOrders][0][direction]": "ASC"},
    {"[filter_groups][0][filters][0][field]": "level",
     "[filter_groups][0][filters][0][value]": "2",
     "[filter_groups][0][filters][0][condition_type]": "gteq",
     "[filter_groups][1][filters][0][field]": "is_active",
     "[filter_groups][1][filters][0][value]": "1",
     "[sortOrders][0][field]": "position", "[sortOrders][0][direction]": "DESC",
     "[pageSize]": "4", "[currentPage]": "2"},
    {"[filter_groups][0][filters][0][field]": "parent_id",
     "[filter_groups][0][filters][0][value]": "3,4,2",
     "[filter_groups][0][filters][0][condition_type]": "in",
     "[filter_groups][0][filters][1][field]": "url_key",
     "[filter_groups][0][filters][1][value]": "WOMEN",
     "[sortOrders][0][field]": "url_key"},
    {"[filter_groups][0][filters][0][field]": "description",
     "[filter_groups][0][filters][0][condition_type]": "null",
     "[sortOrders][0][field]": "entity_id", "[sortOrders][0][direction]": "DESC"},
    {"[filter_groups][0][filters][0][field]": "entity_id",
     "[filter_groups][0][filters][0][value]": "10",
     "[filter_groups][0][filters][0][condition_type]": "lt",
     "[filter_groups][0][filters][1][field]": "path",
     "[filter_groups][0][filters][1][value]": "1/2/3/%",
     "[filter_groups][0][filters][1][condition_type]": "like",
     "[sortOrders][0][field]": "is_anchor", "[sortOrders][1][field]": "name"},
    {"[filter_groups][0][filters][0][field]": "nope", "[filter_groups][0][filters][0][value]": "1"},
    {"[sortOrders][0][field]": "nope"},
    {"[pageSize]": "3", "[currentPage]": "99"},
]  # fmt: skip


@pytest.mark.parametrize("search", LISTS)
@pytest.mark.parametrize("code", ["all", "default", "french"])
def test_category_lists_equal_the_standin(
    catalog: TestClient, standin: Standin, search: dict[str, str], code: str
) -> None:
    query = "&".join(f"searchCriteria{k}={v}" for k, v in search.items()) or "searchCriteria="
    body = _same(catalog, standin, f"/rest/{code}/V1/categories/list?{query}")
    assert "message" in body or body["items"] or body["total_count"] >= 0


def test_category_list_errors_and_fields_equal_the_standin(
    catalog: TestClient, standin: Standin
) -> None:
    _same(catalog, standin, "/rest/V1/categories/list")
    _same(catalog, standin, "/rest/V1/categories/list/?searchCriteria=&fields=items[id,name]")
    _same(catalog, standin, "/rest/nowhere/V1/categories/list?searchCriteria=")
    _same(catalog, standin, "/rest/V1/categories/list?searchCriteria=", Authorization="Bearer x")
