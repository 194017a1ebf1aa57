from __future__ import annotations

import pytest

from ficus_legacy.tokens import TokenError, UserType, issue, signing_key, verify

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


def test_signing_key_is_the_last_crypt_key_padded_with_ampersands_to_2048() -> None:
    key = signing_key("  0123456789abcdef0123456789abcdef\n")
    assert len(key) == 2048 and key == "&" * 1008 + "0123456789abcdef0123456789abcdef" + "&" * 1008
    odd = signing_key("old-key-of-thirty-two-characters new")  # PHP: left floor, right ceil
    assert odd == "&" * 1022 + "new" + "&" * 1023
    assert signing_key("x" * 3000) == "x" * 3000
    # str_pad counts bytes: a 2-byte character leaves 2 046 bytes of padding, not 2 047
    assert signing_key("é") == "&" * 1023 + "é" + "&" * 1023
    with pytest.raises(ValueError):
        signing_key(" \n ")


def test_a_token_issued_at_or_before_revoke_before_is_refused() -> None:
    token = issue(SECRET, 7, UserType.CUSTOMER, now=1_000)
    revocations = {(UserType.CUSTOMER, 7): 1_000}
    with pytest.raises(TokenError, match="User token has been revoked"):
        verify(SECRET, token, now=1_001, revoked_before=lambda t, u: revocations.get((t, u)))
    later = issue(SECRET, 7, UserType.CUSTOMER, now=1_001)
    verify(SECRET, later, now=1_002, revoked_before=lambda t, u: revocations.get((t, u)))
    verify(SECRET, token, now=1_001, revoked_before=lambda t, u: None)
