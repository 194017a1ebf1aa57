"""DDL of Magento's order tables (Sales, SalesSequence db_schema.xml)."""

from __future__ import annotations

from ficus_legacy.schema._ddl_sales_more import SALES_MORE

_MONEY = (
    "discount_amount discount_canceled discount_invoiced discount_refunded grand_total "
    "shipping_amount shipping_canceled shipping_invoiced shipping_refunded shipping_tax_amount "
    "shipping_tax_refunded subtotal subtotal_canceled subtotal_invoiced subtotal_refunded "
    "tax_amount tax_canceled tax_invoiced tax_refunded total_canceled total_invoiced "
    "total_offline_refunded total_online_refunded total_paid total_qty_ordered total_refunded "
    "adjustment_negative adjustment_positive payment_authorization_amount "
    "shipping_discount_amount subtotal_incl_tax total_due shipping_incl_tax "
    "discount_tax_compensation_amount discount_tax_compensation_invoiced "
    "discount_tax_compensation_refunded shipping_discount_tax_compensation_amount"
)

_NO_BASE = {"total_qty_ordered", "payment_authorization_amount"}


def _money_columns() -> str:
    lines = []
    for name in _MONEY.split():
        kind = "decimal(12,4)" if name == "total_qty_ordered" else "decimal(20,4)"
        lines.append(f"  {name} {kind} DEFAULT NULL,")
        if name not in _NO_BASE:
            lines.append(f"  base_{name} decimal(20,4) DEFAULT NULL,")
    return "\n".join(lines)


_ORDER = f"""
  entity_id int unsigned NOT NULL AUTO_INCREMENT,
  state varchar(32) DEFAULT NULL,
  status varchar(32) DEFAULT NULL,
  coupon_code varchar(255) DEFAULT NULL,
  protect_code varchar(255) DEFAULT NULL,
  shipping_description varchar(255) DEFAULT NULL,
  is_virtual smallint unsigned DEFAULT NULL,
  store_id smallint unsigned DEFAULT NULL,
  customer_id int unsigned DEFAULT NULL,
{_money_columns()}
  base_to_global_rate decimal(20,4) DEFAULT NULL,
  base_to_order_rate decimal(20,4) DEFAULT NULL,
  store_to_base_rate decimal(12,4) DEFAULT NULL,
  store_to_order_rate decimal(12,4) DEFAULT NULL,
  can_ship_partially smallint unsigned DEFAULT NULL,
  can_ship_partially_item smallint unsigned DEFAULT NULL,
  customer_is_guest smallint unsigned DEFAULT NULL,
  customer_note_notify smallint unsigned DEFAULT NULL,
  billing_address_id int DEFAULT NULL,
  customer_group_id int DEFAULT NULL,
  edit_increment int DEFAULT NULL,
  email_sent smallint DEFAULT NULL,
  send_email smallint DEFAULT NULL,
  forced_shipment_with_invoice smallint unsigned DEFAULT NULL,
  payment_auth_expiration int DEFAULT NULL,
  quote_address_id int DEFAULT NULL,
  quote_id int DEFAULT NULL,
  shipping_address_id int DEFAULT NULL,
  weight decimal(12,4) DEFAULT NULL,
  customer_dob datetime DEFAULT NULL,
  increment_id varchar(50) DEFAULT NULL,
  applied_rule_ids varchar(128) DEFAULT NULL,
  base_currency_code varchar(3) DEFAULT NULL,
  customer_email varchar(128) DEFAULT NULL,
  customer_firstname varchar(128) DEFAULT NULL,
  customer_lastname varchar(128) DEFAULT NULL,
  customer_middlename varchar(128) DEFAULT NULL,
  customer_prefix varchar(32) DEFAULT NULL,
  customer_suffix varchar(32) DEFAULT NULL,
  customer_taxvat varchar(32) DEFAULT NULL,
  discount_description varchar(255) DEFAULT NULL,
  ext_customer_id varchar(32) DEFAULT NULL,
  ext_order_id varchar(32) DEFAULT NULL,
  global_currency_code varchar(3) DEFAULT NULL,
  hold_before_state varchar(32) DEFAULT NULL,
  hold_before_status varchar(32) DEFAULT NULL,
  order_currency_code varchar(3) DEFAULT NULL,
  original_increment_id varchar(50) DEFAULT NULL,
  relation_child_id varchar(32) DEFAULT NULL,
  relation_child_real_id varchar(32) DEFAULT NULL,
  relation_parent_id varchar(32) DEFAULT NULL,
  relation_parent_real_id varchar(32) DEFAULT NULL,
  remote_ip varchar(45) DEFAULT NULL,
  shipping_method varchar(120) DEFAULT NULL,
  store_currency_code varchar(3) DEFAULT NULL,
  store_name varchar(255) DEFAULT NULL,
  x_forwarded_for varchar(255) DEFAULT NULL,
  customer_note text DEFAULT NULL,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  total_item_count smallint unsigned NOT NULL DEFAULT 0,
  customer_gender int DEFAULT NULL,
  coupon_rule_name varchar(255) DEFAULT NULL,
  paypal_ipn_customer_notified int DEFAULT 0,
  gift_message_id int DEFAULT NULL,
  PRIMARY KEY (entity_id),
  UNIQUE KEY SALES_ORDER_INCREMENT_ID_STORE_ID (increment_id, store_id),
  KEY SALES_ORDER_STATUS (status),
  KEY SALES_ORDER_STATE (state),
  KEY SALES_ORDER_STORE_ID (store_id),
  KEY SALES_ORDER_CREATED_AT (created_at),
  KEY SALES_ORDER_CUSTOMER_ID (customer_id),
  KEY SALES_ORDER_EXT_ORDER_ID (ext_order_id),
  KEY SALES_ORDER_QUOTE_ID (quote_id),
  KEY SALES_ORDER_UPDATED_AT (updated_at),
  KEY SALES_ORDER_SEND_EMAIL (send_email),
  KEY SALES_ORDER_EMAIL_SENT (email_sent),
  KEY SALES_ORDER_STORE_ID_STATE_CREATED_AT (store_id, state, created_at),
  CONSTRAINT SALES_ORDER_CUSTOMER_ID_CUSTOMER_ENTITY_ENTITY_ID FOREIGN KEY (customer_id)
    REFERENCES customer_entity (entity_id) ON DELETE SET NULL,
  CONSTRAINT SALES_ORDER_STORE_ID_STORE_STORE_ID FOREIGN KEY (store_id)
    REFERENCES store (store_id) ON DELETE SET NULL"""

_ITEM = """
  item_id int unsigned NOT NULL AUTO_INCREMENT,
  order_id int unsigned NOT NULL DEFAULT 0,
  parent_item_id int unsigned DEFAULT NULL,
  quote_item_id int unsigned DEFAULT NULL,
  store_id smallint unsigned DEFAULT NULL,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  product_id int unsigned DEFAULT NULL,
  product_type varchar(255) DEFAULT NULL,
  product_options longtext DEFAULT NULL,
  weight decimal(12,4) DEFAULT 0.0000,
  is_virtual smallint unsigned DEFAULT NULL,
  sku varchar(255) DEFAULT NULL,
  name varchar(255) DEFAULT NULL,
  description text DEFAULT NULL,
  applied_rule_ids text DEFAULT NULL,
  additional_data text DEFAULT NULL,
  is_qty_decimal smallint unsigned DEFAULT NULL,
  no_discount smallint unsigned NOT NULL DEFAULT 0,
  qty_backordered decimal(12,4) DEFAULT 0.0000,
  qty_canceled decimal(12,4) DEFAULT 0.0000,
  qty_invoiced decimal(12,4) DEFAULT 0.0000,
  qty_ordered decimal(12,4) DEFAULT 0.0000,
  qty_refunded decimal(12,4) DEFAULT 0.0000,
  qty_shipped decimal(12,4) DEFAULT 0.0000,
  base_cost decimal(12,4) DEFAULT 0.0000,
  price decimal(20,4) NOT NULL DEFAULT 0.0000,
  base_price decimal(20,4) NOT NULL DEFAULT 0.0000,
  original_price decimal(20,4) DEFAULT NULL,
  base_original_price decimal(20,4) DEFAULT NULL,
  tax_percent decimal(12,4) DEFAULT 0.0000,
  tax_amount decimal(20,4) DEFAULT 0.0000,
  base_tax_amount decimal(20,4) DEFAULT 0.0000,
  tax_invoiced decimal(20,4) DEFAULT 0.0000,
  base_tax_invoiced decimal(20,4) DEFAULT 0.0000,
  discount_percent decimal(12,4) DEFAULT 0.0000,
  discount_amount decimal(20,4) DEFAULT 0.0000,
  base_discount_amount decimal(20,4) DEFAULT 0.0000,
  discount_invoiced decimal(20,4) DEFAULT 0.0000,
  base_discount_invoiced decimal(20,4) DEFAULT 0.0000,
  amount_refunded decimal(20,4) DEFAULT 0.0000,
  base_amount_refunded decimal(20,4) DEFAULT 0.0000,
  row_total decimal(20,4) NOT NULL DEFAULT 0.0000,
  base_row_total decimal(20,4) NOT NULL DEFAULT 0.0000,
  row_invoiced decimal(20,4) NOT NULL DEFAULT 0.0000,
  base_row_invoiced decimal(20,4) NOT NULL DEFAULT 0.0000,
  row_weight decimal(12,4) DEFAULT 0.0000,
  price_incl_tax decimal(20,4) DEFAULT NULL,
  base_price_incl_tax decimal(20,4) DEFAULT NULL,
  row_total_incl_tax decimal(20,4) DEFAULT NULL,
  base_row_total_incl_tax decimal(20,4) DEFAULT NULL,
  free_shipping smallint unsigned DEFAULT NULL,
  gift_message_id int DEFAULT NULL,
  PRIMARY KEY (item_id),
  KEY SALES_ORDER_ITEM_ORDER_ID (order_id),
  KEY SALES_ORDER_ITEM_STORE_ID (store_id),
  CONSTRAINT SALES_ORDER_ITEM_ORDER_ID_SALES_ORDER_ENTITY_ID FOREIGN KEY (order_id)
    REFERENCES sales_order (entity_id) ON DELETE CASCADE,
  CONSTRAINT SALES_ORDER_ITEM_STORE_ID_STORE_STORE_ID FOREIGN KEY (store_id)
    REFERENCES store (store_id) ON DELETE SET NULL"""

_ADDRESS = """
  entity_id int unsigned NOT NULL AUTO_INCREMENT,
  parent_id int unsigned DEFAULT NULL,
  customer_address_id int DEFAULT NULL,
  quote_address_id int DEFAULT NULL,
  region_id int DEFAULT NULL,
  customer_id int DEFAULT NULL,
  fax varchar(255) DEFAULT NULL,
  region varchar(255) DEFAULT NULL,
  postcode varchar(255) DEFAULT NULL,
  lastname varchar(255) DEFAULT NULL,
  street varchar(255) DEFAULT NULL,
  city varchar(255) DEFAULT NULL,
  email varchar(255) DEFAULT NULL,
  telephone varchar(255) DEFAULT NULL,
  country_id varchar(2) DEFAULT NULL,
  firstname varchar(255) DEFAULT NULL,
  address_type varchar(255) DEFAULT NULL,
  prefix varchar(255) DEFAULT NULL,
  middlename varchar(255) DEFAULT NULL,
  suffix varchar(255) DEFAULT NULL,
  company varchar(255) DEFAULT NULL,
  vat_id text DEFAULT NULL,
  vat_is_valid smallint DEFAULT NULL,
  vat_request_id text DEFAULT NULL,
  vat_request_date text DEFAULT NULL,
  vat_request_success smallint DEFAULT NULL,
  PRIMARY KEY (entity_id),
  KEY SALES_ORDER_ADDRESS_PARENT_ID (parent_id),
  CONSTRAINT SALES_ORDER_ADDRESS_PARENT_ID_SALES_ORDER_ENTITY_ID FOREIGN KEY (parent_id)
    REFERENCES sales_order (entity_id) ON DELETE CASCADE"""

SALES_ORDER: tuple[tuple[str, str], ...] = (
    ("sales_order", _ORDER),
    ("sales_order_item", _ITEM),
    ("sales_order_address", _ADDRESS),
)

SALES: tuple[tuple[str, str], ...] = (*SALES_ORDER, *SALES_MORE)
