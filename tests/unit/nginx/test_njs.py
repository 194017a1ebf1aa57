"""ficus.js (the njs module) keys and buckets shoppers exactly as ficus_proxy.core.bucketing.

The module is plain ECMAScript, so these tests run it under Node.js when it is installed (no
sockets); the integration tests run it inside nginx."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from importlib.resources import files
from pathlib import Path

import pytest

from ficus_proxy.core.bucketing import CohortKey, bucket_of, cohort_key, cookie_value

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")

HARNESS = """
import f from './ficus.mjs';
const cases = JSON.parse(process.argv[2]);
console.log(JSON.stringify(cases.map(
  ([auth, path, cookie]) => {
    const k = f.cohortKey(auth, path, f.cookieValue(cookie), 'FRESH');
    return [k[0], k[1], k[2], f.bucketOf(k[0], k[1])];
  })));
"""


def jwt(claims: object, pad: bool = False) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode()
    return "e30." + (payload if pad else payload.rstrip("=")) + ".sig"


CASES: list[tuple[str | None, str, str | None]] = [
    (f"Bearer {jwt({'uid': 42, 'utypid': 3})}", "/rest/V1/products", None),
    (f"bearer {jwt({'uid': '7', 'utypid': 3})}", "/rest/V1/carts/mine", "ficus_cohort=c1"),
    (f"Bearer {jwt({'uid': 1, 'utypid': 2})}", "/rest/V1/products", None),
    (f"Bearer {jwt({'uid': 1, 'utypid': 2})}", "/rest/V1/products", "a=1; ficus_cohort=ck"),
    (f"Bearer {jwt({'sub': 'abc'})}", "/rest/V1/x", None),
    (f"Bearer {jwt({'customer_id': 99}, pad=True)}", "/rest/V1/x", None),
    (f"Bearer {jwt({'uid': True, 'sub': 5})}", "/rest/V1/x", None),
    (f"Bearer {jwt({'uid': '', 'sub': 'é'})}", "/rest/V1/x", None),
    (f"Bearer {jwt([1, 2])}", "/rest/V1/x", None),
    ("Bearer not.a.jwt", "/rest/V1/x", None),
    ("Bearer opaque-integration-token", "/rest/V1/x", None),
    ("Bearer   spaced-token  ", "/rest/V1/x", None),
    ("Basic dXNlcjpwYXNz", "/rest/V1/x", None),
    (None, "/rest/V1/guest-carts/abc123/items", None),
    (None, "/rest/default/V1/carts/77/totals", "ficus_cohort=v"),
    (None, "/rest/V1/guest-carts/search", " ficus_cohort=w ;x=y"),
    (None, "/rest/V1/x", "ficus_cohort=; ficus_cohort=second"),
    (None, "/rest/V1/x", "my_ficus_cohort=no"),
    (None, "/rest/V1/carts/mine/items", None),
    (None, "/rest/V1/products", "ficus_cohort=0123456789abcdef01234567"),
    (None, "/rest/V1/products", None),
    ("Bearer ", "/rest/V1/products", None),
]


def test_cohort_keys_and_buckets_match_the_python_proxy(tmp_path: Path) -> None:
    (tmp_path / "ficus.mjs").write_text(files("ficus_nginx").joinpath("ficus.js").read_text())
    (tmp_path / "run.mjs").write_text(HARNESS)
    assert NODE is not None
    out = subprocess.run([NODE, "run.mjs", json.dumps(CASES)], cwd=tmp_path, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    for (auth, path, cookie), (kind, value, fresh, bucket) in zip(
        CASES, json.loads(out), strict=True
    ):
        expected = cohort_key(auth, path, cookie_value(cookie))
        if expected is None:
            assert (kind, value, fresh) == ("cookie", "FRESH", True)
            expected = CohortKey("cookie", "FRESH")
        else:
            assert (kind, value, fresh) == (expected.kind, expected.value, False), (auth, path)
        assert bucket == bucket_of(expected)
