"""`ficus up --plane nginx`: the local stack's data plane component is the nginx agent, which
starts nginx on the shopper port (healthy for `ficus status`) and stops it with itself (`ficus
down`). Here alone, without the rest of the stack: no control database to follow, so every
route goes to Magento."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ficus_devstack.localstack import LocalStack, Profile
from ficus_devstack.manager import Stack
from ficus_devstack.process import ProcessState
from tests.conftest import stack_settings_for_tests
from tests.integration.nginx.conftest import _require_nginx, next_port

pytestmark = pytest.mark.integration


@pytest.fixture
def plane_stack(tmp_path: Path) -> Iterator[Stack]:
    """A stack of the nginx plane component only, on this helper's ports."""
    _require_nginx()
    settings = stack_settings_for_tests(home=tmp_path / ".ficus", proxy_port=next_port())
    component = LocalStack(settings, Profile(plane="nginx")).services()[-1]
    stack = Stack(settings, [component])
    yield stack
    stack.down()


def test_the_nginx_plane_starts_reports_healthy_and_stops_with_nginx(
    plane_stack: Stack,
) -> None:
    [started] = plane_stack.up()
    assert (started.name, started.started) == ("nginx", True)
    [status] = plane_stack.status()
    assert status.state is ProcessState.RUNNING
    assert status.health is not None and status.health.ok
    assert str(plane_stack.settings.proxy_port) in status.address
    prefix = plane_stack.settings.home / "nginx"
    assert (prefix / "nginx.pid").read_text().strip().isdigit()  # nginx runs, a child

    [stopped] = plane_stack.down()
    assert stopped.started
    assert not (prefix / "nginx.pid").exists()  # nginx stopped with its agent
