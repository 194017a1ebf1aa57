"""DDL of Magento's store and EAV metadata tables (Store, Eav and Catalog db_schema.xml)."""

from __future__ import annotations

TAIL = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"

STORE_EAV: tuple[tuple[str, str], ...] = (
    (
        "store_website",
        """
  website_id smallint unsigned NOT NULL AUTO_INCREMENT,
  code varchar(32) DEFAULT NULL,
  name varchar(64) DEFAULT NULL,
  sort_order smallint unsigned NOT NULL DEFAULT 0,
  default_group_id smallint unsigned NOT NULL DEFAULT 0,
  is_default smallint unsigned DEFAULT 0,
  PRIMARY KEY (website_id),
  UNIQUE KEY STORE_WEBSITE_CODE (code),
  KEY STORE_WEBSITE_SORT_ORDER (sort_order),
  KEY STORE_WEBSITE_DEFAULT_GROUP_ID (default_group_id)""",
    ),
    (
        "store_group",
        """
  group_id smallint unsigned NOT NULL AUTO_INCREMENT,
  website_id smallint unsigned NOT NULL DEFAULT 0,
  name varchar(255) NOT NULL,
  root_category_id int unsigned NOT NULL DEFAULT 0,
  default_store_id smallint unsigned NOT NULL DEFAULT 0,
  code varchar(32) DEFAULT NULL,
  PRIMARY KEY (group_id),
  UNIQUE KEY STORE_GROUP_CODE (code),
  KEY STORE_GROUP_WEBSITE_ID (website_id),
  KEY STORE_GROUP_DEFAULT_STORE_ID (default_store_id),
  CONSTRAINT STORE_GROUP_WEBSITE_ID_STORE_WEBSITE_WEBSITE_ID FOREIGN KEY (website_id)
    REFERENCES store_website (website_id) ON DELETE CASCADE""",
    ),
    (
        "store",
        """
  store_id smallint unsigned NOT NULL AUTO_INCREMENT,
  code varchar(32) DEFAULT NULL,
  website_id smallint unsigned NOT NULL DEFAULT 0,
  group_id smallint unsigned NOT NULL DEFAULT 0,
  name varchar(255) NOT NULL,
  sort_order smallint unsigned NOT NULL DEFAULT 0,
  is_active smallint unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (store_id),
  UNIQUE KEY STORE_CODE (code),
  KEY STORE_WEBSITE_ID (website_id),
  KEY STORE_IS_ACTIVE_SORT_ORDER (is_active, sort_order),
  KEY STORE_GROUP_ID (group_id),
  CONSTRAINT STORE_GROUP_ID_STORE_GROUP_GROUP_ID FOREIGN KEY (group_id)
    REFERENCES store_group (group_id) ON DELETE CASCADE,
  CONSTRAINT STORE_WEBSITE_ID_STORE_WEBSITE_WEBSITE_ID FOREIGN KEY (website_id)
    REFERENCES store_website (website_id) ON DELETE CASCADE""",
    ),
    (
        "eav_entity_type",
        """
  entity_type_id smallint unsigned NOT NULL AUTO_INCREMENT,
  entity_type_code varchar(50) NOT NULL,
  entity_model varchar(255) NOT NULL,
  attribute_model varchar(255) DEFAULT NULL,
  entity_table varchar(255) DEFAULT NULL,
  value_table_prefix varchar(255) DEFAULT NULL,
  entity_id_field varchar(255) DEFAULT NULL,
  is_data_sharing smallint unsigned NOT NULL DEFAULT 1,
  data_sharing_key varchar(100) DEFAULT 'default',
  default_attribute_set_id smallint unsigned NOT NULL DEFAULT 0,
  increment_model varchar(255) DEFAULT NULL,
  increment_per_store smallint unsigned NOT NULL DEFAULT 0,
  increment_pad_length smallint unsigned NOT NULL DEFAULT 8,
  increment_pad_char varchar(1) NOT NULL DEFAULT '0',
  additional_attribute_table varchar(255) DEFAULT NULL,
  entity_attribute_collection varchar(255) DEFAULT NULL,
  PRIMARY KEY (entity_type_id),
  KEY EAV_ENTITY_TYPE_ENTITY_TYPE_CODE (entity_type_code)""",
    ),
    (
        "eav_attribute",
        """
  attribute_id smallint unsigned NOT NULL AUTO_INCREMENT,
  entity_type_id smallint unsigned NOT NULL DEFAULT 0,
  attribute_code varchar(255) NOT NULL,
  attribute_model varchar(255) DEFAULT NULL,
  backend_model varchar(255) DEFAULT NULL,
  backend_type varchar(8) NOT NULL DEFAULT 'static',
  backend_table varchar(255) DEFAULT NULL,
  frontend_model varchar(255) DEFAULT NULL,
  frontend_input varchar(50) DEFAULT NULL,
  frontend_label varchar(255) DEFAULT NULL,
  frontend_class varchar(255) DEFAULT NULL,
  source_model varchar(255) DEFAULT NULL,
  is_required smallint unsigned NOT NULL DEFAULT 0,
  is_user_defined smallint unsigned NOT NULL DEFAULT 0,
  default_value text DEFAULT NULL,
  is_unique smallint unsigned NOT NULL DEFAULT 0,
  note varchar(255) DEFAULT NULL,
  PRIMARY KEY (attribute_id),
  UNIQUE KEY EAV_ATTRIBUTE_ENTITY_TYPE_ID_ATTRIBUTE_CODE (entity_type_id, attribute_code),
  KEY EAV_ATTRIBUTE_FRONTEND_INPUT_ENTITY_TYPE_ID_IS_USER_DEFINED
    (frontend_input, entity_type_id, is_user_defined),
  CONSTRAINT EAV_ATTRIBUTE_ENTITY_TYPE_ID_EAV_ENTITY_TYPE_ENTITY_TYPE_ID FOREIGN KEY
    (entity_type_id) REFERENCES eav_entity_type (entity_type_id) ON DELETE CASCADE""",
    ),
    (
        "eav_attribute_set",
        """
  attribute_set_id smallint unsigned NOT NULL AUTO_INCREMENT,
  entity_type_id smallint unsigned NOT NULL DEFAULT 0,
  attribute_set_name varchar(255) DEFAULT NULL,
  sort_order smallint NOT NULL DEFAULT 0,
  PRIMARY KEY (attribute_set_id),
  UNIQUE KEY EAV_ATTRIBUTE_SET_ENTITY_TYPE_ID_ATTRIBUTE_SET_NAME
    (entity_type_id, attribute_set_name),
  KEY EAV_ATTRIBUTE_SET_ENTITY_TYPE_ID_SORT_ORDER (entity_type_id, sort_order),
  CONSTRAINT EAV_ATTRIBUTE_SET_ENTITY_TYPE_ID_EAV_ENTITY_TYPE_ENTITY_TYPE_ID FOREIGN KEY
    (entity_type_id) REFERENCES eav_entity_type (entity_type_id) ON DELETE CASCADE""",
    ),
    (
        "eav_attribute_group",
        """
  attribute_group_id smallint unsigned NOT NULL AUTO_INCREMENT,
  attribute_set_id smallint unsigned NOT NULL DEFAULT 0,
  attribute_group_name varchar(255) DEFAULT NULL,
  sort_order smallint NOT NULL DEFAULT 0,
  default_id smallint unsigned DEFAULT 0,
  attribute_group_code varchar(255) NOT NULL,
  tab_group_code varchar(255) DEFAULT NULL,
  PRIMARY KEY (attribute_group_id),
  UNIQUE KEY EAV_ATTRIBUTE_GROUP_ATTRIBUTE_SET_ID_ATTRIBUTE_GROUP_CODE
    (attribute_set_id, attribute_group_code),
  UNIQUE KEY EAV_ATTRIBUTE_GROUP_ATTRIBUTE_SET_ID_ATTRIBUTE_GROUP_NAME
    (attribute_set_id, attribute_group_name),
  KEY EAV_ATTRIBUTE_GROUP_ATTRIBUTE_SET_ID_SORT_ORDER (attribute_set_id, sort_order),
  CONSTRAINT EAV_ATTR_GROUP_ATTR_SET_ID_EAV_ATTR_SET_ATTR_SET_ID FOREIGN KEY (attribute_set_id)
    REFERENCES eav_attribute_set (attribute_set_id) ON DELETE CASCADE""",
    ),
    (
        "eav_entity_attribute",
        """
  entity_attribute_id int unsigned NOT NULL AUTO_INCREMENT,
  entity_type_id smallint unsigned NOT NULL DEFAULT 0,
  attribute_set_id smallint unsigned NOT NULL DEFAULT 0,
  attribute_group_id smallint unsigned NOT NULL DEFAULT 0,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  sort_order smallint NOT NULL DEFAULT 0,
  PRIMARY KEY (entity_attribute_id),
  UNIQUE KEY EAV_ENTITY_ATTRIBUTE_ATTRIBUTE_SET_ID_ATTRIBUTE_ID (attribute_set_id, attribute_id),
  UNIQUE KEY EAV_ENTITY_ATTRIBUTE_ATTRIBUTE_GROUP_ID_ATTRIBUTE_ID
    (attribute_group_id, attribute_id),
  KEY EAV_ENTITY_ATTRIBUTE_ATTRIBUTE_SET_ID_SORT_ORDER (attribute_set_id, sort_order),
  KEY EAV_ENTITY_ATTRIBUTE_ATTRIBUTE_ID (attribute_id),
  CONSTRAINT EAV_ENTITY_ATTRIBUTE_ATTRIBUTE_ID_EAV_ATTRIBUTE_ATTRIBUTE_ID FOREIGN KEY
    (attribute_id) REFERENCES eav_attribute (attribute_id) ON DELETE CASCADE,
  CONSTRAINT EAV_ENTT_ATTR_ATTR_GROUP_ID_EAV_ATTR_GROUP_ATTR_GROUP_ID FOREIGN KEY
    (attribute_group_id) REFERENCES eav_attribute_group (attribute_group_id) ON DELETE CASCADE""",
    ),
    (
        "eav_attribute_option",
        """
  option_id int unsigned NOT NULL AUTO_INCREMENT,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  sort_order smallint unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (option_id),
  KEY EAV_ATTRIBUTE_OPTION_ATTRIBUTE_ID (attribute_id),
  CONSTRAINT EAV_ATTRIBUTE_OPTION_ATTRIBUTE_ID_EAV_ATTRIBUTE_ATTRIBUTE_ID FOREIGN KEY
    (attribute_id) REFERENCES eav_attribute (attribute_id) ON DELETE CASCADE""",
    ),
    (
        "eav_attribute_option_value",
        """
  value_id int unsigned NOT NULL AUTO_INCREMENT,
  option_id int unsigned NOT NULL DEFAULT 0,
  store_id smallint unsigned NOT NULL DEFAULT 0,
  value varchar(255) DEFAULT NULL,
  PRIMARY KEY (value_id),
  UNIQUE KEY EAV_ATTRIBUTE_OPTION_VALUE_STORE_ID_OPTION_ID (store_id, option_id),
  KEY EAV_ATTRIBUTE_OPTION_VALUE_OPTION_ID (option_id),
  CONSTRAINT EAV_ATTR_OPT_VAL_OPT_ID_EAV_ATTR_OPT_OPT_ID FOREIGN KEY (option_id)
    REFERENCES eav_attribute_option (option_id) ON DELETE CASCADE,
  CONSTRAINT EAV_ATTRIBUTE_OPTION_VALUE_STORE_ID_STORE_STORE_ID FOREIGN KEY (store_id)
    REFERENCES store (store_id) ON DELETE CASCADE""",
    ),
    (
        "catalog_eav_attribute",
        """
  attribute_id smallint unsigned NOT NULL,
  frontend_input_renderer varchar(255) DEFAULT NULL,
  is_global smallint unsigned NOT NULL DEFAULT 1,
  is_visible smallint unsigned NOT NULL DEFAULT 1,
  is_searchable smallint unsigned NOT NULL DEFAULT 0,
  is_filterable smallint unsigned NOT NULL DEFAULT 0,
  is_comparable smallint unsigned NOT NULL DEFAULT 0,
  is_visible_on_front smallint unsigned NOT NULL DEFAULT 0,
  is_html_allowed_on_front smallint unsigned NOT NULL DEFAULT 0,
  is_used_for_price_rules smallint unsigned NOT NULL DEFAULT 0,
  is_filterable_in_search smallint unsigned NOT NULL DEFAULT 0,
  used_in_product_listing smallint unsigned NOT NULL DEFAULT 0,
  used_for_sort_by smallint unsigned NOT NULL DEFAULT 0,
  apply_to varchar(255) DEFAULT NULL,
  is_visible_in_advanced_search smallint unsigned NOT NULL DEFAULT 0,
  position int NOT NULL DEFAULT 0,
  is_wysiwyg_enabled smallint unsigned NOT NULL DEFAULT 0,
  is_used_for_promo_rules smallint unsigned NOT NULL DEFAULT 0,
  is_required_in_admin_store smallint unsigned NOT NULL DEFAULT 0,
  is_used_in_grid smallint unsigned NOT NULL DEFAULT 0,
  is_visible_in_grid smallint unsigned NOT NULL DEFAULT 0,
  is_filterable_in_grid smallint unsigned NOT NULL DEFAULT 0,
  search_weight float NOT NULL DEFAULT 1,
  is_pagebuilder_enabled smallint unsigned NOT NULL DEFAULT 0,
  additional_data text DEFAULT NULL,
  PRIMARY KEY (attribute_id),
  KEY CATALOG_EAV_ATTRIBUTE_USED_FOR_SORT_BY (used_for_sort_by),
  KEY CATALOG_EAV_ATTRIBUTE_USED_IN_PRODUCT_LISTING (used_in_product_listing),
  CONSTRAINT CATALOG_EAV_ATTRIBUTE_ATTRIBUTE_ID_EAV_ATTRIBUTE_ATTRIBUTE_ID FOREIGN KEY
    (attribute_id) REFERENCES eav_attribute (attribute_id) ON DELETE CASCADE""",
    ),
)
