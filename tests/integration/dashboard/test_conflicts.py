"""Resolving a reverse-sync conflict from the customer domain page, in Chromium, on real
engines: an email changed in Magento (MariaDB) and in the customer service's database meets in
the real reverse worker, which logs an open manual conflict; sync's own HTTP app serves the
conflict log with the CLI's resolution path (`reverse_cli.ConflictDesk`); control is built by
`bootstrap`. A viewer sees the conflict but cannot resolve it; an operator resolves it with a
reason: sync closes it (resolved by the operator's token), control's audit log records it."""

# ruff: noqa: F811 - the reverse-sync fixtures are imported from the sync tests

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from ficus_control.bootstrap import Control
from ficus_control.provision import run_migrations
from ficus_control.settings import ControlSettings
from ficus_devstack import Stack
from ficus_sync.reverse import actions
from ficus_sync.reverse_cli import ConflictDesk
from ficus_sync.settings import SyncSettings
from tests.integration.control_plane.conftest import (
    Tokens,
    bearer,
    built_control,
    migrated_database,
)
from tests.integration.control_plane.test_plan_walk import Sync, serving
from tests.integration.sync.conftest import full_row_metadata, mysql_url  # noqa: F401
from tests.integration.sync.test_reverse_support import (  # noqa: F401 - fixtures
    Magento,
    Running,
    Service,
    config,
    customer,
    drained,
    magento,
    service,
    worker,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def control_db(stack: Stack) -> Iterator[str]:
    """Overrides the control-plane fixture: its own database (the service has postgres_url)."""
    with migrated_database(stack, run_migrations) as url:
        yield url


@pytest.fixture
def settings(control_db: str, mysql_url: str, service: Service) -> Iterator[ControlSettings]:
    """Overrides the control-plane fixture: sync's own app serving the real conflict log."""
    sync_settings = SyncSettings(mysql_url=mysql_url, reverse_customer_database_url=service.url)
    with serving(Sync(conflicts=ConflictDesk(sync_settings))) as sync:
        yield ControlSettings(
            db_url=control_db, sync_url=sync.url, proxy_urls=("http://127.0.0.1:9",),
            plan_gates=False,
        )  # fmt: skip


@pytest.fixture
def control(settings: ControlSettings) -> Iterator[Control]:
    """Overrides the control-plane fixture: control exactly as `bootstrap` builds it."""
    yield from built_control(settings)


@pytest.fixture
def conflict(
    service: Service, magento: Magento, worker: Callable[[], Running], mysql_url: str
) -> int:
    """The email changed on both sides: the reverse worker keeps Magento's and logs it open."""
    base = customer(7301)
    magento.write(base)
    magento.write(base.model_copy(update={"email": "m@example.com"}))
    service.write(base.model_copy(update={"email": "s@example.com"}), base)
    worker()
    drained(service)
    [found] = actions.conflicts(mysql_url, "customer", open_only=True)
    return found.id


def customer_page(sign_in: Callable[[str], Page], api_url: str, token: str) -> Page:
    page = sign_in(token)
    page.goto(f"{api_url}/dashboard/domains/customer")
    return page


def test_a_viewer_sees_the_conflict_and_cannot_resolve_it(
    sign_in: Callable[[str], Page], tokens: Tokens, api_url: str, conflict: int
) -> None:
    page = customer_page(sign_in, api_url, tokens.viewer)
    expect(page.get_by_test_id("conflicts")).to_contain_text("m@example.com")
    expect(page.get_by_test_id("conflicts")).to_contain_text("s@example.com")
    expect(page.get_by_test_id("resolve-form")).to_have_count(0)
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    form = {"csrf": csrf or "", "conflict": str(conflict), "take": "service", "reason": "x"}
    url = f"{api_url}/dashboard/domains/customer/conflicts/resolve"
    assert page.request.post(url, form=form).status == 403
    api = httpx.post(
        f"{api_url}/api/v1/domains/customer/conflicts/{conflict}/resolve",
        json={"take": "service", "reason": "x"}, headers=bearer(tokens.viewer),
    )  # fmt: skip
    assert api.status_code == 403


def test_an_operator_resolves_the_conflict_from_the_page_audited(
    sign_in: Callable[[str], Page], tokens: Tokens, api_url: str, conflict: int,
    mysql_url: str, magento: Magento,
) -> None:  # fmt: skip
    page = customer_page(sign_in, api_url, tokens.operator)
    forged = {"csrf": "forged", "conflict": str(conflict), "take": "service", "reason": "x"}
    url = f"{api_url}/dashboard/domains/customer/conflicts/resolve"
    assert page.request.post(url, form=forged).status == 403  # CSRF-safe
    expect(page.get_by_test_id("conflicts")).to_contain_text("s@example.com")
    form = page.get_by_test_id("resolve-form")
    form.locator("input[name=conflict]").fill(str(conflict))
    form.locator("select[name=take]").select_option("service")
    form.get_by_role("button", name="Resolve the conflict").click()
    expect(page.get_by_test_id("result")).to_contain_text("needs a reason")
    form.locator("input[name=reason]").fill("the customer asked for the new address")
    form.get_by_role("button", name="Resolve the conflict").click()
    expect(page.get_by_test_id("result")).to_contain_text(f"Done: conflict {conflict}")
    expect(page.get_by_test_id("conflicts")).to_have_text("none open")
    expect(page.get_by_test_id("timeline")).to_contain_text(
        f"conflict-resolve conflict {conflict}: take service by token:ops"
    )
    [closed] = actions.conflicts(mysql_url, "customer", open_only=False)
    assert (closed.status, closed.resolved_by) == ("resolved", "token:ops: take service")
    now = magento.read(7301)
    assert now is not None and now.email == "s@example.com"  # sync applied the decision
    form.get_by_role("button", name="Resolve the conflict").click()
    expect(page.get_by_test_id("result")).to_contain_text(f"conflict {conflict} is not open")
