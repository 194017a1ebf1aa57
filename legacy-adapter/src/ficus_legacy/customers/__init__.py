"""The customer aggregate on Magento's side: reading and writing `CustomerState` as Magento's
rows, the customer grid index, and what reverse sync needs of Magento's database (id blocks,
its clock, its reverse log).

Nothing here commits a customer write: the caller owns the transaction. `reserve_ids` and
`ensure_reverse_log` run DDL, which commits.
"""

from ficus_legacy.customers import grid
from ficus_legacy.customers.attributes import CustomerAttributes
from ficus_legacy.customers.clock import clock_offset_ms
from ficus_legacy.customers.errors import CustomerWriteError, DuplicateEmail, EntityIdTaken
from ficus_legacy.customers.ids import RESERVABLE_TABLES, reserve_ids
from ficus_legacy.customers.reader import read
from ficus_legacy.customers.reverse_log import ensure_reverse_log
from ficus_legacy.customers.writer import delete, write

__all__ = [
    "RESERVABLE_TABLES",
    "CustomerAttributes",
    "CustomerWriteError",
    "DuplicateEmail",
    "EntityIdTaken",
    "clock_offset_ms",
    "delete",
    "ensure_reverse_log",
    "grid",
    "read",
    "reserve_ids",
    "write",
]
