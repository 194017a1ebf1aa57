"""Magento's REST request body rules (pure): the body must be a JSON object (Magento's
`Webapi\\Rest\\Request\\Deserializer\\Json` answers 400 "Decoding error." otherwise) and a
service argument that is an object (`customer`, `product`, `cartItem`) is required.
"""

from __future__ import annotations

import json
from typing import Any

from ficus_legacy.core.webapi_errors import InputError

__all__ = ["DECODING_ERROR", "decode_object", "section"]

DECODING_ERROR = "Decoding error."


def decode_object(raw: bytes) -> dict[str, Any]:
    """The body's JSON object; `InputError("Decoding error.")` when it is not one."""
    try:
        data = json.loads(raw or b"null")
    except ValueError as exc:
        raise InputError(DECODING_ERROR) from exc
    if not isinstance(data, dict):
        raise InputError(DECODING_ERROR)
    return data


def section(body: dict[str, Any], key: str) -> dict[str, Any]:
    """A required object inside the body; Magento's `"%fieldName" is required` otherwise."""
    value = body.get(key)
    if not isinstance(value, dict):
        raise InputError.required(key)
    return value
