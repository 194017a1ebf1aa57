"""Issue #13, acceptance: customer writes walk legacy -> dual 50 -> new -> rollback to legacy
(which drains the outbox first) under shopper write traffic through the proxy (sign-ups,
sign-ins, profile edits). No write is lost (every 2xx answer's effect is in Magento at the end),
none is doubled (one customer per email), the only failures are 503 with Retry-After, and the
drain is in control's audit log."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from ficus_control.client import ControlClient
from ficus_devstack import Stack
from tests.e2e.customers import (
    Shopfront,
    Site,
    await_true,
    move_writes,
    signup,
    unique_email,
)
from tests.e2e.shop import cohort_cookie, move_reads

pytestmark = pytest.mark.e2e
WALK = [("dual", 50), ("new", None), ("legacy", None)]
SHOPPERS, EDITS, PER_STEP = 4, 2, 40


@pytest.fixture
def lanes_back(control: ControlClient) -> Iterator[None]:
    yield
    if control.get("/domains/customer")["writes"]["stage"] != "legacy":
        move_writes(control, "legacy")
    move_reads(control, "legacy", domain="customer")


@dataclass(frozen=True)
class Answer:
    shopper: int
    what: str  # signup | token | edit
    email: str
    value: str
    status: int
    retry_after: str | None


@dataclass
class Shoppers:
    """Shoppers signing up, signing in and editing their names, each with its cohort cookie."""

    proxy: Site
    answers: list[Answer] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self, shopper: int) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            self._customer(shopper, n)

    def _customer(self, shopper: int, n: int) -> None:
        email, cookie = (
            unique_email(f"walk-{shopper}"),
            {"Cookie": cohort_cookie(f"walk-{shopper}")},
        )
        body, key = signup(email, f"s{shopper}-{n}"), {"Idempotency-Key": email}
        if not self._ok(shopper, "signup", email, body["customer"]["firstname"],
                        self.proxy.call("POST", "/V1/customers", json=body,
                                        headers=cookie | key)):  # fmt: skip
            return
        login = {"username": email, "password": body["password"]}
        answer = self.proxy.call("POST", "/V1/integration/customer/token", json=login,
                                 headers=cookie)  # fmt: skip
        if not self._ok(shopper, "token", email, "", answer):
            return
        token = str(answer.json())
        for edit in range(EDITS):
            value = f"s{shopper}-{n}-e{edit}"
            me = {k: v for k, v in body["customer"].items() if k != "addresses"}
            change = {"customer": {**me, "firstname": value}}
            answer = self.proxy.call("PUT", "/V1/customers/me", token, json=change, headers=cookie)
            if not self._ok(shopper, "edit", email, value, answer):
                return

    def _ok(self, shopper: int, what: str, email: str, value: str, answer: httpx.Response) -> bool:
        retry = answer.headers.get("Retry-After")
        self.answers.append(Answer(shopper, what, email, value, answer.status_code, retry))
        if answer.status_code == 503:
            time.sleep(0.05)  # a shopper's pause before the next try; Retry-After is checked
        return answer.is_success

    def count(self) -> int:
        return len(self.answers)


def test_walk_customer_writes_and_back_without_a_lost_or_doubled_write(
    local_stack: Stack, control: ControlClient, lanes_back: None
) -> None:
    front = Shopfront.of(local_stack.settings)
    shoppers = Shoppers(front.proxy)
    threads = [threading.Thread(target=shoppers.run, args=(i,)) for i in range(SHOPPERS)]
    for thread in threads:
        thread.start()
    try:
        for stage, percent in WALK:
            await_true(lambda: shoppers.count() >= PER_STEP, 120, "shoppers busy")
            seen = shoppers.count()
            move_writes(control, stage, percent)
            await_true(lambda s=seen: shoppers.count() >= s + PER_STEP, 120, f"traffic {stage}")
    finally:
        shoppers.stop.set()
        for thread in threads:
            thread.join()
    front.quiet()

    failed = [a for a in shoppers.answers if not 200 <= a.status < 300]
    assert [a for a in failed if a.status != 503 or a.retry_after is None] == []
    _every_success_in_magento(front, shoppers.answers)
    audit = sorted(control.get("/audit?domain=customer&limit=20"), key=lambda e: e["id"])
    drains = [e["measured"]["step"] for e in audit if e["action"] == "drain"]
    assert drains[-2:] == ["start", "resume"], audit
    print({"answers": len(shoppers.answers), "503": len(failed)})  # noqa: T201


def _every_success_in_magento(front: Shopfront, answers: list[Answer]) -> None:
    final: dict[str, str] = {}
    for answer in answers:
        if 200 <= answer.status < 300 and answer.what in ("signup", "edit"):
            final[answer.email] = answer.value
    for email, firstname in final.items():
        rows = front.db.mysql("SELECT firstname FROM customer_entity WHERE email = %s", email)
        assert rows == [(firstname,)], email
