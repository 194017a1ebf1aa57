"""Magento's default EAV attributes (Catalog/Setup/CategorySetup.php, Customer setup, patches).

Each row: (attribute_code, backend_type, frontend_input, is_global, is_required, default_value).
is_global: 0 = store view, 1 = global, 2 = website (ScopedAttributeInterface).
"""

from __future__ import annotations

from typing import NamedTuple

STORE, GLOBAL, WEBSITE = 0, 1, 2


class AttributeDef(NamedTuple):
    code: str
    backend_type: str
    frontend_input: str | None
    is_global: int = GLOBAL
    is_required: int = 0
    default_value: str | None = None
    label: str | None = None


_P = AttributeDef
PRODUCT: tuple[AttributeDef, ...] = (
    _P("sku", "static", "text", GLOBAL, 1, None, "SKU"),
    _P("name", "varchar", "text", STORE, 1, None, "Product Name"),
    _P("description", "text", "textarea", STORE, 0, None, "Description"),
    _P("short_description", "text", "textarea", STORE, 0, None, "Short Description"),
    _P("price", "decimal", "price", GLOBAL, 1, None, "Price"),
    _P("special_price", "decimal", "price", GLOBAL, 0, None, "Special Price"),
    _P("special_from_date", "datetime", "date", WEBSITE, 0, None, "Special Price From Date"),
    _P("special_to_date", "datetime", "date", WEBSITE, 0, None, "Special Price To Date"),
    _P("cost", "decimal", "price", GLOBAL, 0, None, "Cost"),
    _P("weight", "decimal", "weight", GLOBAL, 0, None, "Weight"),
    _P("manufacturer", "int", "select", GLOBAL, 0, None, "Manufacturer"),
    _P("meta_title", "varchar", "text", STORE, 0, None, "Meta Title"),
    _P("meta_keyword", "text", "textarea", STORE, 0, None, "Meta Keywords"),
    _P("meta_description", "varchar", "textarea", STORE, 0, None, "Meta Description"),
    _P("image", "varchar", "media_image", STORE, 0, None, "Base"),
    _P("small_image", "varchar", "media_image", STORE, 0, None, "Small"),
    _P("thumbnail", "varchar", "media_image", STORE, 0, None, "Thumbnail"),
    _P("image_label", "varchar", "text", STORE, 0, None, "Image Label"),
    _P("small_image_label", "varchar", "text", STORE, 0, None, "Small Image Label"),
    _P("thumbnail_label", "varchar", "text", STORE, 0, None, "Thumbnail Label"),
    _P("color", "int", "select", GLOBAL, 0, None, "Color"),
    _P("news_from_date", "datetime", "date", WEBSITE, 0, None, "Set Product as New from Date"),
    _P("news_to_date", "datetime", "date", WEBSITE, 0, None, "Set Product as New to Date"),
    _P("status", "int", "select", WEBSITE, 0, "1", "Enable Product"),
    _P("visibility", "int", "select", STORE, 0, "4", "Visibility"),
    _P("url_key", "varchar", "text", STORE, 0, None, "URL Key"),
    _P("url_path", "varchar", None, STORE, 0, None, None),
    _P("tax_class_id", "int", "select", WEBSITE, 0, "2", "Tax Class"),
    _P("quantity_and_stock_status", "int", "select", GLOBAL, 0, "1", "Quantity"),
    _P("country_of_manufacture", "varchar", "select", WEBSITE, 0, None, "Country of Manufacture"),
    _P("category_ids", "static", "categories", GLOBAL, 0, None, "Categories"),
    _P("has_options", "static", "text", GLOBAL, 0, None, None),
    _P("required_options", "static", "text", GLOBAL, 0, None, None),
    _P("created_at", "static", "date", GLOBAL, 0, None, None),
    _P("updated_at", "static", "date", GLOBAL, 0, None, None),
)

CATEGORY: tuple[AttributeDef, ...] = (
    _P("name", "varchar", "text", STORE, 1, None, "Name"),
    _P("is_active", "int", "select", STORE, 1, None, "Is Active"),
    _P("description", "text", "textarea", STORE, 0, None, "Description"),
    _P("image", "varchar", "image", STORE, 0, None, "Image"),
    _P("meta_title", "varchar", "text", STORE, 0, None, "Page Title"),
    _P("meta_keywords", "text", "textarea", STORE, 0, None, "Meta Keywords"),
    _P("meta_description", "text", "textarea", STORE, 0, None, "Meta Description"),
    _P("display_mode", "varchar", "select", STORE, 0, None, "Display Mode"),
    _P("landing_page", "int", "select", STORE, 0, None, "CMS Block"),
    _P("is_anchor", "int", "select", GLOBAL, 0, "1", "Is Anchor"),
    _P("available_sort_by", "text", "multiselect", STORE, 1, None, "Available Product Listing"),
    _P("default_sort_by", "varchar", "select", STORE, 1, None, "Default Product Listing"),
    _P("include_in_menu", "int", "select", STORE, 1, "1", "Include in Navigation Menu"),
    _P("url_key", "varchar", "text", STORE, 0, None, "URL Key"),
    _P("url_path", "varchar", None, STORE, 0, None, None),
    _P("path", "static", "text", GLOBAL, 0, None, "Path"),
    _P("position", "static", "text", GLOBAL, 0, None, "Position"),
    _P("level", "static", "text", GLOBAL, 0, None, "Level"),
    _P("children_count", "static", "text", GLOBAL, 0, None, "Children Count"),
)

_CUSTOMER_STATIC = (
    "website_id store_id created_in prefix firstname middlename lastname suffix email group_id "
    "dob password_hash rp_token rp_token_created_at default_billing default_shipping taxvat "
    "confirmation created_at gender disable_auto_group_change updated_at failures_num "
    "first_failure lock_expires"
)

CUSTOMER: tuple[AttributeDef, ...] = tuple(
    _P(c, "static", "text") for c in _CUSTOMER_STATIC.split()
)

_ADDRESS_STATIC = (
    "city company country_id fax firstname lastname middlename postcode prefix region "
    "region_id street suffix telephone vat_id"
)

CUSTOMER_ADDRESS: tuple[AttributeDef, ...] = tuple(
    _P(c, "static", "text") for c in _ADDRESS_STATIC.split()
)

BY_ENTITY_TYPE: dict[int, tuple[AttributeDef, ...]] = {
    1: CUSTOMER,
    2: CUSTOMER_ADDRESS,
    3: CATEGORY,
    4: PRODUCT,
}
