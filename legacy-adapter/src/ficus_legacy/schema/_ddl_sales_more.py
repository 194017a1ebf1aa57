"""DDL of Magento's order payment, grid, history, status and sequence tables."""

from __future__ import annotations

_PAYMENT_MONEY = (
    "shipping_captured amount_refunded amount_paid amount_canceled amount_authorized "
    "amount_ordered shipping_amount shipping_refunded amount_paid_online amount_refunded_online"
)


def _payment() -> str:
    money = "\n".join(
        f"  {p}{name} decimal(20,4) DEFAULT NULL,"
        for name in _PAYMENT_MONEY.split()
        for p in ("base_", "")
    )
    return f"""
  entity_id int unsigned NOT NULL AUTO_INCREMENT,
  parent_id int unsigned NOT NULL,
{money}
  quote_payment_id int DEFAULT NULL,
  additional_data text DEFAULT NULL,
  cc_exp_month varchar(12) DEFAULT NULL,
  cc_ss_start_year varchar(12) DEFAULT NULL,
  echeck_bank_name varchar(128) DEFAULT NULL,
  method varchar(128) DEFAULT NULL,
  cc_debug_request_body varchar(32) DEFAULT NULL,
  cc_secure_verify varchar(32) DEFAULT NULL,
  protection_eligibility varchar(32) DEFAULT NULL,
  cc_approval varchar(32) DEFAULT NULL,
  cc_last_4 varchar(100) DEFAULT NULL,
  cc_status_description varchar(32) DEFAULT NULL,
  echeck_type varchar(32) DEFAULT NULL,
  cc_debug_response_serialized varchar(32) DEFAULT NULL,
  cc_ss_start_month varchar(128) DEFAULT NULL,
  echeck_account_type varchar(255) DEFAULT NULL,
  last_trans_id varchar(255) DEFAULT NULL,
  cc_cid_status varchar(32) DEFAULT NULL,
  cc_owner varchar(128) DEFAULT NULL,
  cc_type varchar(32) DEFAULT NULL,
  po_number varchar(32) DEFAULT NULL,
  cc_exp_year varchar(4) DEFAULT NULL,
  cc_status varchar(4) DEFAULT NULL,
  echeck_routing_number varchar(32) DEFAULT NULL,
  account_status varchar(32) DEFAULT NULL,
  anet_trans_method varchar(32) DEFAULT NULL,
  cc_debug_response_body varchar(32) DEFAULT NULL,
  cc_ss_issue varchar(32) DEFAULT NULL,
  echeck_account_name varchar(32) DEFAULT NULL,
  cc_avs_status varchar(32) DEFAULT NULL,
  cc_number_enc varchar(128) DEFAULT NULL,
  cc_trans_id varchar(32) DEFAULT NULL,
  address_status varchar(32) DEFAULT NULL,
  additional_information text DEFAULT NULL,
  PRIMARY KEY (entity_id),
  KEY SALES_ORDER_PAYMENT_PARENT_ID (parent_id),
  CONSTRAINT SALES_ORDER_PAYMENT_PARENT_ID_SALES_ORDER_ENTITY_ID FOREIGN KEY (parent_id)
    REFERENCES sales_order (entity_id) ON DELETE CASCADE"""


_GRID = """
  entity_id int unsigned NOT NULL,
  status varchar(32) DEFAULT NULL,
  store_id smallint unsigned DEFAULT NULL,
  store_name varchar(255) DEFAULT NULL,
  customer_id int unsigned DEFAULT NULL,
  base_grand_total decimal(20,4) DEFAULT NULL,
  base_total_paid decimal(20,4) DEFAULT NULL,
  grand_total decimal(20,4) DEFAULT NULL,
  total_paid decimal(20,4) DEFAULT NULL,
  increment_id varchar(50) DEFAULT NULL,
  base_currency_code varchar(3) DEFAULT NULL,
  order_currency_code varchar(255) DEFAULT NULL,
  shipping_name varchar(255) DEFAULT NULL,
  billing_name varchar(255) DEFAULT NULL,
  created_at timestamp NULL DEFAULT NULL,
  updated_at timestamp NULL DEFAULT NULL,
  billing_address varchar(255) DEFAULT NULL,
  shipping_address varchar(255) DEFAULT NULL,
  shipping_information varchar(255) DEFAULT NULL,
  customer_email varchar(255) DEFAULT NULL,
  customer_group varchar(255) DEFAULT NULL,
  subtotal decimal(20,4) DEFAULT NULL,
  shipping_and_handling decimal(20,4) DEFAULT NULL,
  customer_name varchar(255) DEFAULT NULL,
  payment_method varchar(255) DEFAULT NULL,
  total_refunded decimal(20,4) DEFAULT NULL,
  PRIMARY KEY (entity_id),
  UNIQUE KEY SALES_ORDER_GRID_INCREMENT_ID_STORE_ID (increment_id, store_id),
  KEY SALES_ORDER_GRID_STATUS (status),
  KEY SALES_ORDER_GRID_STORE_ID (store_id),
  KEY SALES_ORDER_GRID_BASE_GRAND_TOTAL (base_grand_total),
  KEY SALES_ORDER_GRID_GRAND_TOTAL (grand_total),
  KEY SALES_ORDER_GRID_CREATED_AT (created_at),
  KEY SALES_ORDER_GRID_UPDATED_AT (updated_at),
  KEY SALES_ORDER_GRID_CUSTOMER_ID (customer_id),
  FULLTEXT KEY FTI_65B9E9925EC58F0C7C2E2F6379C233E7 (increment_id, billing_name, shipping_name,
    shipping_address, billing_address, customer_name, customer_email)"""

SALES_MORE: tuple[tuple[str, str], ...] = (
    ("sales_order_payment", _payment()),
    ("sales_order_grid", _GRID),
    (
        "sales_order_status_history",
        """
  entity_id int unsigned NOT NULL AUTO_INCREMENT,
  parent_id int unsigned NOT NULL,
  is_customer_notified int DEFAULT NULL,
  is_visible_on_front smallint unsigned NOT NULL DEFAULT 0,
  comment text DEFAULT NULL,
  status varchar(32) DEFAULT NULL,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  entity_name varchar(32) DEFAULT NULL,
  PRIMARY KEY (entity_id),
  KEY SALES_ORDER_STATUS_HISTORY_PARENT_ID (parent_id),
  KEY SALES_ORDER_STATUS_HISTORY_CREATED_AT (created_at),
  CONSTRAINT SALES_ORDER_STATUS_HISTORY_PARENT_ID_SALES_ORDER_ENTITY_ID FOREIGN KEY (parent_id)
    REFERENCES sales_order (entity_id) ON DELETE CASCADE""",
    ),
    (
        "sales_order_status",
        """
  status varchar(32) NOT NULL,
  label varchar(128) NOT NULL,
  PRIMARY KEY (status)""",
    ),
    (
        "sales_order_status_state",
        """
  status varchar(32) NOT NULL,
  state varchar(32) NOT NULL,
  is_default smallint unsigned NOT NULL DEFAULT 0,
  visible_on_front smallint unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (status, state),
  CONSTRAINT SALES_ORDER_STATUS_STATE_STATUS_SALES_ORDER_STATUS_STATUS FOREIGN KEY (status)
    REFERENCES sales_order_status (status) ON DELETE CASCADE""",
    ),
    (
        "sales_order_status_label",
        """
  status varchar(32) NOT NULL,
  store_id smallint unsigned NOT NULL,
  label varchar(128) NOT NULL,
  PRIMARY KEY (status, store_id),
  KEY SALES_ORDER_STATUS_LABEL_STORE_ID (store_id),
  CONSTRAINT SALES_ORDER_STATUS_LABEL_STATUS_SALES_ORDER_STATUS_STATUS FOREIGN KEY (status)
    REFERENCES sales_order_status (status) ON DELETE CASCADE,
  CONSTRAINT SALES_ORDER_STATUS_LABEL_STORE_ID_STORE_STORE_ID FOREIGN KEY (store_id)
    REFERENCES store (store_id) ON DELETE CASCADE""",
    ),
    (
        "sales_sequence_meta",
        """
  meta_id int unsigned NOT NULL AUTO_INCREMENT,
  entity_type varchar(32) NOT NULL,
  store_id smallint unsigned NOT NULL,
  sequence_table varchar(64) NOT NULL,
  PRIMARY KEY (meta_id),
  UNIQUE KEY SALES_SEQUENCE_META_ENTITY_TYPE_STORE_ID (entity_type, store_id)""",
    ),
    (
        "sales_sequence_profile",
        """
  profile_id int unsigned NOT NULL AUTO_INCREMENT,
  meta_id int unsigned NOT NULL,
  prefix varchar(32) DEFAULT NULL,
  suffix varchar(32) DEFAULT NULL,
  start_value int unsigned NOT NULL DEFAULT 1,
  step int unsigned NOT NULL DEFAULT 1,
  max_value int unsigned NOT NULL,
  warning_value int unsigned NOT NULL,
  is_active tinyint(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (profile_id),
  UNIQUE KEY SALES_SEQUENCE_PROFILE_META_ID_PREFIX_SUFFIX (meta_id, prefix, suffix),
  CONSTRAINT SALES_SEQUENCE_PROFILE_META_ID_SALES_SEQUENCE_META_META_ID FOREIGN KEY (meta_id)
    REFERENCES sales_sequence_meta (meta_id) ON DELETE CASCADE""",
    ),
)
