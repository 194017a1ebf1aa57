from __future__ import annotations

import pytest

from ficus_legacy.tokens import TokenError, UserType, issue, verify

SECRET = "unit-secret-with-enough-length-for-hs256"


def test_round_trip_carries_magento_claims() -> None:
    token = issue(SECRET, 42, UserType.CUSTOMER, now=1_000)
    claims = verify(SECRET, token, UserType.CUSTOMER, now=1_500)
    assert (claims.user_id, claims.user_type) == (42, UserType.CUSTOMER)
    assert claims.expires_at - claims.issued_at == 3600


def test_expired_after_one_hour() -> None:
    token = issue(SECRET, 1, UserType.ADMIN, now=1_000)
    verify(SECRET, token, now=1_000 + 3599)
    with pytest.raises(TokenError):
        verify(SECRET, token, now=1_000 + 3600)


def test_other_key_and_other_user_type_are_rejected() -> None:
    token = issue(SECRET, 1, UserType.CUSTOMER, now=1_000)
    with pytest.raises(TokenError):
        verify("another-secret-with-enough-length-xx", token, now=1_001)
    with pytest.raises(TokenError):
        verify(SECRET, token, UserType.ADMIN, now=1_001)
    with pytest.raises(TokenError):
        verify(SECRET, "not.a.jwt", now=1_001)
