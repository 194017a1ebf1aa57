"""ficus.lua keys and buckets shoppers exactly as ficus_proxy.core.bucketing, believing only
what the Python proxy believes (ficus_proxy.cohort): customer and admin JWTs Magento signed,
cohort cookies signed with a known key.

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

from ficus_contracts.cohort import CookieKeys, cookie_keys
from ficus_legacy import tokens
from ficus_nginx.core.plane import LUA_MODULES, Plane
from ficus_nginx.core.render import _keys as render_keys
from ficus_nginx.nginx import nginx_binary
from ficus_proxy.cohort import ShopperIdentity
from ficus_proxy.core.bucketing import CohortKey, bucket_of, cohort_key

pytestmark = pytest.mark.skipif(
    not all(Path(m).exists() for m in LUA_MODULES),
    reason="libnginx-mod-http-lua is not installed (scripts/bootstrap.sh installs it)",
)

HARNESS = """
local f = require "ficus"
local cjson = require "cjson"
local function opt(x) if x == cjson.null then return nil end return x end
local cases = cjson.decode(io.open("{tmp}/cases.json"):read("*a"))
f.configure(cases.crypt_key, cases.cohort_keys)
local out = {{}}
for i, c in ipairs(cases.requests) do
    local kind, value, issue = f.cohort_key(opt(c[1]), c[2], f.cookie_value(opt(c[3])), "FRESH")
    out[i] = {{kind, value, issue, f.bucket_of(kind, value), issue and f.sign_cookie(value) or ""}}
end
local file = io.open("{tmp}/out.tmp", "w")
file:write(cjson.encode(out))
file:close()
os.rename("{tmp}/out.tmp", "{tmp}/out.json")
"""


CRYPT_KEY = "old0key0retired0000000000000000 ficus0lua0parity0crypt0key000"
KEY = tokens.signing_key(CRYPT_KEY)
NOW = int(time.time())
COHORT_KEYS = [["k2", "current cohort secret"], ["k1", "previous cohort secret"]]


def jwt(claims: object, pad: bool = False) -> str:
    """Claims nobody signed (an attacker's token)."""
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode()
    return "eyJhbGciOiJIUzI1NiJ9." + (payload if pad else payload.rstrip("=")) + ".sig"


def signed(uid: int, user: tokens.UserType, key: str = KEY, at: int = NOW) -> str:
    return tokens.issue(key, uid, user, now=at)


def cookie(value: str, key: list[str] = COHORT_KEYS[0]) -> str:
    return "ficus_cohort=" + CookieKeys([(key[0], key[1])]).sign(value)


CUSTOMER, ADMIN = tokens.UserType.CUSTOMER, tokens.UserType.ADMIN
OTHER_KEY = tokens.signing_key("another0deployment0crypt0key000")
GOOD = cookie("goodvalue")
_, _GOOD_VALUE, _GOOD_MAC = GOOD.split("=", 1)[1].split(".")


CASES: list[tuple[str | None, str, str | None]] = [
    (f"Bearer {signed(42, CUSTOMER)}", "/rest/V1/products", None),
    (f"Bearer {signed(42, CUSTOMER)}", "/rest/V1/guest-carts/abc", GOOD),
    (f"bearer  {signed(7, CUSTOMER)} ", "/rest/V1/x", None),
    (f"Bearer {signed(42, CUSTOMER, key=OTHER_KEY)}", "/rest/V1/products", None),
    (f"Bearer {signed(42, CUSTOMER, at=NOW - 7200)}", "/rest/V1/products", GOOD),
    (f"Bearer {signed(42, CUSTOMER, at=NOW + 600)}", "/rest/V1/products", None),
    (f"Bearer {signed(1, ADMIN)}", "/rest/V1/products", None),
    (f"Bearer {signed(1, ADMIN)}", "/rest/V1/products", GOOD),
    (f"Bearer {signed(1, ADMIN, key=OTHER_KEY)}", "/rest/V1/products", None),
    (f"Bearer {signed(3, CUSTOMER)[:-2]}xx", "/rest/V1/products", None),
    (None, "/rest/V1/x", GOOD),
    (None, "/rest/V1/x", "a=1; " + cookie("older", COHORT_KEYS[1])),
    (None, "/rest/V1/x", cookie("unknown", ["k9", "some secret"])),
    (None, "/rest/V1/x", f"ficus_cohort=k2.{_GOOD_VALUE}x.{_GOOD_MAC}"),
    (None, "/rest/V1/x", f"ficus_cohort=k2.{_GOOD_VALUE}.{_GOOD_MAC[:-1]}"),
    (None, "/rest/V1/x", f"ficus_cohort=k2.{_GOOD_VALUE}.{_GOOD_MAC}.x"),
    (None, "/rest/V1/x", cookie("v" * 65)),
    (None, "/rest/V1/x", cookie("v" * 64)),
    (None, "/rest/V1/x", cookie("bad.value")),
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
    (None, "/rest/V1/x", cookie("".join(_rng.choices(string.ascii_letters + "-_", k=n))))
    for n in (*range(1, 40), 63, 64, 65, 200)
] + [
    (None, "/rest/V1/x", "ficus_cohort=" + "".join(_rng.choices(string.ascii_letters, k=n)))
    for n in (1, 24, 300)
]


def run_lua(tmp_path: Path, cases: list[Any], harness_text: str = HARNESS) -> list[Any]:
    (tmp_path / "ficus.lua").write_text(files("ficus_nginx").joinpath("ficus.lua").read_text())
    document = {"crypt_key": CRYPT_KEY, "cohort_keys": COHORT_KEYS, "requests": cases}
    (tmp_path / "cases.json").write_text(json.dumps(document))
    harness = harness_text.format(tmp=tmp_path)
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
    cookies = CookieKeys([(k, v) for k, v in COHORT_KEYS])
    proxy = ShopperIdentity(KEY, cookies)
    cases = CASES + RANDOM_COOKIES
    for (auth, path, cookie_header), answer in zip(cases, run_lua(tmp_path, cases), strict=True):
        kind, value, issue, bucket, set_cookie = answer
        headers = {k: v for k, v in (("Authorization", auth), ("Cookie", cookie_header)) if v}
        facts = proxy.facts("GET", path, headers)
        expected = cohort_key(facts.authorization, path, facts.cohort_cookie, facts.customer)
        if expected is None:
            assert (kind, value, issue) == ("cookie", "FRESH", True), (auth, cookie_header)
            expected = CohortKey("cookie", "FRESH")
        else:
            renew = expected.kind == "cookie" and facts.renew_cookie
            assert (kind, value, issue) == (expected.kind, expected.value, renew), (
                auth, path, cookie_header,
            )  # fmt: skip
        assert bucket == bucket_of(expected)
        if issue:  # the cookie nginx sets is the one the proxy accepts, under the current key
            assert set_cookie == cookies.sign(value)


def test_the_derived_cookie_key_is_the_python_one(tmp_path: Path) -> None:
    """Without cohort keys both planes derive the same key from Magento's crypt key."""
    harness = HARNESS.replace("cases.cohort_keys", "nil")
    derived = CookieKeys(cookie_keys(KEY))
    cases = [(None, "/rest/V1/x", "ficus_cohort=" + derived.sign("shared")), (None, "/x", None)]
    first, second = run_lua(tmp_path, cases, harness)
    assert first[:3] == ["cookie", "shared", False]
    assert second[4] == derived.sign("FRESH")


def test_keys_rendered_into_nginx_conf_reach_lua_byte_for_byte(tmp_path: Path) -> None:
    """The rendered `configure(...)` line (decimal escapes) carries any key intact: a customer
    token Magento signed with an awkward crypt key is verified, a cookie signed with an awkward
    cohort secret opens, exactly as in the Python proxy."""
    # ASCII, as Magento's keys are (PHP pads bytes, ficus_legacy.tokens characters)
    crypt_key = 'old]]key "retired" \\ key0with0}{0brackets0and0quotes\'0000'
    secret = 'se"cret\\n]]} ;\u00e9'
    plane = Plane(prefix=str(tmp_path), legacy_url="http://127.0.0.1:9",
                  magento_crypt_key=crypt_key, cohort_keys=(("k1", secret),))  # fmt: skip
    (configure,) = render_keys(plane)
    token = tokens.issue(tokens.signing_key(crypt_key), 77, CUSTOMER)
    signed = CookieKeys([("k1", secret)]).sign("awkward")
    literal = configure.replace("{", "{{").replace("}", "}}")  # HARNESS is a format string
    harness = HARNESS.replace("f.configure(cases.crypt_key, cases.cohort_keys)", literal)
    cases = [(f"Bearer {token}", "/rest/V1/x", None), (None, "/x", f"ficus_cohort={signed}")]
    customer, cookie = run_lua(tmp_path, cases, harness)
    assert customer[:3] == ["customer", "77", False]
    assert cookie[:3] == ["cookie", "awkward", False]
