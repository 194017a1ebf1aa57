"""Errors of the customer service. Magento's REST errors are `ficus_legacy.core.webapi_errors`
(re-exported here); the service's own derive from `CustomerError`, itself one of them.

WebapiError (ficus_legacy)   status and body as Magento answers
 ├── NoSuchEntity            404  unknown customer, address, store code
 ├── InputError              400  invalid input, malformed JSON, duplicate email, bad criteria
 ├── AuthenticationFailed    401  bad credentials, locked account, bad current password
 ├── NotAuthorized           401  missing/invalid/revoked token, a token of the wrong kind
 └── CustomerError           500  what the service raises on purpose beyond Magento's
      ├── Unavailable        503  no Magento id left in the pool (+ Retry-After)
      ├── InvalidEvent       → dead letter (also a ficus_feed InvalidEvent)
      └── MissingSetting     the service refuses to start (exit code 2)
"""

from __future__ import annotations

from ficus_feed import errors as feed_errors
from ficus_legacy.core.webapi_errors import (
    BAD_SIGN_IN,
    AuthenticationFailed,
    InputError,
    NoSuchEntity,
    NotAuthorized,
    WebapiError,
)

__all__ = [
    "BAD_SIGN_IN",
    "AuthenticationFailed",
    "CustomerError",
    "InputError",
    "InvalidEvent",
    "MissingSetting",
    "NoSuchEntity",
    "NotAuthorized",
    "Unavailable",
    "WebapiError",
]


class CustomerError(WebapiError):
    """Base of the errors only the customer service raises."""


class Unavailable(CustomerError):
    """The write cannot be taken now; the client retries after `retry_after` seconds."""

    status = 503

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class InvalidEvent(CustomerError, feed_errors.InvalidEvent):
    """The event cannot be applied as it is; it goes to the dead-letter table."""


class MissingSetting(CustomerError):
    """A setting the service cannot run without."""
