"""ficus.lua keys and buckets shoppers exactly as ficus_proxy.core.bucketing.

The module runs inside nginx's own LuaJIT when it loads its configuration (`init_by_lua`
in an nginx without a server: it opens no socket), which writes its answers for a table of
requests to a file; nginx is stopped once the file is there."""

from __future__ import annotations

import base64
import json
import random
import string
import subprocess
import time
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from ficus_nginx.core.plane import LUA_MODULES
from ficus_nginx.nginx import nginx_binary
from ficus_proxy.core.bucketing import CohortKey, bucket_of, cohort_key, cookie_value

pytestmark = pytest.mark.skipif(
    not all(Path(m).exists() for m in LUA_MODULES),
    reason="libnginx-mod-http-lua is not installed (scripts/bootstrap.sh installs it)",
)

HARNESS = """
local f = require "ficus"
local cjson = require "cjson"
local function opt(x) if x == cjson.null then return nil end return x end
local cases = cjson.decode(io.open("{tmp}/cases.json"):read("*a"))
local out = {{}}
for i, c in ipairs(cases) do
    local kind, value, fresh = f.cohort_key(opt(c[1]), c[2], f.cookie_value(opt(c[3])), "FRESH")
    out[i] = {{kind, value, fresh, f.bucket_of(kind, value)}}
end
local file = io.open("{tmp}/out.tmp", "w")
file:write(cjson.encode(out))
file:close()
os.rename("{tmp}/out.tmp", "{tmp}/out.json")
"""


def jwt(claims: object, pad: bool = False) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode()
    return "e30." + (payload if pad else payload.rstrip("=")) + ".sig"


CASES: list[tuple[str | None, str, str | None]] = [
    (f"Bearer {jwt({'uid': 42, 'utypid': 3})}", "/rest/V1/products", None),
    (f"bearer {jwt({'uid': '7', 'utypid': 3})}", "/rest/V1/carts/mine", "ficus_cohort=c1"),
    (f"Bearer {jwt({'uid': 1, 'utypid': 2})}", "/rest/V1/products", None),
    (f"Bearer {jwt({'uid': 1, 'utypid': 2})}", "/rest/V1/products", "a=1; ficus_cohort=ck"),
    (f"Bearer {jwt({'uid': 1, 'utypid': None})}", "/rest/V1/products", None),
    (f"Bearer {jwt({'sub': 'abc'})}", "/rest/V1/x", None),
    (f"Bearer {jwt({'customer_id': 99}, pad=True)}", "/rest/V1/x", None),
    (f"Bearer {jwt({'uid': True, 'sub': 5})}", "/rest/V1/x", None),
    (f"Bearer {jwt({'uid': 1.5, 'sub': None, 'customer_id': 'x'})}", "/rest/V1/x", None),
    (f"Bearer {jwt({'uid': '', 'sub': 'é'})}", "/rest/V1/x", None),
    (f"Bearer {jwt([1, 2])}", "/rest/V1/x", None),
    (f"Bearer {jwt('text')}", "/rest/V1/x", None),
    ("Bearer not.a.jwt", "/rest/V1/x", None),
    ("Bearer a.b.c.d", "/rest/V1/x", None),
    ("Bearer opaque-integration-token", "/rest/V1/x", None),
    ("Bearer   spaced-token  ", "/rest/V1/x", None),
    ("Basic dXNlcjpwYXNz", "/rest/V1/x", None),
    ("Bearer ", "/rest/V1/products", None),
    (None, "/rest/V1/guest-carts/abc123/items", None),
    (None, "/rest/default/V1/carts/77/totals", "ficus_cohort=v"),
    (None, "/rest/V1/guest-carts/search", " ficus_cohort=w ;x=y"),
    (None, "/rest/V1/x", "ficus_cohort=; ficus_cohort=second"),
    (None, "/rest/V1/x", "my_ficus_cohort=no"),
    (None, "/rest/V1/carts/mine/items", None),
    (None, "/rest/V1/products", "ficus_cohort=0123456789abcdef01234567"),
    (None, "/rest/V1/products", None),
]
_rng = random.Random(18)
RANDOM_COOKIES: list[tuple[str | None, str, str | None]] = [
    (None, "/rest/V1/x", "ficus_cohort=" + "".join(_rng.choices(string.ascii_letters, k=n)))
    for n in (*range(1, 40), 127, 128, 129, 200, 300)
]


def run_lua(tmp_path: Path, cases: list[Any]) -> list[Any]:
    (tmp_path / "ficus.lua").write_text(files("ficus_nginx").joinpath("ficus.lua").read_text())
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    harness = HARNESS.format(tmp=tmp_path)
    (tmp_path / "nginx.conf").write_text(
        "".join(f"load_module {m};\n" for m in LUA_MODULES)
        + f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        + f'http {{\n lua_package_path "{tmp_path}/?.lua;;";\n'
        + f" init_by_lua_block {{\n{harness}\n }}\n}}\n"
    )
    out = tmp_path / "out.json"
    argv = [nginx_binary(), "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    nginx = subprocess.Popen([*argv, "-g", "daemon off; master_process off;"])
    try:
        deadline = time.monotonic() + 30
        while not out.exists() and nginx.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        nginx.kill()  # it serves nothing and holds nothing; a single process ignores TERM here
        nginx.wait(timeout=10)
    assert out.exists(), (tmp_path / "error.log").read_text()
    return list(json.loads(out.read_text()))


def test_cohort_keys_and_buckets_match_the_python_proxy(tmp_path: Path) -> None:
    cases = CASES + RANDOM_COOKIES
    for (auth, path, cookie), answer in zip(cases, run_lua(tmp_path, cases), strict=True):
        kind, value, fresh, bucket = answer
        expected = cohort_key(auth, path, cookie_value(cookie))
        if expected is None:
            assert (kind, value, fresh) == ("cookie", "FRESH", True)
            expected = CohortKey("cookie", "FRESH")
        else:
            assert (kind, value, fresh) == (expected.kind, expected.value, False), (auth, path)
        assert bucket == bucket_of(expected)
