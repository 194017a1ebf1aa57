"""The bearer check's pure parts: the actor a token gives, the verified-token cache (revocation
bites within its TTL), the per-client failure limit, and their order in `Authenticator`."""

from __future__ import annotations

import pytest

from ficus_control.errors import RateLimited, Unauthenticated
from ficus_control.tokens import (
    Authenticator,
    FailureLimiter,
    Principal,
    Role,
    TokenCache,
    hash_token,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Lookup:
    """A token table in a dict, counting lookups."""

    def __init__(self, **tokens: Principal) -> None:
        self.tokens = tokens
        self.calls = 0

    def principal(self, token: str) -> Principal | None:
        self.calls += 1
        return self.tokens.get(token)


def test_actor_comes_from_the_token() -> None:
    assert Principal("alice", Role.OPERATOR).actor == "token:alice"
    assert Principal("dash", Role.VIEWER).actor == "token:dash"
    assert Principal("edge-1", Role.PROXY).actor == "proxy:auto"


def test_cache_expires_and_is_bounded() -> None:
    clock = Clock()
    cache = TokenCache(ttl=5, size=2, clock=clock)
    alice = Principal("alice", Role.OPERATOR)
    cache.put("a", alice)
    assert cache.get("a") == alice
    clock.now += 5
    assert cache.get("a") is None
    for key in ("a", "b", "c"):
        cache.put(key, alice)
    assert (cache.get("a"), cache.get("c")) == (None, alice)


def test_limiter_blocks_after_limit_then_lets_go() -> None:
    clock = Clock()
    limiter = FailureLimiter(limit=3, window=60, clock=clock)
    for _ in range(3):
        assert limiter.retry_after("10.0.0.1") is None
        limiter.failed("10.0.0.1")
        clock.now += 1
    assert limiter.retry_after("10.0.0.1") == pytest.approx(57)
    assert limiter.retry_after("10.0.0.2") is None
    clock.now += 57
    assert limiter.retry_after("10.0.0.1") is None


def test_limiter_forgets_the_oldest_client_beyond_its_bound() -> None:
    limiter = FailureLimiter(limit=1, window=60, clients=2, clock=Clock())
    for client in ("a", "b", "c"):
        limiter.failed(client)
    assert (limiter.retry_after("a"), limiter.retry_after("c") is not None) == (None, True)


def _auth(clock: Clock, lookup: Lookup) -> Authenticator:
    return Authenticator(lookup, TokenCache(5, clock=clock), FailureLimiter(2, 60, clock=clock))


def test_a_verified_token_is_looked_up_once_per_ttl() -> None:
    clock, lookup = Clock(), Lookup(good=Principal("ops", Role.OPERATOR))
    auth = _auth(clock, lookup)
    for _ in range(10):
        assert auth.authenticate("good", "c").name == "ops"
        clock.now += 0.4
    assert lookup.calls == 1
    clock.now += 2  # 6 s after the lookup: hits did not extend the 5 s TTL
    lookup.tokens.clear()  # revoked
    with pytest.raises(Unauthenticated):
        auth.authenticate("good", "c")
    assert hash_token("good") != "good"


def test_failures_are_limited_before_any_lookup() -> None:
    clock, lookup = Clock(), Lookup(good=Principal("ops", Role.OPERATOR))
    auth = _auth(clock, lookup)
    for token in (None, "bad"):
        with pytest.raises(Unauthenticated):
            auth.authenticate(token, "attacker")
    calls = lookup.calls
    with pytest.raises(RateLimited) as refused:
        auth.authenticate("good", "attacker")
    assert (lookup.calls, refused.value.retry_after) == (calls, 60)
    assert auth.authenticate("good", "someone-else").name == "ops"
