"""runbooks/reverse-sync.md executed: every `ficus …` command of its bash blocks that belongs
to sync runs, in the runbook's order, through the real `ficus` CLI (which delegates to
`python -m ficus_sync`) against a running `ficus sync run` with reverse sync configured; before
each command the test brings about the situation the runbook describes (dead rows, open
conflicts). The control plane's command (the writes rollback) is parsed by the unit test."""

# ruff: noqa: F811 - the fixtures are imported from test_reverse_support

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

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

RUNBOOK = Path(__file__).resolve().parents[3] / "runbooks" / "reverse-sync.md"
CONTROL_PLANE = ("ficus rollback", "ficus audit")


def runbook_commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", RUNBOOK.read_text(), re.S)
    return [ln.strip() for b in blocks for ln in b.splitlines() if ln.startswith("ficus ")]


def test_the_runbooks_sync_commands_run_in_order(
    service: Service, magento: Magento, sync_run: Callable[[], tuple[SyncSettings, SyncProcess]]
) -> None:
    dead = service.write(customer(7501, website_id=79))  # no website 79: Magento refuses it
    for entity_id in (7502, 7503):  # two emails changed on both sides: conflicts 1 and 2
        base = customer(entity_id)
        magento.write(base)
        magento.write(base.model_copy(update={"email": f"m{entity_id}@example.com"}))
        service.write(base.model_copy(update={"email": f"s{entity_id}@example.com"}), base)
    settings, process = sync_run()
    drained(service, timeout=60)
    lines = [ln for ln in runbook_commands() if not ln.startswith(CONTROL_PLANE)]
    assert len(lines) >= 8, lines
    for line in lines:
        if line.startswith("ficus sync reverse dlq replay"):
            with magento.conn.cursor() as cur:  # the runbook: fix the cause, then replay
                cur.execute("INSERT IGNORE INTO store_website VALUES (79, 'w', 'W', 0, 1, 0)")
        result = ficus(line, sync_env(settings), process)
        assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
    assert magento.read(7501) is not None, f"the dead row {dead} was not replayed"
    assert magento.read(7502).email == "m7502@example.com"  # type: ignore[union-attr]
    assert magento.read(7503).email == "s7503@example.com"  # type: ignore[union-attr]


def ficus(line: str, env: dict[str, str], sync: SyncProcess) -> subprocess.CompletedProcess[str]:
    if line.startswith("ficus lag"):  # asks the running sync: wait until it answers
        poll(lambda: _run(line, env).returncode == 0, 60, sync.output()[-2000:])
    return _run(line, env)


def _run(line: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    ficus_bin = str(Path(sys.executable).parent / "ficus")
    return subprocess.run(
        ["bash", "-c", f"{ficus_bin} {line.removeprefix('ficus ')}"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
