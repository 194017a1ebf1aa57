"""Magento metadata read at run time: EAV attributes by code, and stores/websites.

Attribute ids depend on the install, so nothing here is hard-coded: everything is looked up
by (entity type code, attribute_code) from `eav_entity_type`, `eav_attribute` and
`catalog_eav_attribute` (scope: is_global 0 = store view, 1 = global, 2 = website).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from ficus_legacy.errors import UnknownAttribute, UnknownEntityType, UnknownStore
from ficus_legacy.types import Connection

BACKEND_TYPES = ("varchar", "int", "decimal", "text", "datetime")


class Scope(enum.StrEnum):
    STORE = "store"
    GLOBAL = "global"
    WEBSITE = "website"

    @classmethod
    def from_is_global(cls, is_global: int | None) -> Scope:
        """Map `catalog_eav_attribute.is_global` (absent = global) to a scope."""
        if is_global is None:
            return cls.GLOBAL
        return {0: cls.STORE, 2: cls.WEBSITE}.get(is_global, cls.GLOBAL)


@dataclass(frozen=True)
class EntityType:
    entity_type_id: int
    code: str
    entity_table: str
    default_attribute_set_id: int

    @property
    def store_scoped(self) -> bool:
        """Catalog value tables carry store_id; customer ones do not."""
        return self.entity_table.startswith("catalog_")


@dataclass(frozen=True)
class Attribute:
    attribute_id: int
    entity_type: EntityType
    code: str
    backend_type: str
    frontend_input: str | None
    scope: Scope
    is_required: bool
    default_value: str | None
    backend_table: str | None = None
    frontend_label: str | None = None  # the admin label (store labels: eav_attribute_label)

    @property
    def is_static(self) -> bool:
        return self.backend_type == "static"

    @property
    def value_table(self) -> str:
        """The `<entity_table>_<backend_type>` table holding this attribute's values."""
        return self.backend_table or f"{self.entity_type.entity_table}_{self.backend_type}"


_ATTRIBUTES_SQL = """
SELECT a.attribute_id, a.entity_type_id, a.attribute_code, a.backend_type, a.frontend_input,
       a.is_required, a.default_value, a.backend_table, c.is_global, a.frontend_label
FROM eav_attribute a LEFT JOIN catalog_eav_attribute c ON c.attribute_id = a.attribute_id
ORDER BY a.attribute_id
"""


class AttributeCatalog:
    """Every EAV attribute of the install, by (entity type code, attribute code) and by id."""

    def __init__(self, types: list[EntityType], attributes: list[Attribute]) -> None:
        self._types = {t.code: t for t in reversed(types)}  # first id wins for a repeated code
        self._by_code = {(a.entity_type.code, a.code): a for a in attributes}
        self._by_id = {a.attribute_id: a for a in attributes}

    @classmethod
    def load(cls, conn: Connection) -> AttributeCatalog:
        """Read eav_entity_type, eav_attribute and catalog_eav_attribute."""
        with conn.cursor() as cur:
            cur.execute(
                "SELECT entity_type_id, entity_type_code, entity_table, default_attribute_set_id"
                " FROM eav_entity_type ORDER BY entity_type_id"
            )
            types = [EntityType(int(i), c, t or "", int(s)) for i, c, t, s in cur.fetchall()]
            cur.execute(_ATTRIBUTES_SQL)
            rows: list[tuple[Any, ...]] = list(cur.fetchall())
        by_id = {t.entity_type_id: t for t in types}
        return cls(types, [_attribute(row, by_id) for row in rows])

    def entity_type(self, code: str) -> EntityType:
        try:
            return self._types[code]
        except KeyError:
            raise UnknownEntityType(code) from None

    def get(self, entity_type: str, code: str) -> Attribute:
        """The attribute `code` of `entity_type` (e.g. "catalog_product", "name")."""
        try:
            return self._by_code[(entity_type, code)]
        except KeyError:
            raise UnknownAttribute(entity_type, code) from None

    def find(self, entity_type: str, code: str) -> Attribute | None:
        return self._by_code.get((entity_type, code))

    def attribute_id(self, entity_type: str, code: str) -> int:
        return self.get(entity_type, code).attribute_id

    def by_id(self, attribute_id: int) -> Attribute:
        return self._by_id[attribute_id]

    def of(self, entity_type: str) -> list[Attribute]:
        """Every attribute of `entity_type`, by id."""
        return [a for (t, _), a in self._by_code.items() if t == entity_type]


def _attribute(row: tuple[Any, ...], types: dict[int, EntityType]) -> Attribute:
    attribute_id, type_id, code, backend, frontend, required, default, table, is_global, label = row
    return Attribute(
        attribute_id=int(attribute_id),
        entity_type=types[int(type_id)],
        code=code,
        backend_type=backend,
        frontend_input=frontend,
        scope=Scope.from_is_global(None if is_global is None else int(is_global)),
        is_required=bool(required),
        default_value=default,
        backend_table=table,
        frontend_label=label,
    )


@dataclass(frozen=True)
class StoreView:
    store_id: int
    code: str
    website_id: int
    group_id: int
    name: str
    is_active: bool


@dataclass(frozen=True)
class Website:
    website_id: int
    code: str
    name: str
    default_group_id: int


class Stores:
    """Store views and websites; store 0 (admin) is the default scope of EAV values."""

    def __init__(self, views: list[StoreView], websites: list[Website]) -> None:
        self.views = tuple(sorted(views, key=lambda v: v.store_id))
        self.websites = tuple(sorted(websites, key=lambda w: w.website_id))
        self._by_id = {v.store_id: v for v in self.views}
        self._by_code = {v.code: v for v in self.views}

    @classmethod
    def load(cls, conn: Connection) -> Stores:
        """Read `store` and `store_website`."""
        with conn.cursor() as cur:
            cur.execute("SELECT store_id, code, website_id, group_id, name, is_active FROM store")
            views = [StoreView(int(i), c, int(w), int(g), n, bool(a)) for i, c, w, g, n, a in cur]
            cur.execute("SELECT website_id, code, name, default_group_id FROM store_website")
            websites = [Website(int(i), c, n, int(g)) for i, c, n, g in cur]
        return cls(views, websites)

    def by_id(self, store_id: int) -> StoreView:
        try:
            return self._by_id[store_id]
        except KeyError:
            raise UnknownStore(store_id) from None

    def by_code(self, code: str) -> StoreView:
        try:
            return self._by_code[code]
        except KeyError:
            raise UnknownStore(code) from None

    def website_of(self, store_id: int) -> int:
        return self.by_id(store_id).website_id

    def views_of_website(self, website_id: int) -> list[StoreView]:
        """The store views (never store 0) of a website."""
        return [v for v in self.views if v.website_id == website_id and v.store_id != 0]

    def active_views(self) -> list[StoreView]:
        """Active store views other than the admin store 0."""
        return [v for v in self.views if v.store_id != 0 and v.is_active]

    def website(self, website_id: int) -> Website:
        for site in self.websites:
            if site.website_id == website_id:
                return site
        raise UnknownStore(website_id)
