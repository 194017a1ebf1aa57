from __future__ import annotations

import json

import pytest

from ficus_proxy.shadow.core.comparison import (
    IgnoreRules,
    Outcome,
    compare,
    compile_pattern,
    diff_bodies,
    flatten,
)
from ficus_proxy.shadow.core.recorder import ShadowRecorder
from tests.unit.proxy.clock import FakeClock


def body(obj: object) -> bytes:
    return json.dumps(obj).encode()


def test_normalization_ignores_key_order_and_float_spelling() -> None:
    a = b'{"sku": "x", "price": 10.0, "items": [{"a": 1, "b": 2}]}'
    b = b'{"items": [{"b": 2, "a": 1.0}], "price": 10, "sku": "x"}'
    assert diff_bodies(a, b) == []


def test_differences_name_their_paths() -> None:
    diffs = diff_bodies(body({"a": 1, "l": [1, 2], "t": "1"}), body({"a": 2, "l": [1], "t": 1}))
    assert [(d.path, d.legacy, d.new) for d in diffs][:2] == [
        ("$.a", 1, 2),
        ("$.l[1]", 2, diffs[1].new),
    ]
    assert {d.path for d in diffs} == {"$.a", "$.l[1]", "$.t"}  # "1" != 1: types matter


def test_empty_containers_and_non_json() -> None:
    assert flatten({"a": {}, "b": []}) == {"$.a": {}, "$.b": []}
    assert diff_bodies(b"<html>", b"<html>") == []
    assert [d.path for d in diff_bodies(b"<html>", b"{}")] == ["$"]


@pytest.mark.parametrize(
    ("pattern", "path", "ignored"),
    [
        ("$.updated_at", "$.updated_at", True),
        ("$.updated_at", "$.updated_at_x", False),
        ("$.updated_at", "$.item.updated_at", False),
        ("$.items[*].id", "$.items[3].id", True),
        ("$.items[*].id", "$.items[3].sku", False),
        ("$.*.price", "$.product.price", True),
        ("$.*.price", "$.a.b.price", False),
        ("$..updated_at", "$.items[0].extension.updated_at", True),
        ("$..updated_at", "$.updated_at", True),
        ("$.extension_attributes", "$.extension_attributes.stock.qty", True),
        ("$.extension_attributes", "$.extension_attributes_x", False),
    ],
)
def test_ignore_patterns(pattern: str, path: str, ignored: bool) -> None:
    assert IgnoreRules([pattern]).ignores(path) is ignored
    assert compile_pattern(pattern).pattern.startswith(r"\$")


def test_compare_drops_ignored_fields_and_reports_the_rest() -> None:
    rules = IgnoreRules(["$..updated_at"])
    legacy = (200, body({"sku": "x", "price": 10, "updated_at": "t1"}))
    new = (200, body({"sku": "x", "price": 11, "updated_at": "t2"}))
    status, diffs = compare(rules, legacy, new)
    assert status == 200
    assert [d.path for d in diffs] == ["$.price"]
    assert compare(rules, legacy, None) == (None, ())


def test_noise_learning_from_pairs_of_legacy_answers() -> None:
    rules = IgnoreRules(clock=FakeClock())
    first = body({"items": [{"sku": "a", "nonce": 1}, {"sku": "b", "nonce": 2}], "total": 2})
    second = body({"items": [{"sku": "a", "nonce": 7}, {"sku": "b", "nonce": 8}], "total": 2})
    assert rules.learn(diff_bodies(first, second)) == []  # one pair is not enough evidence
    assert rules.learn(diff_bodies(first, second)) == []
    assert rules.learn(diff_bodies(first, second)) == ["$.items[*].nonce"]
    new = body({"items": [{"sku": "a", "nonce": 99}, {"sku": "B", "nonce": 98}], "total": 2})
    _, diffs = compare(rules, (200, first), (200, new))
    assert [d.path for d in diffs] == ["$.items[1].sku"]
    assert rules.learn(diff_bodies(b"x", b"y")) == []  # never learn to ignore everything


def outcome(domain: str, mismatch: bool) -> Outcome:
    diffs = diff_bodies(b'{"a":1}', b'{"a":2}') if mismatch else ()
    return Outcome(domain, "/V1/products/{sku}", "GET", "/rest/V1/products/x", 200, 200,
                   tuple(diffs))  # fmt: skip


def test_recorder_counts_windows_samples_and_unflushed_deltas() -> None:
    clock = FakeClock(6000.0)
    recorder = ShadowRecorder(window_seconds=120, max_samples=3, clock=clock)
    for i in range(10):
        recorder.record(outcome("catalog", mismatch=i % 2 == 0))
    report = recorder.report("catalog")["domains"]["catalog"]
    assert (report["compared"], report["mismatched"]) == (10, 5)
    assert report["window"]["mismatch_rate"] == 0.5
    assert len(report["samples"]) == 3
    assert report["samples"][0]["differences"] == [{"path": "$.a", "legacy": 1, "new": 2}]
    clock.advance(600)
    recorder.record(outcome("catalog", mismatch=False))
    report = recorder.report("catalog")["domains"]["catalog"]
    assert report["window"] == {"compared": 1, "mismatched": 0, "mismatch_rate": 0.0}
    assert report["compared"] == 11
    deltas = recorder.drain()
    assert deltas == {("catalog", 6000): [10, 5], ("catalog", 6600): [1, 0]}
    assert recorder.drain() == {}
    recorder.restore(deltas)
    assert recorder.drain() == deltas


def test_status_difference_or_no_answer_is_a_mismatch() -> None:
    base = outcome("d", mismatch=False)
    assert not base.mismatch
    assert Outcome("d", "r", "GET", "/p", 200, 404, ()).mismatch
    assert Outcome("d", "r", "GET", "/p", 200, None, ()).mismatch


def test_without_a_sink_nothing_accumulates_for_flushing() -> None:
    recorder = ShadowRecorder(clock=FakeClock(), keep_unflushed=False)
    recorder.record(outcome("catalog", mismatch=True))
    assert recorder.drain() == {}
    assert recorder.report("catalog")["domains"]["catalog"]["mismatched"] == 1


def test_skipped_and_failed_comparisons_are_reported_apart_from_compared() -> None:
    recorder = ShadowRecorder(clock=FakeClock())
    recorder.record(outcome("catalog", mismatch=False))
    recorder.skipped("catalog")
    recorder.skipped("catalog")
    recorder.failed("catalog")
    report = recorder.report("catalog")["domains"]["catalog"]
    assert (report["compared"], report["skipped"], report["failed"]) == (1, 2, 1)
    assert recorder.drain() == {("catalog", 960): [1, 0]}
