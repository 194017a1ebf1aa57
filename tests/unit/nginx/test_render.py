"""The rendered nginx.conf: what it says, and that nginx accepts it (`nginx -t`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ficus_contracts.cutover import DomainCutover, Lane, Stage
from ficus_nginx.__main__ import load_routes
from ficus_nginx.core.plane import LUA_MODULES, Plane, RateLimits, address
from ficus_nginx.core.render import plans, render, skeleton
from ficus_nginx.nginx import check, write_files

ROUTES = load_routes(Path("proxy/routes.yaml"))
STATE = {
    "catalog": DomainCutover("catalog", Lane(Stage.CANARY, 30), Lane(Stage.DUAL, 10), version=4),
    "customer": DomainCutover("customer", Lane(Stage.NEW), Lane(Stage.NEW), writes_draining=True),
    "inventory": DomainCutover("inventory", Lane(Stage.SHADOW), Lane(Stage.LEGACY)),
}


def plane(prefix: Path, **overrides: object) -> Plane:
    values: dict[str, object] = {
        "prefix": str(prefix),
        "legacy_url": "http://127.0.0.1:34810",
        "upstreams": {"catalog": "http://127.0.0.1:34811", "customer": "http://[::1]:34812/"},
        "port": 34813,
        "admin_port": 34814,
        "trusted_proxies": ("10.0.0.0/8",),
    } | overrides
    return Plane(**values)  # type: ignore[arg-type]


def test_the_plan_map_carries_the_state(tmp_path: Path) -> None:
    conf = render(plane(tmp_path), ROUTES, STATE)
    load = next(line for line in conf.splitlines() if "load_plans(" in line)
    assert '["catalog:r"] = "split:30:read:catalog:legacy:-:31536000"' in load
    assert '["catalog:w"] = "split:10:write:catalog:legacy:-:31536000"' in load
    assert '["customer:w"] = "drain:customer"' in load
    assert '["customer:r"] = "read:customer"' in load
    assert "inventory:" not in load  # shadow: Magento answers
    assert load.endswith("}, 4)")  # the newest cutover version
    assert plans(plane(tmp_path), ROUTES, STATE)[0] == 4
    assert "server [::1]:34812;" in conf


def test_internals_stay_off_the_shopper_port(tmp_path: Path) -> None:
    conf = render(plane(tmp_path), ROUTES, STATE)
    shopper, admin = conf.split("listen 127.0.0.1:34814;")
    assert "nginx_status" not in shopper and "stub_status" in admin
    assert "proxy_hide_header X-Ficus-Target;" in conf
    assert 'proxy_set_header X-Ficus-Debug "";' in conf
    assert "geo $realip_remote_addr $ficus_trusted { default 0; 10.0.0.0/8 1; }" in conf
    assert "set_real_ip_from 10.0.0.0/8;" in conf  # the client behind it, for the rate limits
    assert render(plane(tmp_path, admin_port=None), ROUTES, {}).count("listen ") == 1


def test_reads_fail_open_and_writes_never_do(tmp_path: Path) -> None:
    conf = render(plane(tmp_path), ROUTES, STATE)
    new_read = conf.split("location @new_read {")[1].split("}")[0]
    new_write = conf.split("location @new_write {")[1].split("}")[0]
    assert "= @legacy;" in new_read and "502 503 504" in new_read and "404 405" in new_read
    assert "@legacy" not in new_write and "= @unwritable;" in new_write
    assert "return 503" in conf.split("location @unwritable {")[1].split("}")[0]


def test_addresses() -> None:
    assert address("http://127.0.0.1:18080/") == "127.0.0.1:18080"
    assert address("http://magento") == "magento:80"
    with pytest.raises(ValueError, match="http://"):
        address("https://magento")


@pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
                    reason="nginx is not installed")  # fmt: skip
def test_nginx_accepts_the_rendered_configuration(tmp_path: Path) -> None:
    if not all(Path(module).exists() for module in LUA_MODULES):
        pytest.skip("libnginx-mod-http-lua is not installed (scripts/bootstrap.sh installs it)")
    write_files(tmp_path, render(plane(tmp_path), ROUTES, STATE))
    check(tmp_path)  # raises NginxError with nginx's words


def test_the_skeleton_is_the_configuration_but_its_plans(tmp_path: Path) -> None:
    legacy, split = render(plane(tmp_path), ROUTES, {}), render(plane(tmp_path), ROUTES, STATE)
    assert legacy != split and skeleton(legacy) == skeleton(split)
    assert "load_plans(" not in skeleton(split) and "split:30" not in skeleton(split)
    assert skeleton(render(plane(tmp_path, port=1), ROUTES, {})) != skeleton(legacy)


def test_lua_blocks_hold_no_nginx_comments(tmp_path: Path) -> None:
    """A `# ...` after `..._by_lua_block {` is Lua, where it is a syntax error."""
    conf = render(plane(tmp_path), ROUTES, STATE)
    assert not [line for line in conf.splitlines() if "_by_lua_block {" in line and "#" in line]


def test_rate_limits_are_the_proxys_and_off_at_zero(tmp_path: Path) -> None:
    limits = RateLimits(rate_per_ip=20, burst_per_ip=40, rate_per_customer=0.5)
    conf = render(plane(tmp_path, limits=limits), ROUTES, {})
    assert "limit_req_zone $binary_remote_addr zone=ficus_ip:10m rate=20r/s;" in conf
    assert "limit_req zone=ficus_ip burst=39 nodelay;" in conf  # nginx admits 1 + burst
    assert "zone=ficus_customer:10m rate=30r/m;" in conf
    assert "add_header Retry-After 2 always;" in conf  # a token every 2 s at 0.5/s
    off = RateLimits(rate_per_ip=0, rate_per_customer=0)
    assert "limit_req " not in render(plane(tmp_path, limits=off), ROUTES, {})
