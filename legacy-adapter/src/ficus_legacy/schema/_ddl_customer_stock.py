"""DDL of Magento's customer and stock tables (Customer, CatalogInventory db_schema.xml)."""

from __future__ import annotations

from ficus_legacy.schema._ddl_catalog import BACKENDS, VALUE_TYPES


def _customer_value_table(entity: str, backend: str) -> tuple[str, str]:
    table = f"{entity}_{backend}"
    body = f"""
  value_id int NOT NULL AUTO_INCREMENT,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  entity_id int unsigned NOT NULL DEFAULT 0,
  value {VALUE_TYPES[backend]} DEFAULT NULL,
  PRIMARY KEY (value_id),
  UNIQUE KEY {table.upper()}_ENTITY_ID_ATTRIBUTE_ID (entity_id, attribute_id),
  KEY {table.upper()}_ATTRIBUTE_ID (attribute_id),
  FOREIGN KEY (attribute_id) REFERENCES eav_attribute (attribute_id) ON DELETE CASCADE,
  FOREIGN KEY (entity_id) REFERENCES {entity} (entity_id) ON DELETE CASCADE"""
    return table, body


# Built by the customer_grid indexer (Customer/etc/indexer.xml, Framework GridStructure):
# searchable fields in one FULLTEXT key, filterable ones indexed.
_GRID = (
    "customer_grid_flat",
    """
  entity_id int unsigned NOT NULL,
  name text DEFAULT NULL,
  email varchar(255) DEFAULT NULL,
  group_id int DEFAULT NULL,
  created_at timestamp NULL DEFAULT NULL,
  website_id int DEFAULT NULL,
  confirmation varchar(255) DEFAULT NULL,
  created_in text DEFAULT NULL,
  dob date DEFAULT NULL,
  gender int DEFAULT NULL,
  taxvat varchar(255) DEFAULT NULL,
  lock_expires timestamp NULL DEFAULT NULL,
  shipping_full text DEFAULT NULL,
  billing_full text DEFAULT NULL,
  billing_firstname varchar(255) DEFAULT NULL,
  billing_lastname varchar(255) DEFAULT NULL,
  billing_telephone varchar(255) DEFAULT NULL,
  billing_postcode varchar(255) DEFAULT NULL,
  billing_country_id varchar(255) DEFAULT NULL,
  billing_region varchar(255) DEFAULT NULL,
  billing_region_id int DEFAULT NULL,
  billing_street varchar(255) DEFAULT NULL,
  billing_city varchar(255) DEFAULT NULL,
  billing_fax varchar(255) DEFAULT NULL,
  billing_vat_id varchar(255) DEFAULT NULL,
  billing_company varchar(255) DEFAULT NULL,
  PRIMARY KEY (entity_id),
  KEY CUSTOMER_GRID_FLAT_GROUP_ID (group_id),
  KEY CUSTOMER_GRID_FLAT_CREATED_AT (created_at),
  KEY CUSTOMER_GRID_FLAT_WEBSITE_ID (website_id),
  KEY CUSTOMER_GRID_FLAT_CONFIRMATION (confirmation),
  KEY CUSTOMER_GRID_FLAT_DOB (dob),
  KEY CUSTOMER_GRID_FLAT_GENDER (gender),
  KEY CUSTOMER_GRID_FLAT_BILLING_COUNTRY_ID (billing_country_id),
  FULLTEXT KEY FTI_CUSTOMER_GRID_FLAT_SEARCHABLE (name, email, created_in, taxvat,
    shipping_full, billing_full, billing_firstname, billing_lastname, billing_telephone,
    billing_postcode, billing_region, billing_city, billing_fax, billing_company)""",
)


_CUSTOMER: tuple[tuple[str, str], ...] = (
    (
        "customer_group",
        """
  customer_group_id int unsigned NOT NULL AUTO_INCREMENT,
  customer_group_code varchar(32) NOT NULL,
  tax_class_id int unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (customer_group_id)""",
    ),
    (
        "customer_entity",
        """
  entity_id int unsigned NOT NULL AUTO_INCREMENT,
  website_id smallint unsigned DEFAULT NULL,
  email varchar(255) DEFAULT NULL,
  group_id smallint unsigned NOT NULL DEFAULT 0,
  increment_id varchar(50) DEFAULT NULL,
  store_id smallint unsigned DEFAULT 0,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  is_active smallint unsigned NOT NULL DEFAULT 1,
  disable_auto_group_change smallint unsigned NOT NULL DEFAULT 0,
  created_in varchar(255) DEFAULT NULL,
  prefix varchar(40) DEFAULT NULL,
  firstname varchar(255) DEFAULT NULL,
  middlename varchar(255) DEFAULT NULL,
  lastname varchar(255) DEFAULT NULL,
  suffix varchar(40) DEFAULT NULL,
  dob date DEFAULT NULL,
  password_hash varchar(128) DEFAULT NULL,
  rp_token varchar(128) DEFAULT NULL,
  rp_token_created_at datetime DEFAULT NULL,
  default_billing int unsigned DEFAULT NULL,
  default_shipping int unsigned DEFAULT NULL,
  taxvat varchar(50) DEFAULT NULL,
  confirmation varchar(64) DEFAULT NULL,
  gender smallint unsigned DEFAULT NULL,
  failures_num smallint DEFAULT 0,
  first_failure timestamp NULL DEFAULT NULL,
  lock_expires timestamp NULL DEFAULT NULL,
  session_cutoff timestamp NULL DEFAULT NULL,
  PRIMARY KEY (entity_id),
  UNIQUE KEY CUSTOMER_ENTITY_EMAIL_WEBSITE_ID (email, website_id),
  KEY CUSTOMER_ENTITY_STORE_ID (store_id),
  KEY CUSTOMER_ENTITY_WEBSITE_ID (website_id),
  KEY CUSTOMER_ENTITY_FIRSTNAME (firstname),
  KEY CUSTOMER_ENTITY_LASTNAME (lastname),
  CONSTRAINT CUSTOMER_ENTITY_STORE_ID_STORE_STORE_ID FOREIGN KEY (store_id)
    REFERENCES store (store_id) ON DELETE SET NULL,
  CONSTRAINT CUSTOMER_ENTITY_WEBSITE_ID_STORE_WEBSITE_WEBSITE_ID FOREIGN KEY (website_id)
    REFERENCES store_website (website_id) ON DELETE SET NULL""",
    ),
    (
        "customer_address_entity",
        """
  entity_id int unsigned NOT NULL AUTO_INCREMENT,
  increment_id varchar(50) DEFAULT NULL,
  parent_id int unsigned DEFAULT NULL,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  is_active smallint unsigned NOT NULL DEFAULT 1,
  city varchar(255) NOT NULL,
  company varchar(255) DEFAULT NULL,
  country_id varchar(255) NOT NULL,
  fax varchar(255) DEFAULT NULL,
  firstname varchar(255) NOT NULL,
  lastname varchar(255) NOT NULL,
  middlename varchar(255) DEFAULT NULL,
  postcode varchar(255) DEFAULT NULL,
  prefix varchar(40) DEFAULT NULL,
  region varchar(255) DEFAULT NULL,
  region_id int unsigned DEFAULT NULL,
  street text NOT NULL,
  suffix varchar(40) DEFAULT NULL,
  telephone varchar(255) NOT NULL,
  vat_id varchar(255) DEFAULT NULL,
  vat_is_valid int unsigned DEFAULT NULL,
  vat_request_date varchar(255) DEFAULT NULL,
  vat_request_id varchar(255) DEFAULT NULL,
  vat_request_success int unsigned DEFAULT NULL,
  PRIMARY KEY (entity_id),
  KEY CUSTOMER_ADDRESS_ENTITY_PARENT_ID (parent_id),
  CONSTRAINT CUSTOMER_ADDRESS_ENTITY_PARENT_ID_CUSTOMER_ENTITY_ENTITY_ID FOREIGN KEY
    (parent_id) REFERENCES customer_entity (entity_id) ON DELETE CASCADE""",
    ),
    *(_customer_value_table("customer_entity", b) for b in BACKENDS),
    *(_customer_value_table("customer_address_entity", b) for b in BACKENDS),
    _GRID,
)

_STOCK: tuple[tuple[str, str], ...] = (
    (
        "cataloginventory_stock",
        """
  stock_id smallint unsigned NOT NULL AUTO_INCREMENT,
  website_id smallint unsigned NOT NULL,
  stock_name varchar(255) DEFAULT NULL,
  PRIMARY KEY (stock_id),
  KEY CATALOGINVENTORY_STOCK_WEBSITE_ID (website_id)""",
    ),
    (
        "cataloginventory_stock_item",
        """
  item_id int unsigned NOT NULL AUTO_INCREMENT,
  product_id int unsigned NOT NULL DEFAULT 0,
  stock_id smallint unsigned NOT NULL DEFAULT 0,
  qty decimal(12,4) DEFAULT NULL,
  min_qty decimal(12,4) NOT NULL DEFAULT 0.0000,
  use_config_min_qty smallint unsigned NOT NULL DEFAULT 1,
  is_qty_decimal smallint unsigned NOT NULL DEFAULT 0,
  backorders smallint unsigned NOT NULL DEFAULT 0,
  use_config_backorders smallint unsigned NOT NULL DEFAULT 1,
  min_sale_qty decimal(12,4) NOT NULL DEFAULT 1.0000,
  use_config_min_sale_qty smallint unsigned NOT NULL DEFAULT 1,
  max_sale_qty decimal(12,4) NOT NULL DEFAULT 0.0000,
  use_config_max_sale_qty smallint unsigned NOT NULL DEFAULT 1,
  is_in_stock smallint unsigned NOT NULL DEFAULT 0,
  low_stock_date timestamp NULL DEFAULT NULL,
  notify_stock_qty decimal(12,4) DEFAULT NULL,
  use_config_notify_stock_qty smallint unsigned NOT NULL DEFAULT 1,
  manage_stock smallint unsigned NOT NULL DEFAULT 0,
  use_config_manage_stock smallint unsigned NOT NULL DEFAULT 1,
  stock_status_changed_auto smallint unsigned NOT NULL DEFAULT 0,
  use_config_qty_increments smallint unsigned NOT NULL DEFAULT 1,
  qty_increments decimal(12,4) NOT NULL DEFAULT 0.0000,
  use_config_enable_qty_inc smallint unsigned NOT NULL DEFAULT 1,
  enable_qty_increments smallint unsigned NOT NULL DEFAULT 0,
  is_decimal_divided smallint unsigned NOT NULL DEFAULT 0,
  website_id smallint unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (item_id),
  UNIQUE KEY CATALOGINVENTORY_STOCK_ITEM_PRODUCT_ID_STOCK_ID (product_id, stock_id),
  KEY CATALOGINVENTORY_STOCK_ITEM_WEBSITE_ID (website_id),
  KEY CATALOGINVENTORY_STOCK_ITEM_WEBSITE_ID_PRODUCT_ID (website_id, product_id),
  KEY CATALOGINVENTORY_STOCK_ITEM_STOCK_ID (stock_id),
  CONSTRAINT CATINV_STOCK_ITEM_PRD_ID_CAT_PRD_ENTT_ENTT_ID FOREIGN KEY (product_id)
    REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE,
  CONSTRAINT CATINV_STOCK_ITEM_STOCK_ID_CATINV_STOCK_STOCK_ID FOREIGN KEY (stock_id)
    REFERENCES cataloginventory_stock (stock_id) ON DELETE CASCADE""",
    ),
    (
        "cataloginventory_stock_status",
        """
  product_id int unsigned NOT NULL,
  website_id smallint unsigned NOT NULL,
  stock_id smallint unsigned NOT NULL,
  qty decimal(12,4) NOT NULL DEFAULT 0.0000,
  stock_status smallint unsigned NOT NULL,
  PRIMARY KEY (product_id, website_id, stock_id),
  KEY CATALOGINVENTORY_STOCK_STATUS_STOCK_ID (stock_id),
  KEY CATALOGINVENTORY_STOCK_STATUS_WEBSITE_ID (website_id),
  KEY CATALOGINVENTORY_STOCK_STATUS_STOCK_STATUS (stock_status)""",
    ),
)

CUSTOMER_STOCK: tuple[tuple[str, str], ...] = (*_CUSTOMER, *_STOCK)
