"""Only what the proxy can verify picks a shopper's cohort: a customer JWT signed with the key
Magento derives from its crypt key, a cohort cookie signed with a known cookie key."""

from __future__ import annotations

import base64
import json
import time

import pytest
from pydantic import SecretStr

from ficus_contracts.cohort import CookieKeys, cookie_keys
from ficus_contracts.cutover import DomainCutover, Lane, Stage
from ficus_legacy import tokens
from ficus_proxy.cohort import ShopperIdentity, shopper_identity
from ficus_proxy.core.bucketing import CohortKey, bucket_of
from ficus_proxy.core.routing import Target, decide, parse_routes
from ficus_proxy.errors import ConfigError
from ficus_proxy.settings import ProxySettings

CRYPT_KEY = "ficus0proxy0cohort0test0crypt0k"
KEY = tokens.signing_key(CRYPT_KEY)
NOW = float(int(time.time()))  # pyjwt checks `iat` against the real clock
TABLE = parse_routes(
    {"routes": [{"domain": "d", "access": "read", "methods": ["GET"], "paths": ["/V1/p"]}]}
)
PATH = "/rest/V1/p"


def identity(keys: list[tuple[str, str]] | None = None) -> ShopperIdentity:
    return ShopperIdentity(KEY, CookieKeys(keys or cookie_keys(KEY)), clock=lambda: NOW)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def forged(claims: dict[str, object], alg: str = "HS256") -> str:
    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': alg, 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


def customer_token(uid: int, key: str = KEY, **kw: float) -> str:
    return tokens.issue(key, uid, tokens.UserType.CUSTOMER, now=kw.get("now", NOW))


def test_a_customer_token_magento_signed_picks_the_customer_cohort() -> None:
    facts = identity().facts("GET", PATH, bearer(customer_token(42)))
    assert facts.customer == "42"


@pytest.mark.parametrize(
    "token",
    [
        forged({"uid": 42, "utypid": 3, "iat": NOW, "exp": NOW + 3600}),
        forged({"uid": 42, "utypid": 3, "iat": NOW, "exp": NOW + 3600}, alg="none"),
        customer_token(42, key=tokens.signing_key("another0deployment0crypt0key000")),
        customer_token(42, now=NOW - 7200),  # expired an hour ago
        tokens.issue(KEY, 1, tokens.UserType.ADMIN, now=NOW),  # an admin is not one shopper
        "opaque-integration-token",
    ],
)
def test_a_token_the_proxy_cannot_verify_names_no_customer(token: str) -> None:
    facts = identity().facts("GET", PATH, bearer(token))
    assert facts.customer is None


def test_a_forged_token_cannot_choose_the_new_backend() -> None:
    """Canary 1 %: whatever customer id a forged token claims, the request is bucketed by its
    cookie (here none: a fresh one), never by the claimed id."""
    cutover = {"d": DomainCutover("d", Lane(Stage.CANARY, 1))}
    chosen = next(str(i) for i in range(10_000) if bucket_of(CohortKey("customer", str(i))) == 0)
    claims = {"uid": int(chosen), "utypid": 3, "iat": NOW, "exp": NOW + 3600}
    shopper = identity()
    misses = 0
    for n in range(200):
        facts = shopper.facts("GET", PATH, bearer(forged(claims)))
        decision = decide(facts, TABLE, cutover, make_cookie=lambda n=n: f"fresh{n}")
        assert decision.bucket == bucket_of(CohortKey("cookie", f"fresh{n}"))
        misses += decision.target is not Target.NEW
    assert misses > 150  # the bucket is the fresh cookie's, not the one the claims aimed at
    signed = shopper.facts("GET", PATH, bearer(customer_token(int(chosen))))
    assert decide(signed, TABLE, cutover).target is Target.NEW  # a real token does bucket


def test_only_a_verified_admin_token_keys_a_cookieless_client_by_its_hash() -> None:
    cutover = {"d": DomainCutover("d", Lane(Stage.CANARY, 50))}
    admin = f"Bearer {tokens.issue(KEY, 1, tokens.UserType.ADMIN, now=NOW)}"
    shopper = identity()
    keyed = decide(shopper.facts("GET", PATH, {"Authorization": admin}), TABLE, cutover)
    assert keyed.set_cookie is None
    assert (
        keyed.bucket
        == decide(shopper.facts("GET", PATH, {"Authorization": admin}), TABLE, cutover).bucket
    )
    for chosen in ("Bearer opaque-chosen-offline", f"Bearer {forged({'uid': 1, 'utypid': 2})}"):
        facts = shopper.facts("GET", PATH, {"Authorization": chosen})
        assert facts.authorization is None
        assert decide(facts, TABLE, cutover, make_cookie=lambda: "f").set_cookie == "f"


def test_a_signed_cookie_keys_the_cohort_and_a_forged_one_is_replaced() -> None:
    shopper = identity()
    signed = shopper.sign("c0ffee")
    facts = shopper.facts("GET", PATH, {"Cookie": f"a=1; ficus_cohort={signed}"})
    assert (facts.cohort_cookie, facts.renew_cookie) == ("c0ffee", False)
    kid, value, mac = signed.split(".")
    for cookie in ("c0ffee", f"{kid}.d0d0.{mac}", f"{kid}.{value}.{mac[:-1]}A", f"x.{value}.{mac}"):
        assert (
            shopper.facts("GET", PATH, {"Cookie": f"ficus_cohort={cookie}"}).cohort_cookie is None
        )


def test_an_unsigned_cookie_cannot_choose_the_new_backend() -> None:
    cutover = {"d": DomainCutover("d", Lane(Stage.CANARY, 1))}
    chosen = next(c for c in map(str, range(10_000)) if bucket_of(CohortKey("cookie", c)) == 0)
    facts = identity().facts("GET", PATH, {"Cookie": f"ficus_cohort={chosen}"})
    decision = decide(facts, TABLE, cutover, make_cookie=lambda: "fresh-one")
    assert decision.set_cookie == "fresh-one"  # a new cookie, signed by the server
    assert decision.bucket == bucket_of(CohortKey("cookie", "fresh-one"))


def test_keys_rotate_a_cookie_of_the_previous_key_keeps_its_bucket_and_is_reissued() -> None:
    old = identity([("k1", "first secret")])
    rotated = identity([("k2", "second secret"), ("k1", "first secret")])
    cookie = old.sign("shopper7")
    facts = rotated.facts("GET", PATH, {"Cookie": f"ficus_cohort={cookie}"})
    assert (facts.cohort_cookie, facts.renew_cookie) == ("shopper7", True)
    cutover = {"d": DomainCutover("d", Lane(Stage.CANARY, 50))}
    decision = decide(facts, TABLE, cutover)
    assert decision.set_cookie == "shopper7"  # re-signed with k2, same value, same bucket
    assert decision.bucket == bucket_of(CohortKey("cookie", "shopper7"))
    assert rotated.sign("shopper7").startswith("k2.")
    dropped = identity([("k2", "second secret")])
    assert dropped.facts("GET", PATH, {"Cookie": f"ficus_cohort={cookie}"}).cohort_cookie is None


def test_the_proxy_refuses_to_start_without_magentos_crypt_key() -> None:
    with pytest.raises(ConfigError, match="FICUS_PROXY_MAGENTO_CRYPT_KEY"):
        shopper_identity(ProxySettings())
    with pytest.raises(ConfigError, match="FICUS_PROXY_COHORT_KEYS"):
        shopper_identity(
            ProxySettings(
                magento_crypt_key=SecretStr(CRYPT_KEY), cohort_keys={"bad id!": SecretStr("s")}
            )
        )
    configured = shopper_identity(ProxySettings(magento_crypt_key=SecretStr(CRYPT_KEY)))
    assert configured.customer(f"Bearer {customer_token(9, now=time.time())}") == "9"
