"""Fixtures of the dashboard tests: control's real app on a real Postgres (the control-plane
fixtures), served by uvicorn, and Debian's Chromium driven by Playwright."""

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
from tests.integration.dashboard import browser as chromium

ARTIFACTS = Path(__file__).resolve().parents[3] / ".ficus" / "artifacts"


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Module-scoped: Playwright's sync API runs an event loop in the main thread until it is
    stopped, and every async test after it (pytest-asyncio) would fail to start its own."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def browser(playwright: Playwright, tmp_path: Path) -> Iterator[BrowserContext]:
    """A fresh Chromium profile per test."""
    context = chromium.launch(playwright, tmp_path / "chromium-profile")
    yield context
    context.close()
    shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)


@pytest.fixture
def sign_in(browser: BrowserContext, api_url: str) -> Callable[[str], Page]:  # noqa: F811
    return lambda token: chromium.sign_in(browser, api_url, token)


@pytest.fixture
def catalog_page(sign_in: Callable[[str], Page], api_url: str) -> Callable[[str], Page]:  # noqa: F811
    """Signs in with a token and opens the catalog domain's page."""

    def _open(token: str) -> Page:
        page = sign_in(token)
        page.goto(f"{api_url}/dashboard/domains/catalog")
        return page

    return _open
