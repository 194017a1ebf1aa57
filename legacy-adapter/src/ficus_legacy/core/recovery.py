"""Magento 2.4.8's password reset and account confirmation rules (pure), as
`Customer\\Model\\AccountManagement` applies them, for every side that answers as Magento.

- `initiatePasswordReset(email, template, websiteId)`: a new `rp_token` (32 hex characters,
  `Math\\Random::getUniqueHash`) and `rp_token_created_at` = now; the template must be
  `email_reminder` or `email_reset`. (Magento then mails the link; Ficus sends no mail.)
- `resetPassword` / `validateResetPasswordLinkToken`: the token must equal the stored one and be
  younger than `customer/password/reset_link_expiration_period` (2 hours by default).
- `activate` / `activateById`: a customer whose `confirmation` is empty is already active; the
  key must equal `confirmation`, which activation clears. `resendConfirmation` needs one.
- `getConfirmationStatus`: with `customer/create_account/confirm` off (the default) every
  account answers `account_confirmation_not_required`.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from ficus_legacy.core.webapi_errors import InputError, NoSuchEntity

__all__ = [
    "ACCOUNT_CONFIRMATION_NOT_REQUIRED",
    "ACCOUNT_CONFIRMATION_REQUIRED",
    "ACCOUNT_CONFIRMED",
    "RESET_LINK_PERIOD",
    "TEMPLATES",
    "check_activation",
    "check_reset_token",
    "check_resend",
    "check_template",
    "confirmation_status",
    "new_token",
    "no_such_email",
]

RESET_LINK_PERIOD = timedelta(hours=2)
TEMPLATES = ("email_reminder", "email_reset")
ACCOUNT_CONFIRMED = "account_confirmed"
ACCOUNT_CONFIRMATION_REQUIRED = "account_confirmation_required"
ACCOUNT_CONFIRMATION_NOT_REQUIRED = "account_confirmation_not_required"
TOKEN_MISMATCH = "The password token is mismatched. Reset and try again."  # noqa: S105
TOKEN_EXPIRED = "The password token is expired. Reset and try again."  # noqa: S105
ALREADY_ACTIVE = "The account is already active."
KEY_MISMATCH = "The confirmation token is invalid. Verify the token and try again."
NOT_NEEDED = "Confirmation isn't needed."
_BAD_TEMPLATE = (
    'Invalid value of "%value" provided for the %fieldName field. '
    "Possible values: %template1 or %template2."
)
_NO_SUCH_EMAIL = "No such entity with %fieldName = %fieldValue, %field2Name = %field2Value"


def new_token() -> str:
    """A reset token as `Math\\Random::getUniqueHash` makes them (32 hex characters)."""
    return secrets.token_hex(16)


def check_template(template: object) -> None:
    """`handleUnknownTemplate`: only Magento's two reset mail templates are known."""
    if template not in TEMPLATES:
        params = {"value": template, "fieldName": "template"}
        raise InputError(
            _BAD_TEMPLATE, {**params, "template1": TEMPLATES[0], "template2": TEMPLATES[1]}
        )


def no_such_email(email: str, website_id: int | None) -> NoSuchEntity:
    """`CustomerRepository::get(email, websiteId)` of an unknown customer."""
    params = {"fieldName": "email", "fieldValue": email}
    return NoSuchEntity(
        _NO_SUCH_EMAIL, {**params, "field2Name": "websiteId", "field2Value": website_id}
    )


def check_reset_token(
    stored: str | None, created_at: datetime | None, given: object, now: datetime
) -> None:
    """`validateResetPasswordToken`: the given token is the stored one and not expired."""
    if not isinstance(given, str) or not given:
        raise InputError.required("resetPasswordLinkToken")
    if stored is None or not secrets.compare_digest(stored.encode(), given.encode()):
        raise InputError(TOKEN_MISMATCH)
    if created_at is None or now - created_at > RESET_LINK_PERIOD:
        raise InputError(TOKEN_EXPIRED)


def check_activation(confirmation: str | None, key: object) -> None:
    """`activateCustomer`: the account waits for exactly this key."""
    if not confirmation:
        raise InputError(ALREADY_ACTIVE)
    if key != confirmation:
        raise InputError(KEY_MISMATCH)


def check_resend(confirmation: str | None) -> None:
    """`resendConfirmation`: only an account waiting for confirmation gets the mail again."""
    if not confirmation:
        raise InputError(NOT_NEEDED)


def confirmation_status(confirmation: str | None, required: bool = False) -> str:
    """`getConfirmationStatus` under `customer/create_account/confirm` = `required`."""
    if not required:
        return ACCOUNT_CONFIRMATION_NOT_REQUIRED
    return ACCOUNT_CONFIRMATION_REQUIRED if confirmation else ACCOUNT_CONFIRMED
