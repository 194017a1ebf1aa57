"""Magento's REST error answers (pure): each error carries Magento's message (with `%name` or
`%1` placeholders), its parameters and the HTTP status Magento's webapi answers with, so every
side that answers as Magento (the stand-in, the services) maps an error once, the same way.

WebapiError                  500
 ├── NoSuchEntity            404  NoSuchEntityException (`No such entity with %fieldName = …`)
 ├── InputError              400  InputException, LocalizedException of a bad input
 ├── AuthenticationFailed    401  AuthenticationException / InvalidEmailOrPasswordException
 └── NotAuthorized           401  AuthorizationException (`The consumer isn't authorized …`)
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BAD_SIGN_IN",
    "INVALID",
    "NOT_AUTHORIZED",
    "NO_SUCH_FIELD",
    "REQUIRED",
    "AuthenticationFailed",
    "InputError",
    "NoSuchEntity",
    "NotAuthorized",
    "WebapiError",
]

NO_SUCH_FIELD = "No such entity with %fieldName = %fieldValue"
REQUIRED = '"%fieldName" is required. Enter and try again.'
INVALID = 'Invalid value of "%value" provided for the %fieldName field.'
BAD_SIGN_IN = (
    "The account sign-in was incorrect or your account is disabled temporarily. "
    "Please wait and try again later."
)
NOT_AUTHORIZED = "The consumer isn't authorized to access %resources."


class WebapiError(Exception):
    """`message` and `parameters` form Magento's body `{"message": …, "parameters": …}`."""

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


class NoSuchEntity(WebapiError):
    status = 404

    @classmethod
    def field(cls, name: str, value: object) -> NoSuchEntity:
        return cls(NO_SUCH_FIELD, {"fieldName": name, "fieldValue": value})


class InputError(WebapiError):
    status = 400

    @classmethod
    def required(cls, name: str) -> InputError:
        return cls(REQUIRED, {"fieldName": name})

    @classmethod
    def invalid(cls, name: str, value: object) -> InputError:
        return cls(INVALID, {"fieldName": name, "value": value})


class AuthenticationFailed(WebapiError):
    status = 401


class NotAuthorized(WebapiError):
    status = 401

    @classmethod
    def resources(cls, resources: str) -> NotAuthorized:
        return cls(NOT_AUTHORIZED, {"resources": resources})
