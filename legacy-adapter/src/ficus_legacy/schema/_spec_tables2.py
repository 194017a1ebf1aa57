"""MAGENTO.md §A6–A10 facts (customers, quotes, orders, sequences, url rewrites)."""

from __future__ import annotations

from ficus_legacy.schema._spec_tables import _TS, Spec, _t

SPECS_2: list[Spec] = [
    _t("customer_entity", "entity_id int uns NN AI; website_id smallint uns;"
       " email varchar(255); group_id smallint uns NN =0; store_id smallint uns =0;"
       f" created_at {_TS}; updated_at {_TS}; is_active smallint uns NN =1;"
       " disable_auto_group_change smallint uns NN =0; created_in varchar(255);"
       " firstname varchar(255); middlename varchar(255); lastname varchar(255);"
       " prefix varchar(40); suffix varchar(40); dob date; password_hash varchar(128);"
       " rp_token varchar(128); rp_token_created_at datetime; default_billing int uns;"
       " default_shipping int uns; taxvat varchar(50); confirmation varchar(64);"
       " gender smallint uns; failures_num smallint =0; first_failure timestamp;"
       " lock_expires timestamp; session_cutoff timestamp; increment_id varchar(50)",
       unique=("email,website_id",),
       fks=("store_id->store SET NULL", "website_id->store_website SET NULL")),
    _t("customer_address_entity", "entity_id int uns NN AI; parent_id int uns;"
       " is_active smallint uns NN =1; firstname varchar(255) NN; lastname varchar(255) NN;"
       " city varchar(255) NN; telephone varchar(255) NN; country_id varchar(255) NN;"
       " street text NN; company varchar(255); postcode varchar(255); region varchar(255);"
       " fax varchar(255); middlename varchar(255); vat_id varchar(255); region_id int uns;"
       " prefix varchar(40); suffix varchar(40)",
       fks=("parent_id->customer_entity CASCADE",)),
    _t("customer_group", "customer_group_id int uns NN AI;"
       " customer_group_code varchar(32) NN; tax_class_id int uns NN =0"),
    _t("quote", "entity_id int uns NN AI; store_id smallint uns NN =0;"
       " is_active smallint uns =1; is_virtual smallint uns =0; items_count int uns =0;"
       " items_qty decimal(12,4) =0.0000; customer_id int uns; customer_group_id int uns =0;"
       " customer_email varchar(255); customer_firstname varchar(255);"
       " customer_lastname varchar(255); customer_is_guest smallint uns =0;"
       " reserved_order_id varchar(64); orig_order_id int uns =0;"
       " checkout_method varchar(255); coupon_code varchar(255); remote_ip varchar(45);"
       " base_currency_code varchar(255); quote_currency_code varchar(255);"
       " grand_total decimal(20,4) =0.0000; base_grand_total decimal(20,4) =0.0000;"
       " subtotal decimal(20,4); base_subtotal decimal(20,4);"
       " subtotal_with_discount decimal(20,4); base_subtotal_with_discount decimal(20,4);"
       " trigger_recollect smallint NN =0; converted_at timestamp",
       fks=("store_id->store CASCADE",)),
    _t("quote_item", "item_id int uns NN AI; quote_id int uns NN =0; parent_item_id int uns;"
       " product_id int uns; store_id smallint uns; sku varchar(255); name varchar(255);"
       " product_type varchar(255); qty decimal(12,4) NN =0.0000;"
       " price decimal(20,4) NN =0.0000; base_price decimal(20,4) NN =0.0000;"
       " custom_price decimal(20,4); row_total decimal(20,4) NN =0.0000;"
       " base_row_total decimal(20,4) NN =0.0000; weight decimal(12,4) =0.0000;"
       " row_weight decimal(12,4) =0.0000; price_incl_tax decimal(20,4);"
       " row_total_incl_tax decimal(20,4); additional_data text; applied_rule_ids text",
       fks=("quote_id->quote CASCADE", "parent_item_id->quote_item CASCADE",
            "store_id->store SET NULL")),
    _t("quote_address", "address_id int uns NN AI; quote_id int uns NN =0;"
       " address_type varchar(10); customer_id int uns; customer_address_id int uns;"
       " email varchar(255); firstname varchar(255); lastname varchar(255);"
       " company varchar(255); street varchar(255); city varchar(255); region varchar(255);"
       " telephone varchar(255); region_id int uns; postcode varchar(20);"
       " country_id varchar(30); same_as_billing smallint uns NN =0;"
       " shipping_method varchar(120); shipping_description varchar(255);"
       " weight decimal(12,4) NN =0.0000; subtotal decimal(20,4) NN =0.0000;"
       " base_subtotal decimal(20,4) NN =0.0000; tax_amount decimal(20,4) NN =0.0000;"
       " shipping_amount decimal(20,4) NN =0.0000; discount_amount decimal(20,4) NN =0.0000;"
       " grand_total decimal(20,4) NN =0.0000; base_grand_total decimal(20,4) NN =0.0000",
       fks=("quote_id->quote CASCADE",)),
    _t("quote_payment", "payment_id int uns NN AI; quote_id int uns NN =0;"
       " method varchar(255); po_number varchar(255); additional_information text",
       fks=("quote_id->quote CASCADE",)),
    _t("quote_id_mask", "entity_id int uns NN AI; quote_id int uns NN;"
       " masked_id varchar(32)", "entity_id,quote_id", fks=("quote_id->quote CASCADE",)),
    _t("quote_shipping_rate", "rate_id int uns NN AI; address_id int uns NN =0;"
       " carrier varchar(255); carrier_title varchar(255); code varchar(255);"
       " method varchar(255); method_title text; price decimal(20,4) NN =0.0000",
       fks=("address_id->quote_address CASCADE",)),
    _t("sales_order", "entity_id int uns NN AI; state varchar(32); status varchar(32);"
       " increment_id varchar(50); store_id smallint uns; customer_id int uns;"
       " customer_email varchar(128); customer_firstname varchar(128);"
       " customer_lastname varchar(128); customer_middlename varchar(128);"
       " customer_prefix varchar(32); customer_suffix varchar(32);"
       " customer_taxvat varchar(32); customer_group_id int; customer_is_guest smallint uns;"
       " customer_dob datetime; customer_gender int; customer_note text; quote_id int;"
       " billing_address_id int; shipping_address_id int; quote_address_id int;"
       " shipping_method varchar(120); applied_rule_ids varchar(128); remote_ip varchar(45);"
       " base_currency_code varchar(3); order_currency_code varchar(3);"
       " hold_before_state varchar(32); hold_before_status varchar(32);"
       " ext_order_id varchar(32); original_increment_id varchar(50);"
       " total_item_count smallint uns NN =0; weight decimal(12,4);"
       " total_qty_ordered decimal(12,4); grand_total decimal(20,4);"
       " base_grand_total decimal(20,4); subtotal decimal(20,4); tax_amount decimal(20,4);"
       " shipping_amount decimal(20,4); discount_amount decimal(20,4);"
       " total_paid decimal(20,4); total_due decimal(20,4); base_total_due decimal(20,4);"
       f" email_sent smallint; created_at {_TS}",
       unique=("increment_id,store_id",),
       fks=("store_id->store SET NULL", "customer_id->customer_entity SET NULL")),
    _t("sales_order_item", "item_id int uns NN AI; order_id int uns NN =0;"
       " parent_item_id int uns; quote_item_id int uns; product_id int uns;"
       " store_id smallint uns; product_type varchar(255); sku varchar(255);"
       " name varchar(255); product_options longtext; qty_ordered decimal(12,4) =0.0000;"
       " qty_invoiced decimal(12,4) =0.0000; qty_shipped decimal(12,4) =0.0000;"
       " qty_refunded decimal(12,4) =0.0000; qty_canceled decimal(12,4) =0.0000;"
       " price decimal(20,4) NN =0.0000; base_price decimal(20,4) NN =0.0000;"
       " original_price decimal(20,4); row_total decimal(20,4) NN =0.0000;"
       " base_row_total decimal(20,4) NN =0.0000; row_invoiced decimal(20,4) NN =0.0000;"
       " no_discount smallint uns NN =0",
       fks=("order_id->sales_order CASCADE", "store_id->store SET NULL")),
    _t("sales_order_address", "entity_id int uns NN AI; parent_id int uns;"
       " address_type varchar(255); street varchar(255); country_id varchar(2);"
       " email varchar(255)", fks=("parent_id->sales_order CASCADE",)),
    _t("sales_order_payment", "entity_id int uns NN AI; parent_id int uns NN;"
       " method varchar(128); amount_ordered decimal(20,4); base_amount_ordered decimal(20,4);"
       " last_trans_id varchar(255); additional_information text; cc_last_4 varchar(100);"
       " cc_type varchar(32); po_number varchar(32); quote_payment_id int",
       fks=("parent_id->sales_order CASCADE",)),
    _t("sales_order_grid", "entity_id int uns NN; status varchar(32); store_id smallint uns;"
       " increment_id varchar(50); grand_total decimal(20,4); base_grand_total decimal(20,4);"
       " base_currency_code varchar(3); customer_email varchar(255);"
       " payment_method varchar(255); created_at timestamp; updated_at timestamp",
       "entity_id", unique=("increment_id,store_id",), no_fks=True),
    _t("sales_order_status_history", "entity_id int uns NN AI; parent_id int uns NN;"
       " is_customer_notified int; is_visible_on_front smallint uns NN =0; comment text;"
       f" status varchar(32); created_at {_TS}; entity_name varchar(32)",
       fks=("parent_id->sales_order CASCADE",)),
    _t("sales_order_status", "status varchar(32) NN; label varchar(128) NN", "status"),
    _t("sales_order_status_state", "status varchar(32) NN; state varchar(32) NN;"
       " is_default smallint uns NN =0; visible_on_front smallint uns NN =0", "status,state",
       fks=("status->sales_order_status CASCADE",)),
    _t("sales_order_status_label", "status varchar(32) NN; store_id smallint uns NN;"
       " label varchar(128) NN", "status,store_id",
       fks=("status->sales_order_status CASCADE", "store_id->store CASCADE")),
    _t("sales_sequence_meta", "meta_id int uns NN AI; entity_type varchar(32) NN;"
       " store_id smallint uns NN; sequence_table varchar(64) NN",
       unique=("entity_type,store_id",)),
    _t("sales_sequence_profile", "profile_id int uns NN AI; meta_id int uns NN;"
       " prefix varchar(32); suffix varchar(32); start_value int uns NN =1;"
       " step int uns NN =1; max_value int uns NN; warning_value int uns NN",
       fks=("meta_id->sales_sequence_meta CASCADE",)),
    _t("sequence_order_1", "sequence_value int uns NN AI"),
    _t("url_rewrite", "url_rewrite_id int uns NN AI; entity_type varchar(32) NN;"
       " entity_id int uns NN; request_path varchar(255); target_path varchar(255);"
       " redirect_type smallint uns NN =0; store_id smallint uns NN; description varchar(255);"
       " is_autogenerated smallint uns NN =0; metadata varchar(255)",
       unique=("request_path,store_id",), no_fks=True),
    _t("catalog_url_rewrite_product_category", "url_rewrite_id int uns NN;"
       " category_id int uns NN; product_id int uns NN", "url_rewrite_id",
       fks=("url_rewrite_id->url_rewrite CASCADE", "category_id->catalog_category_entity CASCADE",
            "product_id->catalog_product_entity CASCADE")),
]  # fmt: skip
