"""`Idempotency-Key` on `POST /V1/customers`: a client retry never creates a second customer,
even when the two requests race; a key reused for another request is refused."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.integration.customer.conftest import Service
from tests.integration.customer.test_api import signup

pytestmark = pytest.mark.integration


def _post(service: Service, key: str, body: bytes) -> httpx.Response:
    headers = {"Idempotency-Key": key, "Content-Type": "application/json"}
    with httpx.Client(base_url=service.url, timeout=30) as http:
        return http.post("/rest/V1/customers", content=body, headers=headers)


def test_two_concurrent_identical_posts_create_one_customer(service: Service) -> None:
    body = json.dumps(signup()).encode()
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: _post(service, "k-1", body), range(4)))
    assert [a.status_code for a in answers] == [200] * 4
    assert len({a.text for a in answers}) == 1
    assert len(service.outbox()) == 1
    again = _post(service, "k-1", body)
    assert again.json() == answers[0].json()


def test_a_key_reused_with_another_body_is_refused(service: Service) -> None:
    assert _post(service, "k-2", json.dumps(signup()).encode()).status_code == 200
    other = _post(service, "k-2", json.dumps(signup("other@example.com")).encode())
    assert other.status_code == 400
    assert len(service.outbox()) == 1


def test_a_failed_first_attempt_leaves_the_key_free(service: Service) -> None:
    weak = json.dumps({**signup(), "password": "weak"}).encode()
    assert _post(service, "k-3", weak).status_code == 400
    assert _post(service, "k-3", json.dumps(signup()).encode()).status_code == 200
