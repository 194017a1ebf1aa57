"""The state hash that identifies an aggregate's state (pure).

The projector stores it per aggregate to emit only real changes; reverse sync's worker writes
it into `ficus_reverse_log.state_hash` for the state it left in Magento, and the projector
drops the echo whose rebuilt state has exactly that hash. Both sides MUST call `state_hash`.
"""

from __future__ import annotations

import hashlib
from typing import Final

from pydantic import BaseModel

DELETED_HASH: Final = "deleted"
"""The hash of an aggregate that no longer exists."""


def state_text(state: BaseModel) -> str:
    """The state's JSON (deterministic: the flatteners sort every list and mapping)."""
    return state.model_dump_json()


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def state_hash(state: BaseModel | None) -> str:
    """`text_hash(state_text(state))`, or `DELETED_HASH` for None (the aggregate is gone)."""
    return DELETED_HASH if state is None else text_hash(state_text(state))
