"""MAGENTO.md §A facts, table by table (transcribed, not derived from the DDL)."""

from __future__ import annotations

from typing import Any

Spec = tuple[tuple[str, str, str], dict[str, Any]]


def _t(name: str, columns: str, primary: str = "", **kwargs: Any) -> Spec:
    return (name, columns, primary), kwargs


_VALUE_TYPES = {
    "varchar": "varchar(255)",
    "int": "int",
    "decimal": "decimal(20,6)",
    "text": "mediumtext",
    "datetime": "datetime",
}


def _value_tables(entity: str) -> list[Spec]:
    specs = []
    for backend, kind in _VALUE_TYPES.items():
        uns = " uns" if (entity, backend) == ("catalog_product", "decimal") else ""
        specs.append(
            _t(
                f"{entity}_entity_{backend}",
                f"value_id int{uns} NN AI; attribute_id smallint uns NN =0;"
                f" store_id smallint uns NN =0; entity_id int uns NN =0; value {kind}",
                unique=("entity_id,attribute_id,store_id",),
                fks=(
                    "attribute_id->eav_attribute CASCADE",
                    f"entity_id->{entity}_entity CASCADE",
                    "store_id->store CASCADE",
                ),
            )
        )
    return specs


_TS = "timestamp NN =current_timestamp()"

SPECS: list[Spec] = [
    _t("store_website", "website_id smallint uns NN AI; code varchar(32); name varchar(64);"
       " sort_order smallint uns NN =0; default_group_id smallint uns NN =0;"
       " is_default smallint uns =0", unique=("code",)),
    _t("store_group", "group_id smallint uns NN AI; website_id smallint uns NN =0;"
       " name varchar(255) NN; root_category_id int uns NN =0;"
       " default_store_id smallint uns NN =0; code varchar(32)", unique=("code",),
       fks=("website_id->store_website CASCADE",)),
    _t("store", "store_id smallint uns NN AI; code varchar(32); website_id smallint uns NN =0;"
       " group_id smallint uns NN =0; name varchar(255) NN; sort_order smallint uns NN =0;"
       " is_active smallint uns NN =0", unique=("code",),
       fks=("group_id->store_group CASCADE", "website_id->store_website CASCADE")),
    _t("eav_entity_type", "entity_type_id smallint uns AI; entity_type_code varchar(50) NN;"
       " entity_model varchar(255) NN; attribute_model varchar(255); entity_table varchar(255);"
       " value_table_prefix varchar(255); entity_id_field varchar(255);"
       " increment_model varchar(255); additional_attribute_table varchar(255);"
       " entity_attribute_collection varchar(255); is_data_sharing smallint uns NN =1;"
       " data_sharing_key varchar(100) =default; default_attribute_set_id smallint uns NN =0;"
       " increment_per_store smallint uns NN =0; increment_pad_length smallint uns NN =8;"
       " increment_pad_char varchar(1) NN =0"),
    _t("eav_attribute", "attribute_id smallint uns AI; entity_type_id smallint uns NN =0;"
       " attribute_code varchar(255) NN; backend_type varchar(8) NN =static;"
       " attribute_model varchar(255); backend_model varchar(255); backend_table varchar(255);"
       " frontend_model varchar(255); frontend_label varchar(255); frontend_class varchar(255);"
       " source_model varchar(255); note varchar(255); frontend_input varchar(50);"
       " is_required smallint uns NN =0; is_user_defined smallint uns NN =0;"
       " is_unique smallint uns NN =0; default_value text",
       unique=("entity_type_id,attribute_code",),
       fks=("entity_type_id->eav_entity_type CASCADE",)),
    _t("eav_attribute_set", "attribute_set_id smallint uns AI;"
       " entity_type_id smallint uns NN =0; attribute_set_name varchar(255);"
       " sort_order smallint NN =0", unique=("entity_type_id,attribute_set_name",),
       fks=("entity_type_id->eav_entity_type CASCADE",)),
    _t("eav_entity_attribute", "entity_attribute_id int uns AI;"
       " entity_type_id smallint uns NN =0; attribute_set_id smallint uns NN =0;"
       " attribute_group_id smallint uns NN =0; attribute_id smallint uns NN =0;"
       " sort_order smallint NN =0",
       unique=("attribute_set_id,attribute_id", "attribute_group_id,attribute_id"),
       fks=("attribute_id->eav_attribute CASCADE",
            "attribute_group_id->eav_attribute_group CASCADE")),
    _t("eav_attribute_option", "option_id int uns AI; attribute_id smallint uns NN =0;"
       " sort_order smallint uns NN =0", fks=("attribute_id->eav_attribute CASCADE",)),
    _t("eav_attribute_option_value", "value_id int uns AI; option_id int uns NN =0;"
       " store_id smallint uns NN =0; value varchar(255)", unique=("store_id,option_id",),
       fks=("option_id->eav_attribute_option CASCADE", "store_id->store CASCADE")),
    _t("catalog_eav_attribute", "attribute_id smallint uns NN; is_global smallint uns NN =1;"
       " is_visible smallint uns NN =1; is_searchable smallint uns NN =0;"
       " is_filterable smallint uns NN =0; is_comparable smallint uns NN =0;"
       " is_visible_on_front smallint uns NN =0; used_in_product_listing smallint uns NN =0;"
       " used_for_sort_by smallint uns NN =0; is_html_allowed_on_front smallint uns NN =0;"
       " is_wysiwyg_enabled smallint uns NN =0; is_used_for_promo_rules smallint uns NN =0;"
       " apply_to varchar(255); position int NN =0; search_weight float NN =1;"
       " additional_data text; is_pagebuilder_enabled smallint uns NN =0", "attribute_id",
       fks=("attribute_id->eav_attribute CASCADE",)),
    _t("catalog_product_entity", "entity_id int uns NN AI; attribute_set_id smallint uns NN =0;"
       " type_id varchar(32) NN =simple; sku varchar(64) NN; has_options smallint NN =0;"
       f" required_options smallint uns NN =0; created_at {_TS}; updated_at {_TS}"),
    *_value_tables("catalog_product"),
    _t("catalog_product_website", "product_id int uns NN; website_id smallint uns NN",
       "product_id,website_id", fks=("product_id->catalog_product_entity CASCADE",
                                     "website_id->store_website CASCADE")),
    _t("catalog_product_entity_tier_price", "value_id int NN AI; entity_id int uns NN =0;"
       " all_groups smallint uns NN =1; customer_group_id int uns NN =0;"
       " qty decimal(12,4) NN =1.0000; value decimal(20,6) NN =0.000000;"
       " website_id smallint uns NN; percentage_value decimal(5,2)",
       unique=("entity_id,all_groups,customer_group_id,qty,website_id",),
       fks=("entity_id->catalog_product_entity CASCADE",
            "customer_group_id->customer_group CASCADE", "website_id->store_website CASCADE")),
    _t("catalog_product_relation", "parent_id int uns NN; child_id int uns NN",
       "parent_id,child_id", fks=("parent_id->catalog_product_entity CASCADE",
                                  "child_id->catalog_product_entity CASCADE")),
    _t("catalog_product_super_link", "link_id int uns NN AI; product_id int uns NN =0;"
       " parent_id int uns NN =0", unique=("product_id,parent_id",),
       fks=("product_id->catalog_product_entity CASCADE",
            "parent_id->catalog_product_entity CASCADE")),
    _t("catalog_product_super_attribute", "product_super_attribute_id int uns NN AI;"
       " product_id int uns NN =0; attribute_id smallint uns NN =0;"
       " position smallint uns NN =0", unique=("product_id,attribute_id",),
       fks=("product_id->catalog_product_entity CASCADE",)),
    _t("catalog_category_entity", "entity_id int uns NN AI;"
       " attribute_set_id smallint uns NN =0; parent_id int uns NN =0;"
       f" created_at {_TS}; updated_at {_TS}; path varchar(255) NN; position int NN;"
       " level int NN =0; children_count int NN", no_fks=True),
    *_value_tables("catalog_category"),
    _t("catalog_category_product", "entity_id int NN AI; category_id int uns NN =0;"
       " product_id int uns NN =0; position int NN =0", "entity_id,category_id,product_id",
       unique=("category_id,product_id",),
       fks=("category_id->catalog_category_entity CASCADE",
            "product_id->catalog_product_entity CASCADE")),
    _t("cataloginventory_stock", "stock_id smallint uns NN AI; website_id smallint uns NN;"
       " stock_name varchar(255)"),
    _t("cataloginventory_stock_item", "item_id int uns NN AI; product_id int uns NN =0;"
       " stock_id smallint uns NN =0; qty decimal(12,4); min_qty decimal(12,4) NN =0.0000;"
       " min_sale_qty decimal(12,4) NN =1.0000; max_sale_qty decimal(12,4) NN =0.0000;"
       " qty_increments decimal(12,4) NN =0.0000; notify_stock_qty decimal(12,4);"
       " is_in_stock smallint uns NN =0; manage_stock smallint uns NN =0;"
       " backorders smallint uns NN =0; is_qty_decimal smallint uns NN =0;"
       " enable_qty_increments smallint uns NN =0; is_decimal_divided smallint uns NN =0;"
       " stock_status_changed_auto smallint uns NN =0; low_stock_date timestamp;"
       " website_id smallint uns NN =0; use_config_min_qty smallint uns NN =1;"
       " use_config_backorders smallint uns NN =1; use_config_min_sale_qty smallint uns NN =1;"
       " use_config_max_sale_qty smallint uns NN =1;"
       " use_config_notify_stock_qty smallint uns NN =1;"
       " use_config_manage_stock smallint uns NN =1;"
       " use_config_qty_increments smallint uns NN =1;"
       " use_config_enable_qty_inc smallint uns NN =1", unique=("product_id,stock_id",),
       fks=("product_id->catalog_product_entity CASCADE",
            "stock_id->cataloginventory_stock CASCADE")),
    _t("cataloginventory_stock_status", "product_id int uns NN; website_id smallint uns NN;"
       " stock_id smallint uns NN; qty decimal(12,4) NN =0.0000;"
       " stock_status smallint uns NN", "product_id,website_id,stock_id", no_fks=True),
]  # fmt: skip
