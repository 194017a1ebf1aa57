"""The noise thresholds are proxy settings (FICUS_PROXY_NOISE_MIN_EVIDENCE,
FICUS_PROXY_NOISE_TTL_SECONDS) that reach every route's learner, with the defaults 3 pairs
and 1 hour."""

from __future__ import annotations

import pytest

from ficus_proxy.bootstrap import build_worker
from ficus_proxy.settings import ProxySettings
from ficus_proxy.shadow.core.noise import NoiseLearner

CRYPT_KEY = "ficus0proxy0noise0test0crypt0key"
PATH = "$.updated_at"


def learners(**overrides: object) -> list[NoiseLearner]:
    settings = ProxySettings(magento_crypt_key=CRYPT_KEY, **overrides)  # type: ignore[arg-type]
    worker = build_worker(settings)
    rules = worker.server.shadow.rules
    assert rules, "no read route has shadow rules"
    return [rule.noise for rule in rules.values()]


async def test_the_defaults_are_three_pairs_and_an_hour() -> None:
    assert {(n.min_evidence, n.ttl_seconds) for n in learners()} == {(3, 3600.0)}


async def test_the_settings_reach_every_route_learner(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FICUS_PROXY_NOISE_MIN_EVIDENCE", "2")
    monkeypatch.setenv("FICUS_PROXY_NOISE_TTL_SECONDS", "60")
    found = learners()
    assert {(n.min_evidence, n.ttl_seconds) for n in found} == {(2, 60.0)}
    learner = found[0]
    assert learner.observe([PATH], now=0) == []
    assert learner.observe([PATH], now=10) == [PATH]  # learned on the second pair
    assert learner.learned(now=70) == {PATH} and learner.learned(now=71) == set()


def test_thresholds_are_validated() -> None:
    with pytest.raises(ValueError, match="noise_min_evidence"):
        ProxySettings(magento_crypt_key=CRYPT_KEY, noise_min_evidence=0)
