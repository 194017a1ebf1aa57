"""Issue #13, acceptance: no echo, by counts. N service writes through the proxy (sign-ups and
profile edits, customer writes at `new`) become exactly N Magento transactions, each with its
`ficus_reverse_log` marker; forward sync captures them all and emits 0 customer domain events
for them (each is counted as a suppressed echo), and the service's versions of those customers
are left as its own writes made them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ficus_control.client import ControlClient
from ficus_devstack import Stack
from tests.e2e.customers import (
    Shopfront,
    await_true,
    binlog_position,
    binlog_transactions,
    metric,
    signup,
    unique_email,
)
from tests.e2e.customers import writes_lane as _writes_lane

pytestmark = pytest.mark.e2e
CUSTOMERS, EDITS = 10, 4  # N = 10 sign-ups + 40 edits = 50 service writes
WRITES = CUSTOMERS * (1 + EDITS)
SUPPRESSED = "ficus_sync_echo_suppressed_total"
APPLIED = "SELECT count(*) FROM ficus_reverse_log WHERE domain = 'customer' AND status = 'applied'"
LAST = "SELECT coalesce(max(id), 0) FROM outbox"
VERSIONS = "SELECT entity_id, version, forward_version FROM customer WHERE entity_id = ANY(%s)"


@pytest.fixture
def writes_at_new(control: ControlClient) -> Iterator[None]:
    yield from _writes_lane(control, "new")


def _write(front: Shopfront, n: int) -> int:
    """Sign one shopper up and edit their profile EDITS times; their customer id."""
    email = unique_email(f"echo-{n}")
    created = front.proxy.write("POST", "/V1/customers", json=signup(email))
    assert created.status_code == 200, created.text
    token = front.proxy.customer_token(email)
    me = created.json()
    for edit in range(EDITS):
        me["lastname"] = f"Lovelace {edit}"
        answer = front.proxy.write("PUT", "/V1/customers/me", token, json={"customer": me})
        assert answer.status_code == 200, answer.text
    return int(me["id"])


@pytest.mark.usefixtures("writes_at_new")
def test_n_service_writes_are_n_magento_transactions_and_no_event(local_stack: Stack) -> None:
    front = Shopfront.of(local_stack.settings)
    front.quiet()
    applied, events = front.db.one(front.db.mysql(APPLIED)), front.db.customer_events()
    suppressed = metric(front.sync_url, SUPPRESSED, 'aggregate="customer"')
    since, outbox = binlog_position(front.db), front.db.one(front.db.pg("ficus_customer", LAST))

    ids = [_write(front, i) for i in range(CUSTOMERS)]
    # N: the service's writes (a write retried after a 503 may have been made once already)
    n = front.db.one(
        front.db.pg("ficus_customer", "SELECT count(*) FROM outbox WHERE id > %s", outbox)
    )
    per_customer = front.db.pg(
        "ficus_customer",
        "SELECT entity_id, count(*) FROM outbox WHERE id > %s GROUP BY 1 ORDER BY 1",
        outbox,
    )
    assert n >= WRITES, (ids, per_customer)
    written = {row[0]: row[1:] for row in front.db.pg("ficus_customer", VERSIONS, ids)}
    assert sum(v[0] for v in written.values()) == n  # each write is one version

    await_true(lambda: front.db.pending_outbox() == 0, 60, "the outbox drained")
    echoes = lambda: metric(front.sync_url, SUPPRESSED, 'aggregate="customer"')  # noqa: E731
    await_true(lambda: echoes() >= suppressed + n, 60, f"{n} echoes seen by forward sync")
    front.quiet()

    assert front.db.one(front.db.mysql(APPLIED)) - applied == n
    customer_writes = [t for t in binlog_transactions(front.db, since) if "customer_entity" in t]
    assert len(customer_writes) == n
    assert all("ficus_reverse_log" in t for t in customer_writes)
    assert front.db.customer_events() - events == 0
    assert echoes() - suppressed == n
    after = {row[0]: row[1:] for row in front.db.pg("ficus_customer", VERSIONS, ids)}
    assert after == written
