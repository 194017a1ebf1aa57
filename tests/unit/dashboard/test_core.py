"""The dashboard's pure parts: server-side sessions with CSRF tokens, and the sampled history."""

from __future__ import annotations

from ficus_control.dashboard.core.history import History, Sample
from ficus_control.dashboard.core.sessions import Sessions, csrf_ok


def test_logging_in_replaces_the_anonymous_session_with_a_new_id() -> None:
    sessions = Sessions()
    anonymous = sessions.anonymous()
    signed_in = sessions.login(anonymous, "ficus_token")
    assert signed_in.id != anonymous.id and signed_in.csrf != anonymous.csrf
    assert sessions.get(anonymous.id) is None
    assert sessions.get(signed_in.id) == signed_in
    assert signed_in.token == "ficus_token"


def test_the_csrf_token_must_be_the_sessions_own() -> None:
    sessions = Sessions()
    one, other = sessions.anonymous(), sessions.anonymous()
    assert csrf_ok(one, one.csrf)
    assert not csrf_ok(one, other.csrf)
    assert not csrf_ok(one, None)
    assert not csrf_ok(one, "")


def test_sessions_expire_and_can_be_dropped() -> None:
    sessions = Sessions(ttl_seconds=0)
    assert sessions.get(sessions.anonymous().id) is None
    sessions = Sessions()
    session = sessions.login(None, "t")
    sessions.drop(session.id)
    assert sessions.get(session.id) is None
    assert sessions.get(None) is None


def test_a_full_table_forgets_its_oldest_sessions_first() -> None:
    sessions = Sessions(limit=100)
    first = sessions.anonymous()
    kept = [sessions.anonymous() for _ in range(150)]
    assert sessions.get(first.id) is None
    assert sessions.get(kept[-1].id) == kept[-1]


def test_history_keeps_the_last_hour_per_domain_as_chart_columns() -> None:
    history = History(keep_seconds=3600)
    now = 1_800_000_000.0
    history.add("catalog", Sample(now - 4000, 9.0, 0.5, 10))
    history.add("catalog", Sample(now - 60, 0.25, None, 0))
    history.add("catalog", Sample(now, 1.5, 0.002, 500))
    history.add("search", Sample(now, 3.0, 0.0, 10))
    series = history.series("catalog", now)
    assert series["forward_lag_s"] == [0.25, 1.5]
    assert series["mismatch_pct"] == [None, 0.2]
    assert series["labels"] == ["07:59:00", "08:00:00"]
    assert history.series("orders", now) == {
        "labels": [], "forward_lag_s": [], "reverse_lag_s": [], "mismatch_pct": [],
    }  # fmt: skip
    history.add("customer", Sample(now, 0.1, None, 0, reverse_lag_s=0.4))
    assert history.series("customer", now)["reverse_lag_s"] == [0.4]


def test_history_is_bounded_by_its_capacity() -> None:
    history = History(capacity=3)
    for n in range(10):
        history.add("catalog", Sample(1_800_000_000.0 + n, float(n), None, 0))
    assert history.series("catalog", 1_800_000_010.0)["forward_lag_s"] == [7.0, 8.0, 9.0]
