"""The stand-in's own error messages. Magento's REST errors themselves (WebapiError and its
NoSuchEntity 404, InputError 400, AuthenticationFailed 401, NotAuthorized 401) are
`ficus_legacy.core.webapi_errors`, one copy for the stand-in and the services."""

from __future__ import annotations

PRODUCT_NOT_FOUND = (
    "The product that was requested doesn't exist. Verify the product and try again."
)
ENTITY_NOT_FOUND = "The entity that was requested doesn't exist. Verify the entity and try again."
