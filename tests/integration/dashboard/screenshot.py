"""`make screenshot`: the dashboard's catalog page under `ficus demo` traffic, saved as a PNG
(default docs/dashboard.png, the README's image).

Needs the local stack that `make up` started. Creates a viewer token, runs `ficus demo` in the
background, waits until catalog reads are at canary 50 %, opens the page in Debian's Chromium,
saves it, then lets the demo finish (it rolls catalog reads back to legacy)."""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from ficus_control.settings import ControlSettings
from tests.integration.dashboard import browser as chromium

CANARY_SHARE = 50
DEADLINE_S = 180.0


def _viewer_token() -> str:
    name = f"screenshot-{int(time.time())}"
    created = subprocess.run(
        ["ficus", "token", "create", "--name", name, "--role", "viewer"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return created.stdout.split()[-1]


def _wait_for_canary(api_url: str, token: str, demo: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + DEADLINE_S
    headers = {"Authorization": f"Bearer {token}"}
    while time.monotonic() < deadline and demo.poll() is None:
        state = httpx.get(f"{api_url}/api/v1/domains/catalog", headers=headers).json()
        if state["reads"]["share_new"] >= CANARY_SHARE:
            return
        time.sleep(0.5)  # the poll interval of a wait on a condition, with a deadline
    raise SystemExit("catalog reads never reached canary 50 % (is `make up` running?)")


def capture(out: Path) -> None:
    api_url = ControlSettings().api_url.rstrip("/")
    token = _viewer_token()
    demo = subprocess.Popen(["ficus", "demo", "--step-seconds", "30"], stdout=subprocess.DEVNULL)
    try:
        _wait_for_canary(api_url, token, demo)
        with sync_playwright() as driver, tempfile.TemporaryDirectory() as profile:
            context = chromium.launch(driver, Path(profile))
            page = chromium.sign_in(context, api_url, token)
            page.goto(f"{api_url}/dashboard/domains/catalog")
            page.get_by_test_id("reads-lane").wait_for()
            page.wait_for_function("Chart.getChart('lag-chart').data.labels.length > 2")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), full_page=True)
            context.close()
        print(f"saved {out}")  # noqa: T201
    except BaseException:
        demo.send_signal(signal.SIGINT)  # the demo rolls catalog reads back to legacy
        raise
    finally:
        demo.wait(timeout=DEADLINE_S)


if __name__ == "__main__":
    capture(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/dashboard.png"))
