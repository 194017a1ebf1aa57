"""Issue #12's requests, as written, against the served services: the searchCriteria value that
froze the catalog and the price that made the search service answer 500 are Magento's 400 at
once, and the stand-in (Magento's side in shadow) answers the same."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.integration.edge.served import Target, timed

pytestmark = pytest.mark.integration

F = "searchCriteria[filter_groups][0][filters][0]"
INVALID = 'Invalid value of "%value" provided for the %fieldName field.'


def _by_name(targets: list[Target], name: str) -> Target:
    return next(target for target in targets if target.name == name)


@pytest.mark.parametrize("name", ["catalog", "stand-in"])
def test_an_entity_id_of_1e999999999_is_a_400_not_a_frozen_service(
    targets: list[Target], name: str
) -> None:
    query = urlencode({f"{F}[field]": "entity_id", f"{F}[value]": "1e999999999"})
    response, timing = timed(_by_name(targets, name), query)
    assert response.status_code == 400, response.text
    assert response.json() == {
        "message": INVALID,
        "parameters": {"value": "1e999999999", "fieldName": f"{F}[value]"},
    }
    assert timing.within_budget()


@pytest.mark.parametrize("price", ["NaN", "Infinity", "1e999999999"])
def test_a_search_price_of_nan_is_a_400_not_a_500(targets: list[Target], price: str) -> None:
    g1 = "searchCriteria[filter_groups][1][filters][0]"
    query = urlencode(
        {
            f"{F}[field]": "search_term",
            f"{F}[value]": "shirt",
            f"{g1}[field]": "price",
            f"{g1}[value]": price,
            f"{g1}[condition_type]": "eq",
            "searchCriteria[requestName]": "quick_search_container",
        }
    )
    response, _ = timed(_by_name(targets, "search"), query)
    assert response.status_code == 400, response.text
    assert response.json() == {
        "message": INVALID,
        "parameters": {"value": price, "fieldName": f"{g1}[value]"},
    }
