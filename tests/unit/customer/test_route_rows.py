"""The proxy's route table and the customer service's routes agree: every route the service
serves is a customer row of proxy/routes.yaml and reaches its own row (a literal path such as
`PUT /V1/customers/password` is not taken by `/V1/customers/{customerId}`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ficus_customer.rest import TABLE
from ficus_proxy.core.routing import load_routes

ROUTES = load_routes(Path(__file__).parents[3] / "proxy" / "routes.yaml")


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in TABLE])
def test_each_service_route_reaches_its_own_customer_row(method: str, path: str) -> None:
    concrete = re.sub(r"\{(\w+)\}", lambda m: "a@b.c" if m[1] == "email" else "12", path)
    found = ROUTES.match(method, "/rest" + concrete)
    assert found is not None and found.route.domain == "customer"
    assert found.route.pattern == path
