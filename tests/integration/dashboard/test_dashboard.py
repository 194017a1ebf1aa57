"""The dashboard in a real browser against control's real app and database: sign-in, the plan,
an operator's advance from the page, a flip made with the CLI showing up live, a viewer who can
neither see nor use the actions (the API refuses the viewer's token too), and the domain page's
shadow counts per route and status class with the learned noise rules."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect
from typer.testing import CliRunner

from ficus_control.cli import app as cli
from tests.integration.control_plane.conftest import Tokens

pytestmark = pytest.mark.integration

SignIn = Callable[[str], Page]


def test_a_viewer_signs_in_and_sees_the_domains_and_the_plan(
    sign_in: SignIn, tokens: Tokens, browser: BrowserContext
) -> None:
    page = sign_in(tokens.viewer)
    expect(page.get_by_test_id("who")).to_have_text("dash (viewer)")
    expect(page.get_by_test_id("reads-catalog")).to_have_text("legacy")
    plan = page.get_by_test_id("plan")
    expect(plan).to_contain_text("Plan version")
    expect(plan.locator("[data-domain=catalog]")).to_contain_text("Next: reads-shadow")
    assert tokens.viewer not in page.url
    cookie = next(c for c in browser.cookies() if c["name"] == "ficus_dashboard")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert tokens.viewer not in cookie["value"]


def test_a_wrong_token_is_refused_and_pages_need_a_session(
    browser: BrowserContext, api_url: str
) -> None:
    page = browser.new_page()
    page.goto(f"{api_url}/dashboard/domains/catalog")
    page.wait_for_url(f"{api_url}/dashboard/login")
    page.get_by_label("Token").fill("ficus_not-a-token")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not valid")


def test_an_operator_advances_catalog_reads_to_shadow_from_the_page(
    catalog_page: SignIn, tokens: Tokens, api_url: str
) -> None:
    page = catalog_page(tokens.operator)
    form = page.get_by_test_id("advance-form")
    form.locator("select[name=direction]").select_option("reads")
    form.locator("select[name=stage]").select_option("shadow")
    form.locator("input[name=reason]").fill("start comparing")
    form.get_by_role("button", name="Advance").click()
    expect(page.get_by_test_id("result")).to_contain_text("Done: reads shadow")
    expect(page.get_by_test_id("reads-lane")).to_have_text("shadow")
    expect(page.get_by_test_id("timeline")).to_contain_text("legacy → shadow by token:ops")
    page.goto(f"{api_url}/dashboard/audit")
    expect(page.get_by_test_id("verification")).to_contain_text(re.compile("erified"))
    row = page.get_by_test_id("audit").locator("tbody tr").first
    expect(row).to_contain_text("catalog")
    expect(row).to_contain_text("legacy → shadow")
    expect(row).to_contain_text("start comparing")


def test_a_flip_made_with_the_cli_shows_on_the_open_page_within_2_s(
    catalog_page: SignIn, tokens: Tokens, api_url: str, tmp_path: Path
) -> None:
    page = catalog_page(tokens.viewer)
    expect(page.get_by_test_id("reads-lane")).to_have_text("legacy")
    env = {
        "FICUS_CONTROL_API_URL": api_url, "FICUS_TOKEN": tokens.operator,
        "FICUS_CONTROL_TOKEN_FILE": str(tmp_path / "no-token"),
    }  # fmt: skip
    args = ["cutover", "catalog", "--reads", "shadow", "--reason", "from the CLI"]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    expect(page.get_by_test_id("reads-lane")).to_have_text("shadow", timeout=2_000)


def test_a_viewer_has_no_actions_and_its_posts_are_refused(
    catalog_page: SignIn, tokens: Tokens, api_url: str
) -> None:
    page = catalog_page(tokens.viewer)
    expect(page.get_by_test_id("reads-lane")).to_have_text("legacy")
    expect(page.get_by_test_id("actions")).to_have_count(0)
    expect(page.get_by_role("button", name="Advance")).to_have_count(0)
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    assert csrf
    form = {"csrf": csrf, "direction": "reads", "stage": "shadow", "reason": "sneaky"}
    refused = page.request.post(f"{api_url}/dashboard/domains/catalog/advance", form=form)
    assert refused.status == 403
    assert "viewer" in refused.text()
    api = httpx.post(
        f"{api_url}/api/v1/domains/catalog/cutover",
        json={"direction": "reads", "stage": "shadow", "reason": "sneaky"},
        headers={"Authorization": f"Bearer {tokens.viewer}"},
    )
    assert api.status_code == 403  # the API refuses the viewer's token too
    page.reload()
    expect(page.get_by_test_id("reads-lane")).to_have_text("legacy")


def test_a_post_without_the_session_csrf_token_is_refused(
    sign_in: SignIn, tokens: Tokens, api_url: str
) -> None:
    page = sign_in(tokens.operator)
    form = {"csrf": "forged", "direction": "reads", "stage": "shadow"}
    refused = page.request.post(f"{api_url}/dashboard/domains/catalog/advance", form=form)
    assert refused.status == 403
    assert "CSRF" in refused.text()
    page.goto(f"{api_url}/dashboard/domains/catalog")
    expect(page.get_by_test_id("reads-lane")).to_have_text("legacy")


def test_logging_out_ends_the_session(sign_in: SignIn, tokens: Tokens, api_url: str) -> None:
    page = sign_in(tokens.viewer)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{api_url}/dashboard/login")
    page.goto(f"{api_url}/dashboard/")
    page.wait_for_url(f"{api_url}/dashboard/login")


def test_the_domain_page_shows_shadow_counts_per_route_and_learned_noise(
    catalog_page: SignIn, tokens: Tokens
) -> None:
    page = catalog_page(tokens.viewer)
    table = page.get_by_test_id("shadow-by-route")
    expect(table).to_contain_text("4xx/4xx")
    expect(table).to_contain_text("900")
    noise = page.get_by_test_id("noise-rules")
    expect(noise).to_contain_text("$.nonce: ignored, evidence 4/3")
    expect(noise).to_contain_text("news_from_date].value: candidate, evidence 1/3")


def test_the_domain_page_charts_the_lag_control_samples(
    catalog_page: SignIn, tokens: Tokens
) -> None:
    page = catalog_page(tokens.viewer)
    page.wait_for_function("Chart.getChart('lag-chart')?.data.labels.length > 0")
    lag = page.evaluate("Chart.getChart('lag-chart').data.datasets[0].data[0]")
    assert lag == 0.2  # what the control fixture's sync reports for catalog
    page.wait_for_function("Chart.getChart('reverse-lag-chart')?.data.labels.length > 0")
    reverse = page.evaluate("Chart.getChart('reverse-lag-chart').data.datasets[0].data[0]")
    assert reverse is None  # the fixture's sync serves no reverse health: a gap, not a 0


def test_an_operator_takes_the_plans_next_step_from_the_page(
    catalog_page: SignIn, tokens: Tokens
) -> None:
    page = catalog_page(tokens.operator)
    form = page.get_by_test_id("next-form")
    form.locator("input[name=reason]").fill("phase 1 begins")
    form.get_by_role("button").click()
    expect(page.get_by_test_id("result")).to_contain_text("Done: reads shadow")
    expect(page.get_by_test_id("timeline")).to_contain_text("phase 1 begins")
    expect(page.get_by_test_id("domain-plan")).to_contain_text("Next: reads-canary-10")
    form.get_by_role("button").click()  # canary 10 %: its criteria have not held long enough
    expect(page.get_by_test_id("result")).to_contain_text("Refused")
    expect(page.get_by_test_id("reads-lane")).to_have_text("shadow")
