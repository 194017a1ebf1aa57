"""Errors of the Magento stand-in, each carrying Magento's REST error body and HTTP status.

MagentoError                 500 (anything unexpected is reported as 500 too)
 ├── NoSuchEntity            404  unknown sku, id, cart, route
 ├── InputError              400  invalid input, malformed JSON, bad searchCriteria
 ├── AuthenticationFailed    401  bad credentials, missing/invalid/expired token
 └── NotAuthorized           401  a token of the wrong kind for the route
"""

from __future__ import annotations

from typing import Any

PRODUCT_NOT_FOUND = (
    "The product that was requested doesn't exist. Verify the product and try again."
)
ENTITY_NOT_FOUND = "The entity that was requested doesn't exist. Verify the entity and try again."
NO_SUCH_FIELD = "No such entity with %fieldName = %fieldValue"
BAD_SIGN_IN = (
    "The account sign-in was incorrect or your account is disabled temporarily. "
    "Please wait and try again later."
)
REQUIRED = '"%fieldName" is required. Enter and try again.'
INVALID = 'Invalid value of "%value" provided for the %fieldName field.'


class MagentoError(Exception):
    """Base of every stand-in error: `message` (with %placeholders) and `parameters` form the
    body `{"message": ..., "parameters": {...}}`; `status` is the HTTP status code."""

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


class NoSuchEntity(MagentoError):
    status = 404

    @classmethod
    def field(cls, name: str, value: object) -> NoSuchEntity:
        return cls(NO_SUCH_FIELD, {"fieldName": name, "fieldValue": value})


class InputError(MagentoError):
    status = 400

    @classmethod
    def required(cls, name: str) -> InputError:
        return cls(REQUIRED, {"fieldName": name})

    @classmethod
    def invalid(cls, name: str, value: object) -> InputError:
        return cls(INVALID, {"fieldName": name, "value": value})


class AuthenticationFailed(MagentoError):
    status = 401


class NotAuthorized(MagentoError):
    status = 401

    @classmethod
    def resources(cls, resources: str) -> NotAuthorized:
        return cls("The consumer isn't authorized to access %resources.", {"resources": resources})
