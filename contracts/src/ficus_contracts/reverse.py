"""Reverse sync's contract: the outbox a service writes, the log reverse sync keeps in Magento's
database, and the Magento id pool (pure: names, DDL text and row models; no driver).

Outbox (in the SERVICE's Postgres database, created by the service's Alembic migrations):

    outbox(id bigserial PK, aggregate text, entity_id bigint, kind text, payload jsonb,
           base jsonb, hlc bigint, service_version bigint, created_at timestamptz,
           acked_at timestamptz NULL)

A service writes its own rows and one outbox row in ONE transaction. `payload` is the full
aggregate after the write (CustomerState for `customer`); `base` is the service's state before
the write (the last forward event it applied merged with its writes that event had not seen, or
its own last write; None for a customer born in the service): the reverse worker 3-way merges
base / payload / Magento's current rows. `hlc` is the service's hybrid logical clock (ms << 16 |
counter) at the write. `NOTIFY ficus_outbox_<domain>` on commit wakes the worker. The worker sets
`acked_at` after Magento committed; the service treats un-acked rows of an aggregate as pending.
`revoke_before` (bigint NULL, added by `OUTBOX_REVOCATION_DDL`): a password changed or reset in
the service sets it to the change's Unix time; the reverse worker then writes Magento's
`jwt_auth_revoked` row (user type 3 = customer, the row's entity_id, `revoke_before`) in the same
MySQL transaction as the customer's rows, as Magento's AccountManagement does through
JwtUserToken's Revoker: a token issued at or before it is refused on both sides.

Reverse log (in MAGENTO's database, a Ficus-owned table, written by the reverse worker as the
FIRST statement of the one MySQL transaction that applies an outbox row):

    ficus_reverse_log(id bigint AI PK, domain varchar(32), outbox_id bigint, aggregate
                      varchar(32), entity_id int unsigned, state_hash varchar(64),
                      applied_at datetime(6), status varchar(16), error text,
                      UNIQUE(domain, outbox_id))

It is both the worker's checkpoint (max(outbox_id) per domain, committed with the effect: exactly
once across kill -9) and the no-echo marker: forward capture sees it in the same binlog
transaction (same GTID) before the rows it explains; `state_hash` is the hash of the aggregate's
state as Magento holds it after the write, so the projector drops the echo iff it projects
exactly that state. `status` is `applied`, `parked` (a manual conflict left Magento as it
was; `state_hash` empty) or `dead` (the reverse DLQ: the row could not be applied, `error` says
why; `state_hash` empty), so the stream goes on past both.

Magento id pool (in the SERVICE's database): ids of Magento entity tables reserved in blocks by
the reverse worker (which raises the table's AUTO_INCREMENT past the block), so a customer born in
the service gets its final Magento `entity_id` at once:

    magento_id_pool(entity_table text, entity_id bigint, PRIMARY KEY (entity_table, entity_id))

`magento_id_block(block_id)` records, in the same Postgres transaction as its ids, each block
the worker handed (block ids from its Ficus-owned MySQL table `ficus_id_block`): handing a block
again after a crash is then a no-op, never a second hand-out of ids already taken.
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict

OUTBOX_TABLE: Final = "outbox"
ID_POOL_TABLE: Final = "magento_id_pool"
REVERSE_LOG_TABLE: Final = "ficus_reverse_log"


def outbox_channel(domain: str) -> str:
    """The NOTIFY channel a service signals after committing outbox rows of `domain`."""
    return f"ficus_outbox_{domain}"


HLC_COUNTER_BITS: Final = 16


def hlc_physical_ms(hlc: int) -> int:
    """The wall-clock part (ms since the epoch) of a hybrid logical clock value."""
    return hlc >> HLC_COUNTER_BITS


class OutboxRow(BaseModel):
    """One outbox row as the reverse worker reads it (`payload`/`base` still as JSON dicts)."""

    model_config = ConfigDict(frozen=True)

    id: int
    aggregate: str
    entity_id: int
    kind: str  # "upserted" | "deleted"
    payload: dict[str, object] | None
    base: dict[str, object] | None
    hlc: int
    service_version: int
    revoke_before: int | None = None  # Unix time: the customer's older tokens are revoked


CUSTOMER_USER_TYPE: Final = 3
"""`UserContextInterface::USER_TYPE_CUSTOMER`: the `jwt_auth_revoked.user_type_id` of a
customer's tokens."""

OUTBOX_REVOCATION_DDL: Final = "ALTER TABLE outbox ADD COLUMN IF NOT EXISTS revoke_before bigint"
"""The outbox's `revoke_before` column (customer migration 0005; the reverse worker runs it too,
for a service database migrated before it existed)."""


ID_BLOCK_DDL: Final = """
CREATE TABLE IF NOT EXISTS magento_id_block (
    block_id  bigint      PRIMARY KEY,
    handed_at timestamptz NOT NULL DEFAULT now()
);
"""
"""The id blocks the reverse worker handed to the pool (part of OUTBOX_DDL; the worker also
runs it, for a service database migrated before the table existed)."""

OUTBOX_DDL: Final = (
    """
CREATE TABLE IF NOT EXISTS outbox (
    id              bigserial PRIMARY KEY,
    aggregate       text        NOT NULL,
    entity_id       bigint      NOT NULL,
    kind            text        NOT NULL,
    payload         jsonb,
    base            jsonb,
    hlc             bigint      NOT NULL,
    service_version bigint      NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    acked_at        timestamptz
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (id) WHERE acked_at IS NULL;
CREATE INDEX IF NOT EXISTS outbox_entity ON outbox (aggregate, entity_id) WHERE acked_at IS NULL;
CREATE TABLE IF NOT EXISTS magento_id_pool (
    entity_table text   NOT NULL,
    entity_id    bigint NOT NULL,
    PRIMARY KEY (entity_table, entity_id)
);
"""
    + ID_BLOCK_DDL
)
"""What a service's migration creates for reverse sync (the customer service's 0001 runs it)."""

REVERSE_LOG_DDL: Final = """
CREATE TABLE IF NOT EXISTS ficus_reverse_log (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  domain varchar(32) NOT NULL,
  outbox_id bigint unsigned NOT NULL,
  aggregate varchar(32) NOT NULL,
  entity_id int unsigned NOT NULL,
  state_hash varchar(64) NOT NULL,
  applied_at datetime(6) NOT NULL,
  status varchar(16) NOT NULL DEFAULT 'applied',
  error text NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ficus_reverse_log_outbox (domain, outbox_id)
) ENGINE=InnoDB
"""
"""The Ficus-owned table in Magento's database (created by the reverse worker at start)."""
