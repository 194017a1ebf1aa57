"""Fixtures of the dashboard tests: control's real app on a real Postgres (the control-plane
fixtures), served by uvicorn, and Debian's Chromium driven by Playwright (nothing downloads a
browser: `playwright install` is never run)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright

from tests.integration.control_plane.conftest import (  # noqa: F401  (fixtures reused as they are)
    api_url,
    app,
    control,
    control_db,
    settings,
    sync_lag,
    tokens,
)

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[3] / ".ficus" / "artifacts"


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install chromium chromium-driver`")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def browser(playwright: Playwright, tmp_path: Path) -> Iterator[BrowserContext]:
    """A fresh Chromium profile per test (its own --user-data-dir)."""
    profile = tmp_path / "chromium-profile"
    context = playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, headless=True, args=FLAGS,
        viewport={"width": 1280, "height": 900},
    )  # fmt: skip
    context.set_default_timeout(10_000)
    yield context
    context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def sign_in(browser: BrowserContext, api_url: str) -> Callable[[str], Page]:  # noqa: F811
    """Opens the dashboard, pastes `token` on the login page, and lands on the plan."""

    def _sign_in(token: str) -> Page:
        page = browser.pages[0] if browser.pages else browser.new_page()
        page.goto(f"{api_url}/dashboard/")
        page.get_by_label("Token").fill(token)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{api_url}/dashboard/")
        return page

    return _sign_in
