"""DDL of Magento's catalog tables (Catalog, ConfigurableProduct, UrlRewrite db_schema.xml)."""

from __future__ import annotations

VALUE_TYPES: dict[str, str] = {
    "varchar": "varchar(255)",
    "int": "int",
    "decimal": "decimal(20,6)",
    "text": "mediumtext",
    "datetime": "datetime",
}


def _value_table(entity: str, backend: str) -> tuple[str, str]:
    table = f"{entity}_entity_{backend}"
    unsigned = " unsigned" if (entity, backend) == ("catalog_product", "decimal") else ""
    body = f"""
  value_id int{unsigned} NOT NULL AUTO_INCREMENT,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  store_id smallint unsigned NOT NULL DEFAULT 0,
  entity_id int unsigned NOT NULL DEFAULT 0,
  value {VALUE_TYPES[backend]} DEFAULT NULL,
  PRIMARY KEY (value_id),
  UNIQUE KEY {table.upper()}_ENTITY_ID_ATTRIBUTE_ID_STORE_ID (entity_id, attribute_id, store_id),
  KEY {table.upper()}_ATTRIBUTE_ID (attribute_id),
  KEY {table.upper()}_STORE_ID (store_id),
  FOREIGN KEY (attribute_id) REFERENCES eav_attribute (attribute_id) ON DELETE CASCADE,
  FOREIGN KEY (entity_id) REFERENCES {entity}_entity (entity_id) ON DELETE CASCADE,
  FOREIGN KEY (store_id) REFERENCES store (store_id) ON DELETE CASCADE"""
    return table, body


_PRODUCT = (
    "catalog_product_entity",
    """
  entity_id int unsigned NOT NULL AUTO_INCREMENT,
  attribute_set_id smallint unsigned NOT NULL DEFAULT 0,
  type_id varchar(32) NOT NULL DEFAULT 'simple',
  sku varchar(64) NOT NULL,
  has_options smallint NOT NULL DEFAULT 0,
  required_options smallint unsigned NOT NULL DEFAULT 0,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  PRIMARY KEY (entity_id),
  KEY CATALOG_PRODUCT_ENTITY_ATTRIBUTE_SET_ID (attribute_set_id),
  KEY CATALOG_PRODUCT_ENTITY_SKU (sku)""",
)

_CATEGORY = (
    "catalog_category_entity",
    """
  entity_id int unsigned NOT NULL AUTO_INCREMENT,
  attribute_set_id smallint unsigned NOT NULL DEFAULT 0,
  parent_id int unsigned NOT NULL DEFAULT 0,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  path varchar(255) NOT NULL,
  position int NOT NULL,
  level int NOT NULL DEFAULT 0,
  children_count int NOT NULL,
  PRIMARY KEY (entity_id),
  KEY CATALOG_CATEGORY_ENTITY_LEVEL (level),
  KEY CATALOG_CATEGORY_ENTITY_PATH (path)""",
)

_LINKS: tuple[tuple[str, str], ...] = (
    (
        "catalog_product_website",
        """
  product_id int unsigned NOT NULL,
  website_id smallint unsigned NOT NULL,
  PRIMARY KEY (product_id, website_id),
  KEY CATALOG_PRODUCT_WEBSITE_WEBSITE_ID (website_id),
  FOREIGN KEY (product_id) REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE,
  FOREIGN KEY (website_id) REFERENCES store_website (website_id) ON DELETE CASCADE""",
    ),
    (
        "catalog_product_entity_tier_price",
        """
  value_id int NOT NULL AUTO_INCREMENT,
  entity_id int unsigned NOT NULL DEFAULT 0,
  all_groups smallint unsigned NOT NULL DEFAULT 1,
  customer_group_id int unsigned NOT NULL DEFAULT 0,
  qty decimal(12,4) NOT NULL DEFAULT 1.0000,
  value decimal(20,6) NOT NULL DEFAULT 0.000000,
  website_id smallint unsigned NOT NULL,
  percentage_value decimal(5,2) DEFAULT NULL,
  PRIMARY KEY (value_id),
  UNIQUE KEY UNQ_E8AB433B9ACB00343ABB312AD2FAB087
    (entity_id, all_groups, customer_group_id, qty, website_id),
  KEY CATALOG_PRODUCT_ENTITY_TIER_PRICE_CUSTOMER_GROUP_ID (customer_group_id),
  KEY CATALOG_PRODUCT_ENTITY_TIER_PRICE_WEBSITE_ID (website_id),
  FOREIGN KEY (customer_group_id) REFERENCES customer_group (customer_group_id)
    ON DELETE CASCADE,
  FOREIGN KEY (entity_id) REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE,
  FOREIGN KEY (website_id) REFERENCES store_website (website_id) ON DELETE CASCADE""",
    ),
    (
        "catalog_product_relation",
        """
  parent_id int unsigned NOT NULL,
  child_id int unsigned NOT NULL,
  PRIMARY KEY (parent_id, child_id),
  KEY CATALOG_PRODUCT_RELATION_CHILD_ID (child_id),
  FOREIGN KEY (child_id) REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE,
  FOREIGN KEY (parent_id) REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE""",
    ),
    (
        "catalog_product_super_link",
        """
  link_id int unsigned NOT NULL AUTO_INCREMENT,
  product_id int unsigned NOT NULL DEFAULT 0,
  parent_id int unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (link_id),
  UNIQUE KEY CATALOG_PRODUCT_SUPER_LINK_PRODUCT_ID_PARENT_ID (product_id, parent_id),
  KEY CATALOG_PRODUCT_SUPER_LINK_PARENT_ID (parent_id),
  FOREIGN KEY (product_id) REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE,
  FOREIGN KEY (parent_id) REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE""",
    ),
    (
        "catalog_product_super_attribute",
        """
  product_super_attribute_id int unsigned NOT NULL AUTO_INCREMENT,
  product_id int unsigned NOT NULL DEFAULT 0,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  position smallint unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (product_super_attribute_id),
  UNIQUE KEY CATALOG_PRODUCT_SUPER_ATTRIBUTE_PRODUCT_ID_ATTRIBUTE_ID (product_id, attribute_id),
  FOREIGN KEY (product_id) REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE""",
    ),
    (
        "catalog_product_super_attribute_label",
        """
  value_id int unsigned NOT NULL AUTO_INCREMENT,
  product_super_attribute_id int unsigned NOT NULL DEFAULT 0,
  store_id smallint unsigned NOT NULL DEFAULT 0,
  use_default smallint unsigned DEFAULT 0,
  value varchar(255) DEFAULT NULL,
  PRIMARY KEY (value_id),
  UNIQUE KEY CAT_PRD_SPR_ATTR_LBL_PRD_SPR_ATTR_ID_STORE_ID (product_super_attribute_id, store_id),
  KEY CATALOG_PRODUCT_SUPER_ATTRIBUTE_LABEL_STORE_ID (store_id),
  FOREIGN KEY (product_super_attribute_id) REFERENCES catalog_product_super_attribute
    (product_super_attribute_id) ON DELETE CASCADE,
  FOREIGN KEY (store_id) REFERENCES store (store_id) ON DELETE CASCADE""",
    ),
    (
        "catalog_category_product",
        """
  entity_id int NOT NULL AUTO_INCREMENT,
  category_id int unsigned NOT NULL DEFAULT 0,
  product_id int unsigned NOT NULL DEFAULT 0,
  position int NOT NULL DEFAULT 0,
  PRIMARY KEY (entity_id, category_id, product_id),
  UNIQUE KEY CATALOG_CATEGORY_PRODUCT_CATEGORY_ID_PRODUCT_ID (category_id, product_id),
  KEY CATALOG_CATEGORY_PRODUCT_PRODUCT_ID (product_id),
  FOREIGN KEY (category_id) REFERENCES catalog_category_entity (entity_id) ON DELETE CASCADE,
  FOREIGN KEY (product_id) REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE""",
    ),
    (
        "url_rewrite",
        """
  url_rewrite_id int unsigned NOT NULL AUTO_INCREMENT,
  entity_type varchar(32) NOT NULL,
  entity_id int unsigned NOT NULL,
  request_path varchar(255) DEFAULT NULL,
  target_path varchar(255) DEFAULT NULL,
  redirect_type smallint unsigned NOT NULL DEFAULT 0,
  store_id smallint unsigned NOT NULL,
  description varchar(255) DEFAULT NULL,
  is_autogenerated smallint unsigned NOT NULL DEFAULT 0,
  metadata varchar(255) DEFAULT NULL,
  PRIMARY KEY (url_rewrite_id),
  UNIQUE KEY URL_REWRITE_REQUEST_PATH_STORE_ID (request_path, store_id),
  KEY URL_REWRITE_TARGET_PATH (target_path),
  KEY URL_REWRITE_STORE_ID_ENTITY_ID (store_id, entity_id),
  KEY URL_REWRITE_ENTITY_ID (entity_id),
  KEY URL_REWRITE_IS_AUTOGENERATED_METADATA (is_autogenerated, metadata)""",
    ),
    (
        "catalog_url_rewrite_product_category",
        """
  url_rewrite_id int unsigned NOT NULL,
  category_id int unsigned NOT NULL,
  product_id int unsigned NOT NULL,
  PRIMARY KEY (url_rewrite_id),
  KEY CATALOG_URL_REWRITE_PRODUCT_CATEGORY_CATEGORY_ID_PRODUCT_ID (category_id, product_id),
  FOREIGN KEY (url_rewrite_id) REFERENCES url_rewrite (url_rewrite_id) ON DELETE CASCADE,
  FOREIGN KEY (category_id) REFERENCES catalog_category_entity (entity_id) ON DELETE CASCADE,
  FOREIGN KEY (product_id) REFERENCES catalog_product_entity (entity_id) ON DELETE CASCADE""",
    ),
)

BACKENDS = ("varchar", "int", "decimal", "text", "datetime")

CATALOG: tuple[tuple[str, str], ...] = (
    _PRODUCT,
    *(_value_table("catalog_product", b) for b in BACKENDS),
    _CATEGORY,
    *(_value_table("catalog_category", b) for b in BACKENDS),
    *_LINKS,
)
