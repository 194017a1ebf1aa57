"""What a search asks and what it answers, independent of the engine (pure).

Matching rule, the same on both engines: every word of `text` must occur in the document's
searchable text (name, sku, children's skus and names, descriptions), the last word as a
prefix — or the sku starts with `text`. Filters are ANDed; `category_ids` matches any of its
ids. Facets count the matching documents per category id and per price step.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal

from ficus_legacy.core.criteriabounds import MAX_EXPONENT
from ficus_search.core.document import VISIBLE_IN_CATALOG, VISIBLE_IN_SEARCH
from ficus_search.core.errors import BadQuery
from ficus_search.core.text import words

MAX_WORDS = 16
MAX_RESULT_WINDOW = 10_000
MAX_ID = 2**31 - 1  # ids are Postgres integers


class Sort(enum.StrEnum):
    RELEVANCE = "relevance"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    NAME_ASC = "name_asc"
    NAME_DESC = "name_desc"
    ID = "id"


@dataclass(frozen=True)
class SearchQuery:
    store_id: int
    text: str | None = None
    category_ids: tuple[int, ...] = ()
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool | None = None
    sort: Sort = Sort.RELEVANCE
    page: int = 1
    page_size: int = 20
    facets: bool = True
    price_step: int = 50
    visibility: tuple[int, ...] = field(default=VISIBLE_IN_CATALOG)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    @property
    def words(self) -> list[str]:
        return words(self.text or "")

    @property
    def effective_sort(self) -> Sort:
        if self.sort is Sort.RELEVANCE and not self.text:
            return Sort.ID
        return self.sort


def make_query(
    store_id: int,
    *,
    text: str | None,
    max_length: int,
    max_page_size: int,
    category_ids: tuple[int, ...] = (),
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    in_stock: bool | None = None,
    sort: str | None = None,
    page: int = 1,
    page_size: int = 20,
    price_step: int = 50,
    facets: bool = True,
) -> SearchQuery:
    """Validate a request into a SearchQuery; raises BadQuery with a message for the client."""
    if text is not None:
        _check_text(text, max_length)
    if page < 1:
        raise BadQuery("page must be 1 or more", "page")
    if not 1 <= page_size <= max_page_size:
        raise BadQuery(f"page size must be between 1 and {max_page_size}", "page_size")
    if page * page_size > MAX_RESULT_WINDOW:
        raise BadQuery(f"page × page size must not exceed {MAX_RESULT_WINDOW}", "page")
    _check_bounds(category_ids, price_min, price_max)
    if price_min is not None and price_max is not None and price_min > price_max:
        raise BadQuery("price_min must not exceed price_max", "price_min")
    try:
        chosen = Sort(sort) if sort else Sort.RELEVANCE
    except ValueError:
        allowed = ", ".join(s.value for s in Sort)
        raise BadQuery(f'unknown sort "{sort}"; use one of: {allowed}', "sort") from None
    return SearchQuery(
        store_id=store_id,
        text=text.strip() if text is not None else None,
        category_ids=category_ids,
        price_min=price_min,
        price_max=price_max,
        in_stock=in_stock,
        sort=chosen,
        page=page,
        page_size=page_size,
        facets=facets,
        price_step=price_step,
        visibility=VISIBLE_IN_SEARCH if text else VISIBLE_IN_CATALOG,
    )


def _check_bounds(
    category_ids: tuple[int, ...], price_min: Decimal | None, price_max: Decimal | None
) -> None:
    """Ids an integer column holds; prices finite and within ±1e300 (a float of them is
    finite), so no comparison raises and no engine refuses them."""
    for category in category_ids:
        if not 0 <= category <= MAX_ID:
            raise BadQuery(f"category id {category} is out of range (0 to {MAX_ID})", "category")
    for name, price in (("price_min", price_min), ("price_max", price_max)):
        if price is None or not price:
            continue
        if not price.is_finite() or abs(price.adjusted()) > MAX_EXPONENT:
            raise BadQuery(f"{name} must be a finite number within ±1e{MAX_EXPONENT}", name)


def _check_text(text: str, max_length: int) -> None:
    if "\x00" in text:
        raise BadQuery("the search query must not contain a NUL character", "q")
    if not text.strip():
        raise BadQuery("the search query is empty: give at least one word", "q")
    if len(text) > max_length:
        raise BadQuery(
            f"the search query is too long ({len(text)} characters; at most {max_length})", "q"
        )
    if not words(text):
        raise BadQuery("the search query has no word to search for", "q")
    if len(words(text)) > MAX_WORDS:
        raise BadQuery(f"the search query has too many words (at most {MAX_WORDS})", "q")


@dataclass(frozen=True)
class Hit:
    entity_id: int
    score: float


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    total: int
    category_facet: list[FacetValue]
    price_facet: list[FacetValue]  # value "from_to", e.g. "50_100"
    engine: str

    @property
    def ids(self) -> list[int]:
        return [hit.entity_id for hit in self.hits]


def price_bucket(low: Decimal, step: int) -> str:
    return f"{int(low)}_{int(low) + step}"
