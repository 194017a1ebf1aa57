"""The shadow gate's evidence (#12): comparisons counted per route and status class, the
gate's window holding only comparisons that exercised the new backend (a flood of requests
both sides refuse alike cannot dilute it), and noise learned only on repeated evidence, per
custom attribute, expiring."""

from __future__ import annotations

import json

from ficus_proxy.shadow.core.comparison import IgnoreRules, Outcome, compare, diff_bodies
from ficus_proxy.shadow.core.noise import NoiseLearner
from ficus_proxy.shadow.core.recorder import ShadowRecorder
from tests.unit.proxy.clock import FakeClock

PRODUCT = "/V1/products/{sku}"
NOT_FOUND = b'{"message":"The product that was requested doesn\'t exist."}'
UNAUTHORIZED = b'{"message":"The consumer isn\'t authorized to access %resources."}'


def body(obj: object) -> bytes:
    return json.dumps(obj).encode()


def compared(legacy: tuple[int, bytes], new: tuple[int, bytes] | None) -> Outcome:
    status, diffs = compare(IgnoreRules(clock=FakeClock()), legacy, new)
    return Outcome("catalog", PRODUCT, "GET", "/rest/V1/products/x", legacy[0], status, diffs)


def window(recorder: ShadowRecorder) -> dict[str, object]:
    report = recorder.report("catalog")["domains"]["catalog"]
    return dict(report["window"])


def test_a_flood_of_404s_on_both_sides_cannot_move_the_gate() -> None:
    recorder = ShadowRecorder(clock=FakeClock(6000.0))
    for price in [10] * 9 + [11]:  # 10 real reads, one of them wrong
        recorder.record(compared((200, body({"price": 10})), (200, body({"price": price}))))
    before, flushed = window(recorder), recorder.drain()
    assert before == {"compared": 10, "mismatched": 1, "mismatch_rate": 0.1}
    for _ in range(10_000):  # GET /rest/V1/products/nope, scaled down from 100k
        recorder.record(compared((404, NOT_FOUND), (404, NOT_FOUND)))
    assert window(recorder) == before
    assert recorder.drain() == {}  # nothing more for control's shadow_stat either
    report = recorder.report("catalog")["domains"]["catalog"]
    assert (report["compared"], report["exercised"]) == (10_010, 10)
    assert report["by_route"][PRODUCT] == {
        "2xx/2xx": {"compared": 10, "mismatched": 1},
        "4xx/4xx": {"compared": 10_000, "mismatched": 0},
    }
    assert flushed == {("catalog", 6000): [10, 1]}


def test_anonymous_401_on_both_sides_is_not_evidence_but_a_401_against_a_200_is() -> None:
    same = compared((401, UNAUTHORIZED), (401, UNAUTHORIZED))
    assert not same.mismatch and not same.exercised
    leak = compared((401, UNAUTHORIZED), (200, body({"sku": "x", "cost": 3})))
    assert leak.mismatch and leak.exercised and leak.status_classes == "4xx/2xx"
    different_refusal = compared((404, NOT_FOUND), (404, b'{"detail":"Not Found"}'))
    assert different_refusal.mismatch and different_refusal.exercised
    failed = compared((200, body({"sku": "x"})), None)
    assert failed.exercised and failed.status_classes == "2xx/none"
    assert compared((500, b"{}"), (500, b"{}")).exercised is False


def test_one_changing_custom_attribute_hides_only_itself() -> None:
    clock = FakeClock()
    rules = IgnoreRules(clock=clock)

    def product(updated: str, colour: str) -> bytes:
        return body({"sku": "x", "custom_attributes": [
            {"attribute_code": "news_from_date", "value": updated},
            {"attribute_code": "color", "value": colour},
        ]})  # fmt: skip

    for minute in range(3):  # Magento's own answers differ in news_from_date, three times
        rules.learn(diff_bodies(product(f"t{minute}", "red"), product(f"u{minute}", "red")))
    learned = "$.custom_attributes[attribute_code=news_from_date].value"
    assert rules.learned == {learned}
    _, diffs = compare(rules, (200, product("t0", "red")), (200, product("t9", "blue")))
    assert [d.path for d in diffs] == ["$.custom_attributes[attribute_code=color].value"]


def test_a_pattern_item_wildcard_still_covers_keyed_items() -> None:
    rules = IgnoreRules(["$.custom_attributes[*].value"], clock=FakeClock())
    assert rules.ignores("$.custom_attributes[attribute_code=color].value")
    assert rules.ignores("$.items[3].value") is False


def test_noise_needs_repeated_evidence_and_expires() -> None:
    clock = FakeClock(0.0)
    rules = IgnoreRules(noise=NoiseLearner(min_evidence=3, ttl_seconds=600), clock=clock)
    pair = diff_bodies(body({"nonce": 1, "price": 10}), body({"nonce": 2, "price": 10}))
    legacy, new = (200, body({"nonce": 1})), (200, body({"nonce": 5}))
    for _ in range(2):
        rules.learn(pair)
        clock.advance(60)
    assert rules.learned == set()
    assert [d.path for d in compare(rules, legacy, new)[1]] == ["$.nonce"]  # not yet noise
    assert rules.learn(pair) == ["$.nonce"]
    assert compare(rules, legacy, new)[1] == ()
    [rule] = rules.describe()["noise"]
    assert (rule["path"], rule["learned"], rule["evidence"], rule["needed"]) == (
        "$.nonce", True, 3, 3,
    )  # fmt: skip
    clock.advance(601)  # no evidence for longer than the rule lives: compared again
    assert rules.learned == set()
    assert [d.path for d in compare(rules, legacy, new)[1]] == ["$.nonce"]
    assert rules.describe()["noise"] == []


def test_candidates_that_go_quiet_start_over() -> None:
    clock = FakeClock(0.0)
    learner = NoiseLearner(min_evidence=2, ttl_seconds=100)
    assert learner.observe(["$.a"], clock()) == []
    clock.advance(101)
    assert learner.observe(["$.a"], clock()) == []  # the first piece of evidence expired
    assert learner.observe(["$.a"], clock()) == ["$.a"]
    assert learner.observe(["$"], clock()) == []  # never learn to ignore everything
