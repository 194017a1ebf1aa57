"""Increment ids from Magento's sales sequences (SalesSequence/Model/Sequence.php).

Insert an empty row into `sequence_<type>_<store>`, read LAST_INSERT_ID, then format
`prefix + %09d(n) + suffix` with n = (id - start) * step + start.
"""

from __future__ import annotations

from typing import NamedTuple

from ficus_legacy.errors import SequenceError
from ficus_legacy.types import Connection


class SequenceProfile(NamedTuple):
    sequence_table: str
    prefix: str
    suffix: str
    start_value: int
    step: int


def sequence_profile(conn: Connection, entity_type: str, store_id: int) -> SequenceProfile:
    """The active profile of (entity_type, store_id); raises SequenceError when absent."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT m.sequence_table, p.prefix, p.suffix, p.start_value, p.step"
            " FROM sales_sequence_meta m JOIN sales_sequence_profile p ON p.meta_id = m.meta_id"
            " WHERE m.entity_type = %s AND m.store_id = %s AND p.is_active = 1",
            (entity_type, store_id),
        )
        row = cur.fetchone()
    if row is None:
        raise SequenceError(entity_type, store_id)
    table, prefix, suffix, start, step = row
    return SequenceProfile(table, prefix or "", suffix or "", int(start), int(step))


def format_increment_id(profile: SequenceProfile, last_id: int) -> str:
    """Magento's `sprintf("%s%'.09d%s", prefix, n, suffix)`."""
    n = (last_id - profile.start_value) * profile.step + profile.start_value
    return f"{profile.prefix}{n:09d}{profile.suffix}"


def next_increment_id(conn: Connection, entity_type: str = "order", store_id: int = 1) -> str:
    """Draw the next increment id of `entity_type` in `store_id` (e.g. "000000001")."""
    profile = sequence_profile(conn, entity_type, store_id)
    with conn.cursor() as cur:
        cur.execute(f"INSERT INTO `{profile.sequence_table}` () VALUES ()")
        cur.execute("SELECT LAST_INSERT_ID()")
        row = cur.fetchone()
    assert row is not None
    return format_increment_id(profile, int(row[0]))
