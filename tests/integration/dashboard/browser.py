"""Debian's Chromium driven by Playwright (its bundled driver; nothing downloads a browser),
shared by the dashboard tests and `make screenshot`."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import BrowserContext, Page, Playwright

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


def launch(playwright: Playwright, profile: Path) -> BrowserContext:
    """Chromium with a fresh profile in `profile` (its --user-data-dir)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium chromium-driver")
    context = playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, headless=True, args=FLAGS,
        viewport={"width": 1280, "height": 900},
    )  # fmt: skip
    context.set_default_timeout(10_000)
    return context


def sign_in(context: BrowserContext, base_url: str, token: str) -> Page:
    """Opens the dashboard, pastes `token` on the login page, and lands on the plan."""
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(f"{base_url}/dashboard/")
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/dashboard/")
    return page
