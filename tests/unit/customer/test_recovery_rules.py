"""Magento's password reset and confirmation rules (ficus_legacy.core.recovery)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from ficus_legacy.core import recovery
from ficus_legacy.core.webapi_errors import InputError

NOW = datetime(2026, 12, 7, 12, 0, 0)


def test_a_reset_token_is_good_for_two_hours() -> None:
    recovery.check_reset_token("t" * 32, NOW - timedelta(hours=2), "t" * 32, NOW)
    with pytest.raises(InputError) as caught:
        recovery.check_reset_token("t" * 32, NOW - timedelta(hours=2, seconds=1), "t" * 32, NOW)
    assert caught.value.message == recovery.TOKEN_EXPIRED


@pytest.mark.parametrize(
    ("stored", "given", "message"),
    [("abc", "abd", recovery.TOKEN_MISMATCH), (None, "abc", recovery.TOKEN_MISMATCH),
     ("abc", "", '"%fieldName" is required. Enter and try again.')],
)  # fmt: skip
def test_a_wrong_or_missing_token_is_refused(stored: str | None, given: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        recovery.check_reset_token(stored, NOW, given, NOW)
    assert caught.value.message == message


def test_new_tokens_are_32_hex_characters_and_differ() -> None:
    first, second = recovery.new_token(), recovery.new_token()
    assert len(first) == 32 and int(first, 16) >= 0 and first != second


def test_templates_activation_and_status() -> None:
    recovery.check_template("email_reminder")
    with pytest.raises(InputError) as caught:
        recovery.check_template("other")
    expected = {"template1": "email_reminder", "template2": "email_reset"}
    assert caught.value.parameters == {"value": "other", "fieldName": "template", **expected}
    recovery.check_activation("k", "k")
    for confirmation, key, message in ((None, "k", recovery.ALREADY_ACTIVE),
                                       ("k", "x", recovery.KEY_MISMATCH)):  # fmt: skip
        with pytest.raises(InputError) as refused:
            recovery.check_activation(confirmation, key)
        assert refused.value.message == message
    assert recovery.confirmation_status("k") == recovery.ACCOUNT_CONFIRMATION_NOT_REQUIRED
    assert (
        recovery.confirmation_status("k", required=True) == recovery.ACCOUNT_CONFIRMATION_REQUIRED
    )
    assert recovery.confirmation_status(None, required=True) == recovery.ACCOUNT_CONFIRMED
