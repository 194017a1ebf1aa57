"""Tokens revoked in Magento (`jwt_auth_revoked`, as `auth_revocation` events) are refused by
the customer service too, customers' and admins' alike; a newer token works, a deletion lifts."""

from __future__ import annotations

import time

import pytest

from ficus_contracts.auth import AuthRevocationState, revocation_aggregate_id
from ficus_contracts.events import DomainEvent, EventKind
from ficus_legacy import tokens
from tests.integration.customer.conftest import CRYPT_KEY, Service
from tests.integration.customer.test_api import PASSWORD, login, signup

pytestmark = pytest.mark.integration


def revocation(user_type: int, user_id: int, version: int, before: int | None) -> DomainEvent:
    state = (
        None
        if before is None
        else AuthRevocationState(user_type_id=user_type, user_id=user_id, revoke_before=before)
    )
    return DomainEvent(
        aggregate="auth_revocation",
        aggregate_id=revocation_aggregate_id(user_type, user_id),
        entity_id=user_id,
        version=version,
        kind=EventKind.UPSERTED if state else EventKind.DELETED,
        payload=state,
    )


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_customer_token_revoked_in_magento_is_refused(service: Service) -> None:
    service.http.post("/rest/V1/customers", json=signup())
    now = int(time.time())
    old = tokens.issue(tokens.signing_key(CRYPT_KEY), 1000, tokens.UserType.CUSTOMER, now=now - 5)
    newer = login(service, "ada@example.com", PASSWORD)[1]
    assert service.http.get("/rest/V1/customers/me", headers=_bearer(old)).status_code == 200
    service.apply(revocation(3, 1000, 1, now - 2))
    refused = service.http.get("/rest/V1/customers/me", headers=_bearer(old))
    assert refused.status_code == 401
    assert refused.json()["parameters"] == {"resources": "self"}
    assert service.http.get("/rest/V1/customers/me", headers=_bearer(newer)).status_code == 200
    service.apply(revocation(3, 1000, 1, None))  # an equal version: stale
    assert service.http.get("/rest/V1/customers/me", headers=_bearer(old)).status_code == 401
    service.apply(revocation(3, 1000, 2, None))  # a deletion lifts it
    assert service.http.get("/rest/V1/customers/me", headers=_bearer(old)).status_code == 200


def test_an_admin_token_revoked_in_magento_is_refused(service: Service) -> None:
    now = int(time.time())
    admin = tokens.issue(tokens.signing_key(CRYPT_KEY), 1, tokens.UserType.ADMIN, now=now - 5)
    search = "/rest/V1/customers/search?searchCriteria[pageSize]=1"
    assert service.http.get(search, headers=_bearer(admin)).status_code == 200
    service.apply(revocation(3, 1, 1, now))  # customer 1's revocation is not the admin's
    assert service.http.get(search, headers=_bearer(admin)).status_code == 200
    service.apply(revocation(2, 1, 1, now))
    assert service.http.get(search, headers=_bearer(admin)).status_code == 401
