"""`ficus up --plane nginx`: the local stack puts the nginx agent on the shopper port instead of
the Python proxy, wired with the proxy's listeners, upstreams, database role and token."""

from __future__ import annotations

import json
from pathlib import Path

from ficus_devstack.localstack import LocalStack, Profile, comparer_ports
from ficus_devstack.service import Service
from ficus_devstack.settings import StackSettings
from ficus_devstack.wiring import proxy_admin_port
from ficus_nginx.settings import from_env


def _settings(tmp_path: Path) -> StackSettings:
    return StackSettings(home=tmp_path / ".ficus", proxy_port=35410)


def test_default_plane_is_the_python_proxy(tmp_path: Path) -> None:
    stack = LocalStack(_settings(tmp_path))
    assert stack.profile.plane == "proxy"
    names = [s.name for s in stack.services()]
    assert names[-1] == "proxy"
    assert "nginx" not in names


def test_nginx_plane_replaces_the_proxy_on_the_shopper_port(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    stack = LocalStack(settings, Profile(plane="nginx"))
    plane = stack.services()[-1]
    assert isinstance(plane, Service)
    assert (plane.name, plane.port) == ("nginx", settings.proxy_port)
    assert "proxy" not in [s.name for s in stack.services()]


def test_nginx_plane_hands_shadow_copies_to_a_loopback_proxy_worker(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    stack = LocalStack(settings, Profile(plane="nginx"))
    comparer = stack.services()[-2]
    assert isinstance(comparer, Service) and comparer.name == "comparer"
    port, admin = comparer_ports(settings.proxy_port)
    assert comparer.port == port and comparer.health_port == admin
    assert port not in (proxy_admin_port(settings.proxy_port), settings.proxy_port)
    agent = from_env(stack.environment())
    assert agent.plane.shadow_url == f"http://127.0.0.1:{admin}"


def test_nginx_agent_reads_the_stack_wiring(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    (settings.home / "control").mkdir(parents=True)
    (settings.home / "control" / "proxy-token").write_text("tok\n")
    env = LocalStack(settings, Profile(plane="nginx")).environment()
    agent = from_env(env)
    assert agent.plane.port == settings.proxy_port
    assert agent.plane.admin_port == proxy_admin_port(settings.proxy_port)
    assert agent.plane.legacy_url == env["FICUS_PROXY_LEGACY_URL"]
    assert dict(agent.plane.upstreams) == json.loads(env["FICUS_PROXY_UPSTREAMS"])
    assert agent.routes_file.is_file()
    assert agent.control_db_url == env["FICUS_PROXY_CONTROL_DB_URL"]
    assert env["FICUS_NGINX_TOKEN"] == "tok"
    assert env["FICUS_NGINX_CONTROL_API_URL"] == env["FICUS_PROXY_CONTROL_API_URL"]


def test_profile_saved_by_an_older_release_has_the_proxy(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    settings.home.mkdir(parents=True)
    (settings.home / "profile.json").write_text('{"capture": "embedded", "search": "postgres"}')
    assert Profile.load(settings).plane == "proxy"
