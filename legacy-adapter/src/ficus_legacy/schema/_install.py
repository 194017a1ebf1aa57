"""Create Magento's tables and insert the rows a fresh Magento 2.4.8 install holds."""

from __future__ import annotations

from datetime import datetime

from pymysql.cursors import Cursor

from ficus_legacy import roles
from ficus_legacy.schema._attributes import BY_ENTITY_TYPE, AttributeDef
from ficus_legacy.schema._ddl_authorization import AUTHORIZATION
from ficus_legacy.schema._ddl_catalog import CATALOG
from ficus_legacy.schema._ddl_customer_stock import CUSTOMER_STOCK
from ficus_legacy.schema._ddl_integration import INTEGRATION
from ficus_legacy.schema._ddl_jwt import JWT
from ficus_legacy.schema._ddl_quote import QUOTE
from ficus_legacy.schema._ddl_sales import SALES
from ficus_legacy.schema._ddl_store_eav import STORE_EAV, TAIL
from ficus_legacy.schema._sequence_ddl import SEQUENCE_ENTITY_TYPES, create_store_sequences
from ficus_legacy.types import Connection

DDL: tuple[tuple[str, str], ...] = (
    *STORE_EAV, *CATALOG, *CUSTOMER_STOCK, *QUOTE, *SALES, *JWT, *AUTHORIZATION, *INTEGRATION,
)  # fmt: skip
INSTALL_STORES = (0, 1)
TABLES: tuple[str, ...] = (
    *(name for name, _ in DDL),
    *(f"sequence_{kind}_{store}" for store in INSTALL_STORES for kind in SEQUENCE_ENTITY_TYPES),
)

_NS = "Magento\\"
_ENTITY_TYPES = (
    # id, code, entity_model, attribute_model, table, default set, additional table, increment
    (1, "customer", "Customer\\Model\\ResourceModel\\Customer", "Customer\\Model\\Attribute",
     "customer_entity", "customer_eav_attribute", True),
    (2, "customer_address", "Customer\\Model\\ResourceModel\\Address",
     "Customer\\Model\\Attribute", "customer_address_entity", "customer_eav_attribute", False),
    (3, "catalog_category", "Catalog\\Model\\ResourceModel\\Category",
     "Catalog\\Model\\ResourceModel\\Eav\\Attribute", "catalog_category_entity",
     "catalog_eav_attribute", False),
    (4, "catalog_product", "Catalog\\Model\\ResourceModel\\Product",
     "Catalog\\Model\\ResourceModel\\Eav\\Attribute", "catalog_product_entity",
     "catalog_eav_attribute", False),
    (5, "order", "Sales\\Model\\ResourceModel\\Order", None, "sales_order", None, True),
    (6, "invoice", "Sales\\Model\\ResourceModel\\Order", None, "sales_invoice", None, True),
    (7, "creditmemo", "Sales\\Model\\ResourceModel\\Order\\Creditmemo", None,
     "sales_creditmemo", None, True),
    (8, "shipment", "Sales\\Model\\ResourceModel\\Order\\Shipment", None, "sales_shipment",
     None, True),
)  # fmt: skip

ORDER_STATUSES = (
    ("canceled", "Canceled"),
    ("closed", "Closed"),
    ("complete", "Complete"),
    ("fraud", "Suspected Fraud"),
    ("holded", "On Hold"),
    ("payment_review", "Payment Review"),
    ("pending", "Pending"),
    ("pending_payment", "Pending Payment"),
    ("processing", "Processing"),
)
# (status, state, is_default, visible_on_front) — Sales InstallOrderStatusesAndInitialSalesConfig
ORDER_STATUS_STATES = (
    ("canceled", "canceled", 1, 1),
    ("closed", "closed", 1, 1),
    ("complete", "complete", 1, 1),
    ("fraud", "payment_review", 0, 1),
    ("fraud", "processing", 0, 1),
    ("holded", "holded", 1, 1),
    ("payment_review", "payment_review", 1, 1),
    ("pending", "new", 1, 1),
    ("pending_payment", "pending_payment", 1, 0),
    ("processing", "processing", 1, 1),
)
CUSTOMER_GROUPS = (
    (0, "NOT LOGGED IN", 3),
    (1, "General", 3),
    (2, "Wholesale", 3),
    (3, "Retailer", 3),
)


def create_tables(conn: Connection) -> None:
    """CREATE TABLE for every Magento table of the subset (foreign key checks off meanwhile)."""
    with conn.cursor() as cur:
        cur.execute("SET @ficus_fk = @@foreign_key_checks, foreign_key_checks = 0")
        for name, body in DDL:
            cur.execute(f"CREATE TABLE IF NOT EXISTS `{name}` ({body}\n) {TAIL}")
        cur.execute("SET foreign_key_checks = @ficus_fk")


def install(conn: Connection, installed_at: datetime | None = None) -> None:
    """Create every table and insert Magento's install rows in the current database.

    `installed_at` pins created_at/updated_at of the install rows (for deterministic seeds).
    Does nothing when the schema is already installed (store_website exists and has rows).
    """
    if is_installed(conn):
        return
    at = (installed_at or datetime.now()).strftime("%Y-%m-%d %H:%M:%S")  # noqa: DTZ005
    with conn.cursor() as cur:
        cur.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO')")
    create_tables(conn)
    _insert_stores(conn)
    _insert_eav(conn)
    _insert_categories(conn, at)
    _insert_misc(conn)
    roles.seed_administrators(conn)  # setup:install's Administrators role and admin user 1
    for store_id in INSTALL_STORES:
        create_store_sequences(conn, store_id)
    conn.commit()


def is_installed(conn: Connection) -> bool:
    """True when the current database already holds Magento's store tables with rows."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*) FROM information_schema.tables "
            "WHERE table_schema = DATABASE() AND table_name = 'store_website'"
        )
        row = cur.fetchone()
        if not row or not row[0]:
            return False
        cur.execute("SELECT COUNT(*) FROM store_website")
        row = cur.fetchone()
    return bool(row and row[0])


def _insert_stores(conn: Connection) -> None:
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO store_website VALUES (%s,%s,%s,%s,%s,%s)",
            [(0, "admin", "Admin", 0, 0, 0), (1, "base", "Main Website", 0, 1, 1)],
        )
        cur.executemany(
            "INSERT INTO store_group VALUES (%s,%s,%s,%s,%s,%s)",
            [(0, 0, "Default", 0, 0, "default"), (1, 1, "Main Website Store", 2, 1,
             "main_website_store")],
        )  # fmt: skip
        cur.executemany(
            "INSERT INTO store VALUES (%s,%s,%s,%s,%s,%s,%s)",
            [(0, "admin", 0, 0, "Admin", 0, 1), (1, "default", 1, 1, "Default Store View", 0, 1)],
        )


def _insert_eav(conn: Connection) -> None:
    with conn.cursor() as cur:
        for type_id, code, model, attr_model, table, extra, increments in _ENTITY_TYPES:
            cur.execute(
                "INSERT INTO eav_entity_type (entity_type_id, entity_type_code, entity_model,"
                " attribute_model, entity_table, default_attribute_set_id, increment_model,"
                " increment_per_store, additional_attribute_table)"
                " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                (type_id, code, _NS + model, attr_model and _NS + attr_model, table, type_id,
                 _NS + "Eav\\Model\\Entity\\Increment\\NumericValue" if increments else None,
                 1 if type_id >= 5 else 0, extra),
            )  # fmt: skip
            cur.execute(
                "INSERT INTO eav_attribute_set VALUES (%s,%s,'Default',%s)",
                (type_id, type_id, 2 if type_id == 4 else 1),
            )
            group = "Product Details" if type_id == 4 else "General"
            cur.execute(
                "INSERT INTO eav_attribute_group (attribute_set_id, attribute_group_name,"
                " sort_order, default_id, attribute_group_code) VALUES (%s,%s,1,1,%s)",
                (type_id, group, group.lower().replace(" ", "-")),
            )
            group_id = cur.lastrowid
            for attr in BY_ENTITY_TYPE.get(type_id, ()):
                _insert_attribute(cur, type_id, group_id, attr)


def _insert_attribute(cur: Cursor, type_id: int, group_id: int, attr: AttributeDef) -> None:
    cur.execute(
        "INSERT INTO eav_attribute (entity_type_id, attribute_code, backend_type,"
        " frontend_input, frontend_label, is_required, default_value, is_unique)"
        " VALUES (%s,%s,%s,%s,%s,%s,%s,%s)",
        (type_id, attr.code, attr.backend_type, attr.frontend_input, attr.label,
         attr.is_required, attr.default_value, 1 if attr.code == "sku" else 0),
    )  # fmt: skip
    attribute_id = cur.lastrowid
    cur.execute(
        "INSERT INTO eav_entity_attribute (entity_type_id, attribute_set_id,"
        " attribute_group_id, attribute_id, sort_order) VALUES (%s,%s,%s,%s,%s)",
        (type_id, type_id, group_id, attribute_id, attribute_id),
    )
    if type_id in (3, 4):
        cur.execute(
            "INSERT INTO catalog_eav_attribute (attribute_id, is_global, is_visible,"
            " is_searchable, used_in_product_listing) VALUES (%s,%s,1,%s,%s)",
            (attribute_id, attr.is_global, int(attr.code in ("name", "sku", "description")),
             int(attr.code in ("name", "price", "special_price", "status", "visibility"))),
        )  # fmt: skip


def _insert_categories(conn: Connection, at: str) -> None:
    """Root Catalog (1) and Default Category (2), as InstallDefaultCategories does."""
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO catalog_category_entity (entity_id, attribute_set_id, parent_id,"
            " created_at, updated_at, path, position, level, children_count)"
            " VALUES (%s,3,%s,%s,%s,%s,%s,%s,%s)",
            [(1, 0, at, at, "1", 0, 0, 1), (2, 1, at, at, "1/2", 1, 1, 0)],
        )
        values = {
            "varchar": [(1, "name", "Root Catalog"), (2, "name", "Default Category"),
                        (2, "display_mode", "PRODUCTS")],
            "int": [(1, "include_in_menu", "1"), (2, "is_active", "1"),
                    (2, "include_in_menu", "1"), (2, "is_anchor", "1")],
        }  # fmt: skip
        for backend, rows in values.items():
            cur.executemany(
                f"INSERT INTO catalog_category_entity_{backend} (attribute_id, store_id,"
                " entity_id, value) SELECT attribute_id, 0, %s, %s FROM eav_attribute"
                " WHERE entity_type_id = 3 AND attribute_code = %s",
                [(entity_id, value, code) for entity_id, code, value in rows],
            )


def _insert_misc(conn: Connection) -> None:
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO customer_group VALUES (%s,%s,%s)", CUSTOMER_GROUPS)
        cur.execute("INSERT INTO cataloginventory_stock VALUES (1, 0, 'Default')")
        cur.executemany("INSERT INTO sales_order_status VALUES (%s,%s)", ORDER_STATUSES)
        cur.executemany(
            "INSERT INTO sales_order_status_state VALUES (%s,%s,%s,%s)", ORDER_STATUS_STATES
        )
