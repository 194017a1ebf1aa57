"""Telling the services, through the forward event path, about a customer Magento does not
hold: `conflicts resolve ID --take magento` of a customer the service has and Magento has not
(born in the service and parked on an email clash, or deleted in Magento while the service
edited it). Sync's projector only emits for aggregates it projected, so the customer gets a
projection row first; rebuilt from the mirror (where it does not exist) it is emitted as a
deletion. The Magento customer that holds the email is then re-emitted as a new version, in a
later transaction, so the service applies it after the deletion freed the email. Both in sync's
own database under the apply lock (no batch projects meanwhile); the service's database is
never written."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from ficus_sync import database
from ficus_sync.mirror import PgConn, TouchSet
from ficus_sync.projector import Projector

AGGREGATE: Final = "customer"


def retract(pg: PgConn, projector: Projector, gone: Sequence[int], holders: Sequence[int]) -> int:
    """Emit `gone` as deleted, then `holders`' current states; returns the events emitted."""
    emitted = 0
    for ids, placeholder in ((gone, True), (holders, False)):
        if not ids:
            continue
        with pg.transaction():
            pg.execute("SELECT pg_advisory_xact_lock(%s)", (database.APPLY_LOCK,))
            if placeholder:  # a projection row to emit from (version 0: the deletion is 1)
                pg.execute(
                    "INSERT INTO projection (aggregate, entity_id, version, state_hash, last_seq)"
                    " SELECT %s, unnest(%s::bigint[]), 0, 'repair', 0 ON CONFLICT DO NOTHING",
                    (AGGREGATE, list(ids)),
                )
            database.force_reemit(pg, AGGREGATE, ids)
            touches = TouchSet(keys={(AGGREGATE, entity_id) for entity_id in ids})
            emitted += projector.project(pg, touches, None)
            database.notify(pg)
    return emitted
