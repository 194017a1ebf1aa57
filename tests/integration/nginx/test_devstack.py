"""`ficus up --plane nginx`: the local stack's data plane component is the nginx agent, which
starts nginx on the shopper port (healthy for `ficus status`) and stops it with itself (`ficus
down`), after the Python proxy worker that compares its shadow copies. Here alone, without the
rest of the stack: no control database to follow, so every route goes to Magento."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ficus_devstack.localstack import LocalStack, Profile
from ficus_devstack.manager import Stack
from ficus_devstack.process import ProcessState
from ficus_devstack.wiring import proxy_admin_port
from tests.conftest import stack_settings_for_tests
from tests.integration.nginx.conftest import _require_nginx, next_port

pytestmark = pytest.mark.integration


@pytest.fixture
def plane_stack(tmp_path: Path) -> Iterator[Stack]:
    """A stack of the nginx plane component only, on this helper's ports."""
    _require_nginx()
    settings = stack_settings_for_tests(home=tmp_path / ".ficus", proxy_port=next_port())
    comparer, plane = LocalStack(settings, Profile(plane="nginx")).services()[-2:]
    stack = Stack(settings, [comparer, plane])
    yield stack
    stack.down()


def test_the_nginx_plane_starts_reports_healthy_and_stops_with_nginx(
    plane_stack: Stack,
) -> None:
    started = plane_stack.up()
    assert [(s.name, s.started) for s in started] == [("comparer", True), ("nginx", True)]
    statuses = plane_stack.status()
    assert all(s.state is ProcessState.RUNNING for s in statuses)
    assert all(s.health is not None and s.health.ok for s in statuses)
    status = statuses[-1]
    assert str(plane_stack.settings.proxy_port) in status.address
    prefix = plane_stack.settings.home / "nginx"
    assert (prefix / "nginx.pid").read_text().strip().isdigit()  # nginx runs, a child

    admin = proxy_admin_port(plane_stack.settings.proxy_port)
    diff = httpx.get(f"http://127.0.0.1:{admin}/_ficus/diff").json()  # the comparer's, as the
    assert diff["domains"] == {} and "pid" in diff  # proxy's: `ficus diff` works on this plane

    stopped = plane_stack.down()
    assert all(s.started for s in stopped)
    assert not (prefix / "nginx.pid").exists()  # nginx stopped with its agent
