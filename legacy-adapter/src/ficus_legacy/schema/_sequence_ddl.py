"""Per-store increment-id sequences (SalesSequence: meta, profile and `sequence_*_N` tables)."""

from __future__ import annotations

from ficus_legacy.types import Connection

SEQUENCE_ENTITY_TYPES = ("order", "invoice", "creditmemo", "shipment")
MAX_VALUE = 4294967295
WARNING_VALUE = 4294966295


def sequence_table(entity_type: str, store_id: int) -> str:
    return f"sequence_{entity_type}_{store_id}"


def create_store_sequences(conn: Connection, store_id: int) -> None:
    """Create the four sequences of a store as Magento's SequenceCreator does.

    Stores 0 and 1 get no prefix; every other store gets its store_id as prefix.
    """
    prefix = None if store_id <= 1 else str(store_id)
    with conn.cursor() as cur:
        for kind in SEQUENCE_ENTITY_TYPES:
            table = sequence_table(kind, store_id)
            cur.execute(
                f"CREATE TABLE IF NOT EXISTS `{table}` (sequence_value int unsigned NOT NULL"
                " AUTO_INCREMENT, PRIMARY KEY (sequence_value)) ENGINE=InnoDB"
                " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"
            )
            cur.execute(
                "INSERT INTO sales_sequence_meta (entity_type, store_id, sequence_table)"
                " VALUES (%s,%s,%s)",
                (kind, store_id, table),
            )
            cur.execute(
                "INSERT INTO sales_sequence_profile (meta_id, prefix, suffix, start_value, step,"
                " max_value, warning_value, is_active) VALUES (%s,%s,NULL,1,1,%s,%s,1)",
                (cur.lastrowid, prefix, MAX_VALUE, WARNING_VALUE),
            )
