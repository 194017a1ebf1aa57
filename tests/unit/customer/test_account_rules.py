"""Magento's account rules shared by every side holding customers: password strength and the
sign-in lockout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ficus_legacy.core.accounts import Lockout, WeakPassword, check_strength

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("password", "parameters"),
    [("Sh0rt!", ["8"]), ("alllowercase1", ["3"]), (" Spaces-1a ", []), ("x" * 257, ["256"])],
)
def test_weak_passwords(password: str, parameters: list[str]) -> None:
    with pytest.raises(WeakPassword) as caught:
        check_strength(password)
    assert caught.value.parameters == parameters


def test_a_strong_password() -> None:
    check_strength("Sup3r-secret")


def test_the_tenth_failure_locks_for_ten_minutes() -> None:
    fields = Lockout()
    for minute in range(10):
        fields = fields.after_failure(T0 + timedelta(minutes=minute / 10))
    assert fields.failures_num == 10 and fields.first_failure == T0
    assert fields.locked(T0 + timedelta(minutes=5))
    assert not fields.locked(T0 + timedelta(minutes=11))


def test_a_failure_after_the_lock_expired_counts_from_one() -> None:
    locked = Lockout(10, T0, T0 + timedelta(minutes=10))
    later = T0 + timedelta(minutes=30)
    assert locked.after_failure(later) == Lockout(1, later, None)
