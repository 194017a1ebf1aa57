"""Magento's text values ↔ typed columns, losslessly.

Events carry EAV values as Magento stores them (text). The catalog keeps the common attributes
in typed columns and everything else in a jsonb per store; a value that would not survive the
round trip (say a status "01") stays text in the jsonb, so rebuilding gives the event back
exactly. A common attribute present with NULL is kept in the jsonb as an explicit null.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation

from ficus_catalog.errors import InvalidEvent
from ficus_contracts.events import AttributeValue

MAGENTO_DATETIME = "%Y-%m-%d %H:%M:%S"

TEXT_COLUMNS = ("name", "url_key", "description", "short_description")
DECIMAL_COLUMNS = ("price", "special_price", "weight")
INT_COLUMNS = ("status", "visibility")
COMMON_ATTRIBUTES = TEXT_COLUMNS + DECIMAL_COLUMNS + INT_COLUMNS

_INT4 = 2**31

Column = str | Decimal | int | None


def parse_datetime(text: str, field: str) -> datetime:
    try:
        value = datetime.strptime(text, MAGENTO_DATETIME)  # noqa: DTZ007 - Magento stores UTC
    except ValueError as exc:
        raise InvalidEvent(f"{field}: {text!r} is not 'YYYY-MM-DD HH:MM:SS'") from exc
    if format_datetime(value) != text:
        raise InvalidEvent(f"{field}: {text!r} does not round-trip")
    return value


def format_datetime(value: datetime) -> str:
    return value.strftime(MAGENTO_DATETIME)


def exact_decimal(text: str) -> Decimal | None:
    """`Decimal(text)` if it prints back as `text`, else None."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and str(value) == text else None


def exact_int(text: str) -> int | None:
    """`int(text)` if it prints back as `text` and fits an int4, else None."""
    try:
        value = int(text)
    except ValueError:
        return None
    return value if str(value) == text and -_INT4 <= value < _INT4 else None


def required_decimal(text: str | None, field: str) -> Decimal | None:
    if text is None:
        return None
    value = exact_decimal(text)
    if value is None:
        raise InvalidEvent(f"{field}: {text!r} is not a plain decimal")
    return value


def _typed(code: str, text: str) -> Column:
    if code in DECIMAL_COLUMNS:
        return exact_decimal(text)
    if code in INT_COLUMNS:
        return exact_int(text)
    return text


def split_attributes(
    values: Mapping[str, AttributeValue],
) -> tuple[dict[str, Column], dict[str, AttributeValue]]:
    """One store's attributes → (typed common columns, jsonb of the rest)."""
    columns: dict[str, Column] = dict.fromkeys(COMMON_ATTRIBUTES)
    extra: dict[str, AttributeValue] = {}
    for code, text in values.items():
        typed = _typed(code, text) if code in columns and text is not None else None
        if typed is None:
            extra[code] = text
        else:
            columns[code] = typed
    return columns, extra


def join_attributes(
    columns: Mapping[str, Column], extra: Mapping[str, AttributeValue]
) -> dict[str, AttributeValue]:
    """The inverse of `split_attributes`, keys in code order."""
    values: dict[str, AttributeValue] = dict(extra)
    for code in COMMON_ATTRIBUTES:
        column = columns.get(code)
        if column is not None:
            values[code] = str(column)
    return {code: values[code] for code in sorted(values)}
