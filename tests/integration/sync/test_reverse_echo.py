"""No echo, end to end through one `python -m ficus_sync run` (forward capture and the reverse
worker): N service writes become N Magento transactions whose echo forward sync recognises —
the projection records Magento's new state, no domain event is emitted, no version moves."""

# ruff: noqa: F811 - the fixtures are imported from test_reverse_support

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import httpx
import psycopg
import pytest

from ficus_sync.core.statehash import state_hash
from ficus_sync.reverse import actions
from ficus_sync.reverse.worker import ReverseConfig
from ficus_sync.settings import SyncSettings
from tests.integration.sync.conftest import SyncProcess, poll, sync_env
from tests.integration.sync.test_reverse_support import (  # noqa: F401 - fixtures
    Magento,
    Service,
    customer,
    drained,
    magento,
    service,
    sync_run,
)

pytestmark = pytest.mark.integration

CUSTOMERS = range(7600, 7610)
START_LATER = "2026-01-03 10:00:00"


def projected(settings: SyncSettings) -> dict[int, str]:
    with psycopg.connect(settings.postgres_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT entity_id, state_hash FROM projection WHERE aggregate = 'customer'"
        ).fetchall()
    return {int(r[0]): str(r[1]) for r in rows}


def streaming(settings: SyncSettings) -> bool:
    """Forward sync took its snapshot and streams (so what follows is a change, not a copy)."""
    try:
        return httpx.get(f"http://127.0.0.1:{settings.port}/healthz", timeout=2).is_success
    except httpx.HTTPError:
        return False


def customer_events(settings: SyncSettings) -> int:
    with psycopg.connect(settings.postgres_url, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM domain_event WHERE aggregate = 'customer'")
        return int(row.fetchone()[0])  # type: ignore[index]


def test_service_writes_come_back_as_no_event(
    service: Service, magento: Magento, sync_run: Callable[[], tuple[SyncSettings, SyncProcess]]
) -> None:
    settings, process = sync_run()
    poll(lambda: streaming(settings), 60, f"sync never streamed: {process.output()[-2000:]}")
    for entity_id in CUSTOMERS:
        service.write(customer(entity_id))
    for entity_id in CUSTOMERS:
        edit = customer(entity_id, firstname="Edited", updated_at="2026-01-02 10:00:00")
        service.write(edit, customer(entity_id))
    drained(service, timeout=60)
    expected = {e: state_hash(magento.read(e)) for e in CUSTOMERS}
    poll(lambda: projected(settings) == expected, 60,
         f"forward sync never projected Magento's state: {process.output()[-2000:]}")  # fmt: skip
    assert customer_events(settings) == 0, "an echo of reverse sync came back as an event"
    assert len(magento.log()) == 2 * len(CUSTOMERS)
    admin = magento.read(CUSTOMERS[0]).model_copy(update={"lastname": "Admin"})  # type: ignore[union-attr]
    magento.write(admin)  # a genuine Magento edit still reaches the services
    poll(lambda: customer_events(settings) == 1, 60, "a Magento edit was not emitted")


def test_take_magento_reaches_the_service_as_an_event(
    service: Service, magento: Magento, sync_run: Callable[[], tuple[SyncSettings, SyncProcess]]
) -> None:
    settings, process = sync_run()
    poll(lambda: streaming(settings), 60, f"sync never streamed: {process.output()[-2000:]}")
    base = customer(7650)
    magento.write(base)  # created in Magento, then edited by its admin
    magento.write(base.model_copy(update={"email": "admin@example.com"}))
    admin = state_hash(magento.read(7650))
    poll(lambda: projected(settings).get(7650) == admin, 60, "Magento's edits were not seen")
    emitted = customer_events(settings)
    edit = base.model_copy(update={"email": "shopper@example.com", "updated_at": START_LATER})
    service.write(edit, base)  # the service saw only `base`: email changed on both sides
    drained(service, timeout=60)
    [conflict] = actions.conflicts(settings.mysql_url, "customer", open_only=True)
    expected = state_hash(magento.read(7650))
    poll(lambda: projected(settings).get(7650) == expected, 60, "the reverse write not seen")
    # Magento kept its email, so Magento's state is not the service's: no echo, an event
    # brings the merged state back to the service
    assert magento.log()[0][2] == "" and customer_events(settings) == emitted + 1
    config = ReverseConfig.from_settings(settings, "customer")
    actions.resolve_conflict(config, conflict.id, "magento", "tester")
    poll(lambda: customer_events(settings) == emitted + 2, 60, "take magento did not re-emit")
    assert magento.read(7650).email == "admin@example.com"  # type: ignore[union-attr]


def test_take_magento_of_a_parked_new_customer_deletes_it_in_the_service(
    service: Service, magento: Magento, sync_run: Callable[[], tuple[SyncSettings, SyncProcess]]
) -> None:
    settings, process = sync_run()
    poll(lambda: streaming(settings), 60, f"sync never streamed: {process.output()[-2000:]}")
    magento.write(customer(7660, email="taken@example.com"))
    holder = state_hash(magento.read(7660))
    poll(lambda: projected(settings).get(7660) == holder, 60, "Magento's customer not seen")
    service.write(customer(7661, email="taken@example.com"))  # born in the service: parks
    drained(service, timeout=60)
    [conflict] = actions.conflicts(settings.mysql_url, "customer", open_only=True)
    resolved = subprocess.run(
        [sys.executable, "-m", "ficus_sync", "conflicts", "resolve", str(conflict.id),
         "--take", "magento"],
        env=sync_env(settings), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert resolved.returncode == 0, resolved.stdout + resolved.stderr
    assert events_since(settings, 0)[-2:] == [(7661, "deleted"), (7660, "upserted")]
    assert actions.conflicts(settings.mysql_url, "customer", open_only=True) == []
    assert magento.read(7661) is None


def events_since(settings: SyncSettings, seq: int) -> list[tuple[int, str]]:
    with psycopg.connect(settings.postgres_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT entity_id, kind FROM domain_event WHERE aggregate = 'customer' AND seq > %s"
            " ORDER BY seq",
            (seq,),
        ).fetchall()
    return [(int(r[0]), str(r[1])) for r in rows]
