"""Magento 2.4.8's customer account rules that do not depend on where the customer is stored
(pure): password strength (`AccountManagement::checkPasswordStrength` under the defaults), the
required email and names of a customer save, and the sign-in lockout
(`Customer/Model/Authentication::processAuthenticationFailure`).

A failed sign-in counts in `failures_num` from `first_failure`; the 10th failure
(`customer/password/lockout_failures`) locks the account for 10 minutes
(`customer/password/lockout_threshold`, `lock_expires`); a failure after the lock expired starts
counting again; a successful sign-in clears the three fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ficus_legacy.core.webapi_errors import InputError

__all__ = [
    "DUPLICATE_EMAIL",
    "EMAIL_MISSING",
    "LOCKED",
    "MISMATCH",
    "SAME_AS_EMAIL",
    "Lockout",
    "WeakPassword",
    "check_strength",
    "name_messages",
    "require_email",
    "require_names",
]

MAX_FAILURES = 10
LOCK_THRESHOLD = timedelta(minutes=10)
MIN_LENGTH = 8
MAX_LENGTH = 256
CHARACTER_CLASSES = 3
MISMATCH = "The password doesn't match this account. Verify the password and try again."
LOCKED = "The account is locked."
SAME_AS_EMAIL = (
    "The password can't be the same as the email address. Create a new password and try again."
)
DUPLICATE_EMAIL = "A customer with the same email address already exists in an associated website."
EMAIL_MISSING = "The customer email is missing. Enter and try again."
_NAMES = (("firstname", "First Name"), ("lastname", "Last Name"))


class WeakPassword(ValueError):
    """Magento's InputException for a password: `message` and its `%1` `parameters`."""

    def __init__(self, message: str, parameters: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.parameters = parameters or []


def check_strength(password: str) -> None:
    """Raise `WeakPassword` unless the password meets Magento's default rules."""
    if len(password) > MAX_LENGTH:
        raise WeakPassword("Please enter a password with at most %1 characters.", [str(MAX_LENGTH)])
    if len(password) < MIN_LENGTH:
        raise WeakPassword(
            "The password needs at least %1 characters. Create a new password and try again.",
            [str(MIN_LENGTH)],
        )
    if password.strip() != password:
        raise WeakPassword(
            "The password can't begin or end with a space. Verify the password and try again."
        )
    classes = sum(
        re.search(p, password) is not None for p in (r"[0-9]", r"[A-Z]", r"[a-z]", r"[^a-zA-Z0-9]")
    )
    if classes < CHARACTER_CLASSES:
        raise WeakPassword(
            "Minimum of different classes of characters in password is %1. Classes of characters:"
            " Lower Case, Upper Case, Digits, Special Characters.",
            [str(CHARACTER_CLASSES)],
        )


def require_email(data: Mapping[str, Any]) -> str:
    """The email a customer save needs (`ResourceModel\\Customer::_beforeSave`)."""
    email = data.get("email")
    if not isinstance(email, str) or not email:
        raise InputError(EMAIL_MISSING)
    return email


def name_messages(data: Mapping[str, Any]) -> list[str]:
    """The customer EAV validator's messages for missing names, rendered as Magento's."""
    return [f'"{label}" is a required value.' for key, label in _NAMES if not data.get(key)]


def require_names(data: Mapping[str, Any]) -> None:
    """The messages of `name_messages`, joined as Magento's InputException."""
    missing = name_messages(data)
    if missing:
        raise InputError("\n".join(missing))


@dataclass(frozen=True)
class Lockout:
    """A customer's lockout fields (`customer_entity` columns)."""

    failures_num: int = 0
    first_failure: datetime | None = None
    lock_expires: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.lock_expires is not None and self.lock_expires > now

    def after_failure(self, now: datetime) -> Lockout:
        """The fields after one more failed sign-in at `now`."""
        failures = self.failures_num + 1
        expired = self.lock_expires is not None and now > self.lock_expires
        if failures == 1 or self.first_failure is None or expired:
            return Lockout(1, now, None)
        if failures >= MAX_FAILURES:
            return Lockout(failures, self.first_failure, now + LOCK_THRESHOLD)
        return Lockout(failures, self.first_failure, self.lock_expires)
