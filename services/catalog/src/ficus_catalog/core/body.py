"""Response bodies as bytes: a product's stored Magento JSON, and a searchCriteria page
assembled from the stored JSON of its items without parsing them again."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import orjson


def json_bytes(value: Any) -> bytes:
    """`value` exactly as Starlette's `JSONResponse` (the stand-in's) renders it. Used when a
    product is rendered at apply time: orjson writes some floats differently (`1e16`, not
    `1e+16`), and the stored bytes must be the stand-in's."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.encode("utf-8")


def page_body(items: Sequence[bytes], search_criteria: dict[str, Any], total: int) -> bytes:
    """Magento's `GET /V1/products` body from stored item bodies. The echoed criteria hold
    only strings and integers, where orjson writes what `json_bytes` would."""
    return b"".join(
        (
            b'{"items":[',
            b",".join(items),
            b'],"search_criteria":',
            orjson.dumps(search_criteria),
            b',"total_count":',
            str(total).encode(),
            b"}",
        )
    )
