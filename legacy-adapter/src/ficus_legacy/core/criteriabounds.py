"""Bounds on every searchCriteria value, checked before anything converts it (pure).

A query string is attacker-controlled: `int(Decimal("1e999999999"))` holds the GIL for
minutes, `Decimal("NaN") > 1` raises, a 5,000-digit index overflows `int()`'s string limit,
and a NUL byte makes Postgres refuse the statement. Every reader of searchCriteria — the
stand-in, the catalog, the search service — parses through `ficus_legacy.core.searchcriteria`,
which checks here, and converts numbers only with `number()` / `number_prefix()`.

The answer is Magento's 400 body (`SearchCriteriaError`: `message` with %placeholders,
`parameters`). Magento itself has no bound on most of these; the closest of its messages is
used for each:

    a filter/field value too long, with a NUL byte,  'Invalid value of "%value" provided for the
    a number out of range, NaN or Infinity            %fieldName field.' (value shortened)
    an index that is not 0-9 digits (≤ 9)
    pageSize / currentPage not an int in range        'The "%value" value's type is invalid. The
                                                      "%type" type was expected. …' (Magento's
                                                      answer to an int that overflows PHP's int)
    pageSize above MAX_PAGE                           'Maximum SearchCriteria pageSize is %max'
    more groups / filters / sort orders than          'Maximum items of type "%type" is %max'
      MAX_ITEMS                                       (Magento's EntityArrayValidator, whose
                                                      default complex-array limit is 20)
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

__all__ = [
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "MAX_ITEMS",
    "MAX_PAGE",
    "MAX_VALUE_LENGTH",
    "SearchCriteriaError",
    "check_count",
    "check_index",
    "check_text",
    "number",
    "number_prefix",
    "page_number",
]

REQUIRED_MESSAGE = '"%fieldName" is required. Enter and try again.'
INVALID_MESSAGE = 'Invalid value of "%value" provided for the %fieldName field.'
TYPE_MESSAGE = (
    'The "%value" value\'s type is invalid. The "%type" type was expected. Verify and try again.'
)
PAGE_SIZE_MESSAGE = "Maximum SearchCriteria pageSize is %max"
ITEMS_MESSAGE = 'Maximum items of type "%type" is %max'

MAX_VALUE_LENGTH = 2048  # characters of a field name, value, condition or direction
MAX_DIGITS = 64  # significant digits of a number (Magento's decimals have 20)
MAX_EXPONENT = 300  # |magnitude| of a number: a float() of it stays finite
MAX_ITEMS = 20  # filter groups, filters in a group, sort orders
MAX_INDEX_DIGITS = 9
MAX_PAGE = 2**31 - 1  # pageSize, currentPage: (page - 1) × size fits a 64-bit OFFSET
ECHO_LENGTH = 64  # characters of an offending value quoted back

_INDEX = re.compile(rf"[0-9]{{1,{MAX_INDEX_DIGITS}}}")
_PAGE = re.compile(rf"\s*-?[0-9]{{1,{len(str(MAX_PAGE))}}}\s*")
# MariaDB's reading of a string as a number: the longest numeric prefix ("12abc" is 12).
_PREFIX = re.compile(
    r"\s*(?P<sign>[-+]?)(?P<int>[0-9]*)(?:\.(?P<frac>[0-9]*))?(?:[eE](?P<exp>[-+]?[0-9]+))?"
)


class SearchCriteriaError(ValueError):
    """An invalid searchCriteria parameter; `message`/`parameters` form Magento's 400 body."""

    def __init__(self, message: str, parameters: dict[str, Any]) -> None:
        super().__init__(message)
        self.message = message
        self.parameters = parameters


def _echo(value: object) -> object:
    if isinstance(value, str) and len(value) > ECHO_LENGTH:
        return value[:ECHO_LENGTH] + "…"
    return value if isinstance(value, str | int | None) else "(nested parameters)"


def invalid(value: object, field_name: str) -> SearchCriteriaError:
    """Magento's "Invalid value" error, the value shortened for the echo."""
    return SearchCriteriaError(INVALID_MESSAGE, {"value": _echo(value), "fieldName": field_name})


def check_text(value: str, field_name: str) -> str:
    """A field name, value, condition or direction: bounded length, no NUL, bounded numbers."""
    if len(value) > MAX_VALUE_LENGTH or "\x00" in value:
        raise invalid(value, field_name)
    for part in value.split(","):
        number_prefix(part, field_name)
    return value


def check_index(index: str, field_name: str) -> int:
    """A `[N]` index of filter_groups, filters or sort_orders."""
    if not _INDEX.fullmatch(index):
        raise invalid(index, field_name)
    return int(index)


def check_count(count: int, item_type: str) -> None:
    if count > MAX_ITEMS:
        raise SearchCriteriaError(ITEMS_MESSAGE, {"type": item_type, "max": MAX_ITEMS})


def page_number(raw: object, field_name: str) -> int:
    """pageSize or currentPage: an int from 0 to MAX_PAGE."""
    if not isinstance(raw, str) or not _PAGE.fullmatch(raw):
        raise SearchCriteriaError(
            TYPE_MESSAGE, {"value": _echo(raw), "type": "int", "fieldName": field_name}
        )
    value = int(raw)
    if value < 0:
        raise invalid(raw, field_name)
    if value > MAX_PAGE:
        if field_name.endswith("[page_size]"):
            raise SearchCriteriaError(PAGE_SIZE_MESSAGE, {"max": MAX_PAGE})
        raise invalid(raw, field_name)
    return value


def _magnitude(whole: str, fraction: str, exponent: int) -> int | None:
    """The decimal exponent of the first significant digit; None for zero."""
    if whole.lstrip("0"):
        return len(whole.lstrip("0")) - 1 + exponent
    if fraction.lstrip("0"):
        return exponent - (len(fraction) - len(fraction.lstrip("0")) + 1)
    return None


def number_prefix(text: str, field_name: str) -> Decimal | None:
    """The numeric prefix of `text` as MariaDB reads it ("12abc" is 12), or None when there is
    none; more than MAX_DIGITS significant digits or a magnitude beyond ±MAX_EXPONENT is the
    400, before any conversion."""
    found = _PREFIX.match(text)
    assert found is not None  # every part of the pattern is optional
    whole, fraction, exponent = found["int"] or "", found["frac"] or "", found["exp"] or "0"
    if not whole and not fraction:
        return None
    significant = (whole + fraction).strip("0")
    if len(significant) > MAX_DIGITS or len(exponent.lstrip("+-")) > 6:
        raise invalid(text, field_name)
    magnitude = _magnitude(whole, fraction, int(exponent))
    if magnitude is not None and abs(magnitude) > MAX_EXPONENT:
        raise invalid(text, field_name)
    return Decimal(found.group(0).strip())


def number(text: str, field_name: str) -> Decimal:
    """`text` as a whole, finite, bounded number: no NaN, no Infinity, no `1_000`, no other
    script's digits; else the 400."""
    if len(text) > MAX_VALUE_LENGTH or not _PREFIX.fullmatch(text.strip()):
        raise invalid(text, field_name)
    value = number_prefix(text, field_name)
    if value is None:
        raise invalid(text, field_name)
    return value
