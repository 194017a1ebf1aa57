"""Errors of the customer service, each carrying Magento's REST error body and HTTP status.

CustomerError                500  (what the service raises on purpose)
 ├── NoSuchEntity            404  unknown customer, address, store code, route
 ├── InputError              400  invalid input, malformed JSON, duplicate email, bad criteria
 ├── AuthenticationFailed    401  bad credentials, locked account, bad current password
 ├── NotAuthorized           401  missing/invalid/revoked token, a token of the wrong kind
 ├── Unavailable             503  no Magento id left in the pool (+ Retry-After)
 ├── InvalidEvent            → dead letter (also a ficus_feed InvalidEvent)
 └── MissingSetting          the service refuses to start (exit code 2)
"""

from __future__ import annotations

from typing import Any

from ficus_feed import errors as feed_errors

NO_SUCH_FIELD = "No such entity with %fieldName = %fieldValue"
REQUIRED = '"%fieldName" is required. Enter and try again.'
INVALID = 'Invalid value of "%value" provided for the %fieldName field.'
BAD_SIGN_IN = (
    "The account sign-in was incorrect or your account is disabled temporarily. "
    "Please wait and try again later."
)
NOT_AUTHORIZED = "The consumer isn't authorized to access %resources."


class CustomerError(Exception):
    """Base: `message` (with %placeholders) and `parameters` form Magento's body."""

    status = 500

    def __init__(self, message: str, parameters: dict[str, Any] | list[Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.parameters = parameters or {}

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message}
        if self.parameters:
            out["parameters"] = self.parameters
        return out


class NoSuchEntity(CustomerError):
    status = 404

    @classmethod
    def field(cls, name: str, value: object) -> NoSuchEntity:
        return cls(NO_SUCH_FIELD, {"fieldName": name, "fieldValue": value})


class InputError(CustomerError):
    status = 400

    @classmethod
    def required(cls, name: str) -> InputError:
        return cls(REQUIRED, {"fieldName": name})

    @classmethod
    def invalid(cls, name: str, value: object) -> InputError:
        return cls(INVALID, {"fieldName": name, "value": value})


class AuthenticationFailed(CustomerError):
    status = 401


class NotAuthorized(CustomerError):
    status = 401

    @classmethod
    def resources(cls, resources: str) -> NotAuthorized:
        return cls(NOT_AUTHORIZED, {"resources": resources})


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
