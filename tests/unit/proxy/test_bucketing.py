from __future__ import annotations

import base64
import collections
import json
import os
import subprocess
import sys

from ficus_contracts.cutover import DomainCutover, Lane, Stage
from ficus_proxy.core.bucketing import (
    BUCKETS,
    CohortKey,
    bucket_of,
    cart_id_from_path,
    cohort_key,
    cookie_value,
)
from ficus_proxy.core.routing import RequestFacts, Target, decide, parse_routes

KEYS = [CohortKey("customer", str(i)) for i in range(100_000)]


def jwt(claims: dict[str, object]) -> str:
    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256'})}.{part(claims)}.c2lnbmF0dXJl"


def test_buckets_are_uniform_over_100k_keys() -> None:
    counts = collections.Counter(bucket_of(k) for k in KEYS)
    assert set(counts) == set(range(BUCKETS))
    expected = len(KEYS) / BUCKETS
    # every bucket holds 1 % of shoppers, give or take 0.2 % of all shoppers
    assert all(abs(n - expected) <= 0.002 * len(KEYS) for n in counts.values())
    chi2 = sum((n - expected) ** 2 / expected for n in counts.values())
    assert chi2 < 150  # 99 degrees of freedom: p > 0.001
    # canary N % serves N % of shoppers within ±2 % of N (relative), for every N >= 10
    served = 0
    for n in range(BUCKETS):
        served += counts[n]
        if n + 1 >= 10:
            assert abs(served / len(KEYS) * 100 - (n + 1)) <= 0.02 * (n + 1)


def test_raising_the_canary_never_moves_a_shopper_back() -> None:
    table = parse_routes(
        {"routes": [{"domain": "d", "access": "read", "methods": ["GET"], "paths": ["/V1/p"]}]}
    )
    previous: dict[str, Target] = {}
    for percent in (0, 1, 5, 10, 25, 50, 75, 99, 100):
        cutover = {"d": DomainCutover("d", Lane(Stage.CANARY, percent))}
        for i in range(2000):
            facts = RequestFacts("GET", "/rest/V1/p", cohort_cookie=f"shopper-{i}")
            target = decide(facts, table, cutover).target
            if previous.get(facts.cohort_cookie or "") is Target.NEW:
                assert target is Target.NEW
            previous[facts.cohort_cookie or ""] = target
    assert all(t is Target.NEW for t in previous.values())


def test_buckets_are_the_same_in_another_process() -> None:
    sample = [f"{i * 7919}" for i in range(200)]
    code = (
        "import json,sys\n"
        "from ficus_proxy.core.bucketing import CohortKey, bucket_of\n"
        "keys = json.loads(sys.argv[1])\n"
        "print(json.dumps([bucket_of(CohortKey('customer', k)) for k in keys]))\n"
    )
    env = os.environ | {"PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(sample)],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    assert json.loads(out.stdout) == [bucket_of(CohortKey("customer", k)) for k in sample]


def test_a_verified_customer_wins_over_cart_and_cookie() -> None:
    token = jwt({"uid": 42, "utypid": 3})
    key = cohort_key(f"Bearer {token}", "/rest/V1/guest-carts/abc", "cookie1", customer="42")
    assert key == CohortKey("customer", "42")


def test_an_unverified_token_names_no_customer() -> None:
    token = jwt({"uid": 42, "utypid": 3})  # unsigned claims: the caller verified nothing
    assert cohort_key(f"Bearer {token}", "/rest/V1/guest-carts/abc", "c") == CohortKey(
        "cart", "abc"
    )
    assert cohort_key(f"Bearer {token}", "/rest/V1/products", "c") == CohortKey("cookie", "c")
    assert cohort_key(f"Bearer {token}", "/rest/V1/products", None).kind == "token"  # type: ignore[union-attr]


def test_fallback_order_cart_then_cookie_then_opaque_token() -> None:
    assert cohort_key("Bearer opaque", "/rest/V1/carts/17/items", None) == CohortKey("cart", "17")
    assert cohort_key(None, "/rest/V1/carts/mine/items", "c") == CohortKey("cookie", "c")
    assert cohort_key("Bearer opaque", "/rest/V1/products", "c") == CohortKey("cookie", "c")
    token_key = cohort_key("Bearer opaque", "/rest/V1/products", None)
    assert token_key is not None
    assert token_key.kind == "token"
    assert cohort_key("Basic abc", "/rest/V1/products", None) is None


def test_cart_and_cookie_parsing() -> None:
    assert cart_id_from_path("/rest/default/V1/guest-carts/Xy12/items") == "Xy12"
    assert cart_id_from_path("/rest/V1/carts/search") is None
    assert cookie_value("a=1; ficus_cohort=abc; b=2") == "abc"
    assert cookie_value("xficus_cohort=abc") is None
    assert cookie_value(None) is None
