"""Writing to Elasticsearch: the index behind the alias, the indexer that tails
`search_document.change_seq`, and full rebuilds with an atomic alias swap.

The indexer's checkpoint (`search_index_checkpoint`) moves by compare-and-set, so a rebuild
can pull it back to its snapshot point: every change after the snapshot is replayed into the
new index once the alias points at it (index and delete by id are idempotent).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch.helpers import BulkIndexError, bulk, streaming_bulk

from ficus_search import repository
from ficus_search.esengine import MAPPING_VERSION, MAPPINGS, SETTINGS, source_of
from ficus_search.metrics import SearchMetrics

log = logging.getLogger(__name__)

_CHANGES = """
SELECT store_id, entity_id, present, doc, change_seq, source_ts_ms FROM search_document
WHERE change_seq > %s ORDER BY change_seq LIMIT %s
"""


def doc_id(store_id: int, entity_id: int) -> str:
    return f"{store_id}-{entity_id}"


def new_index_name(alias: str) -> str:
    return f"{alias}_{time.time_ns()}"


def create_index(client: Elasticsearch, name: str, *, bulk_load: bool = False) -> None:
    settings = dict(SETTINGS)
    settings["refresh_interval"] = "-1" if bulk_load else "1s"
    client.indices.create(index=name, settings=settings, mappings=MAPPINGS)


def ensure_alias(client: Elasticsearch, alias: str) -> None:
    """Create a first index behind `alias` if the alias does not exist."""
    if client.indices.exists_alias(name=alias):
        return
    name = new_index_name(alias)
    create_index(client, name)
    client.indices.put_alias(index=name, name=alias)


def mapping_version(client: Elasticsearch, alias: str) -> int | None:
    """The mapping version of the index behind `alias` (0: from before versions were
    recorded; None: no alias)."""
    targets = alias_targets(client, alias)
    if not targets:
        return None
    body = client.indices.get_mapping(index=targets[-1]).body
    meta = next(iter(body.values()))["mappings"].get("_meta", {})
    return int(meta.get("ficus_mapping_version", 0))


def alias_targets(client: Elasticsearch, alias: str) -> list[str]:
    if not client.indices.exists_alias(name=alias):
        return []
    return sorted(client.indices.get_alias(name=alias).body)


def _action(row: dict[str, Any], index: str) -> dict[str, Any]:
    _id = doc_id(int(row["store_id"]), int(row["entity_id"]))
    if row["present"]:
        return {"_op_type": "index", "_index": index, "_id": _id, "_source": source_of(row["doc"])}
    return {"_op_type": "delete", "_index": index, "_id": _id}


def _not_found(error: dict[str, Any]) -> bool:
    """A delete of a document that is not there: nothing to do."""
    return bool(error.get("delete", {}).get("status") == 404)


class EsIndexer:
    """Copies document changes from Postgres to the alias, in change_seq order."""

    def __init__(
        self,
        client: Elasticsearch,
        db_url: str,
        alias: str,
        metrics: SearchMetrics | None = None,
        batch_size: int = 1000,
        rebuild_outdated: bool = True,
    ) -> None:
        self._client = client
        self._rebuild_outdated = rebuild_outdated
        self._checked_mapping = False
        self._db_url = db_url
        self._alias = alias
        self._metrics = metrics
        self._batch_size = batch_size
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.healthy = False

    def checkpoint(self) -> int:
        with repository.connect(self._db_url) as conn:
            row = conn.execute(
                "SELECT last_change FROM search_index_checkpoint WHERE name = %s", (self._alias,)
            ).fetchone()
        return 0 if row is None else int(row["last_change"])

    def pending(self) -> int:
        """Document changes not yet in Elasticsearch."""
        with repository.connect(self._db_url) as conn:
            row = conn.execute(
                "SELECT count(*) AS n FROM search_document WHERE change_seq > coalesce("
                "(SELECT last_change FROM search_index_checkpoint WHERE name = %s), 0)",
                (self._alias,),
            ).fetchone()
        return int(row["n"]) if row else 0

    def sync_once(self) -> int:
        """Index one batch of changes; returns how many were sent (0: caught up)."""
        with repository.connect(self._db_url) as conn:
            conn.execute(
                "INSERT INTO search_index_checkpoint VALUES (%s, 0) ON CONFLICT DO NOTHING",
                (self._alias,),
            )
            row = conn.execute(
                "SELECT last_change FROM search_index_checkpoint WHERE name = %s", (self._alias,)
            ).fetchone()
            last = int(row["last_change"]) if row else 0
            rows = conn.execute(_CHANGES, (last, self._batch_size)).fetchall()
        if not rows:
            return 0
        actions = (_action(r, self._alias) for r in rows)
        _, errors = bulk(self._client, actions, refresh=True, raise_on_error=False)
        assert isinstance(errors, list)
        failed = [e for e in errors if not _not_found(e)]
        if failed:
            raise BulkIndexError(f"{len(failed)} document(s) failed to index", failed)
        newest = int(rows[-1]["change_seq"])
        with repository.connect(self._db_url) as conn:
            conn.execute(
                "UPDATE search_index_checkpoint SET last_change = %s "
                "WHERE name = %s AND last_change = %s",
                (newest, self._alias, last),
            )
        self._observe(rows)
        return len(rows)

    def _observe(self, rows: list[dict[str, Any]]) -> None:
        if self._metrics is None:
            return
        now = time.time()
        self._metrics.indexed.inc(len(rows))
        for row in rows:
            if row["source_ts_ms"]:
                self._metrics.freshness.labels("elasticsearch").observe(
                    max(0.0, now - row["source_ts_ms"] / 1000)
                )

    def catch_up(self) -> int:
        total = 0
        while (sent := self.sync_once()) > 0:
            total += sent
        return total

    def wake(self) -> None:
        self._wake.set()

    def run(self, poll: float = 1.0) -> None:
        backoff = 0.1
        while not self._stop.is_set():
            try:
                self._wake.clear()
                ensure_alias(self._client, self._alias)  # ES may have come up after us
                self._check_mapping()
                self.catch_up()
                self.healthy = True
                backoff = 0.1
                self._wake.wait(poll)
            except (TransportError, ApiError, BulkIndexError, OSError) as exc:
                self.healthy = False
                log.warning("es indexer: %s; retrying in %.1fs", exc, backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)

    def _check_mapping(self) -> None:
        """Once: an index written by an older version (MAPPING_VERSION) is rebuilt with an
        alias swap; readers keep the old index until the swap."""
        if self._checked_mapping:
            return
        found = mapping_version(self._client, self._alias)
        if found is not None and found < MAPPING_VERSION:
            if not self._rebuild_outdated:
                log.warning(
                    "index behind %s has mapping version %d, this version writes %d: "
                    "run `ficus search rebuild`",
                    self._alias,
                    found,
                    MAPPING_VERSION,
                )
            else:
                log.warning(
                    "index behind %s has mapping version %d, this version writes %d: "
                    "rebuilding it (readers keep the old index until the alias swaps)",
                    self._alias,
                    found,
                    MAPPING_VERSION,
                )
                name = rebuild(self._client, self._db_url, self._alias)
                log.info("rebuilt %s into %s", self._alias, name)
        self._checked_mapping = True

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name="search-es-indexer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)


def _snapshot_rows(conn: repository.Conn, upto: int) -> Iterator[dict[str, Any]]:
    with conn.cursor(name="search_rebuild") as cur:
        cur.itersize = 2000
        cur.execute(
            "SELECT store_id, entity_id, present, doc FROM search_document "
            "WHERE present AND change_seq <= %s",
            (upto,),
        )
        yield from cur


def rebuild(
    client: Elasticsearch,
    db_url: str,
    alias: str,
    on_progress: Callable[[int, int], None] | None = None,
) -> str:
    """Build a new index from the stored documents and swap the alias to it atomically;
    readers keep reading the old index until the swap. Returns the new index name."""
    name = new_index_name(alias)
    create_index(client, name, bulk_load=True)
    with repository.connect(db_url) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        head = conn.execute(
            "SELECT coalesce(max(change_seq), 0) AS s, count(*) FILTER (WHERE present) AS n "
            "FROM search_document"
        ).fetchone()
        upto, total = (int(head["s"]), int(head["n"])) if head else (0, 0)
        actions = (_action(row, name) for row in _snapshot_rows(conn, upto))
        stream = streaming_bulk(client, actions, chunk_size=1000, raise_on_error=True)
        for done, _ in enumerate(stream, start=1):
            if on_progress is not None and (done % 500 == 0 or done == total):
                on_progress(done, total)
    client.indices.put_settings(index=name, settings={"refresh_interval": "1s"})
    client.indices.refresh(index=name)
    # One segment before readers arrive: less per-segment work (and garbage) per query.
    client.options(request_timeout=600).indices.forcemerge(index=name, max_num_segments=1)
    old = alias_targets(client, alias)
    actions_list: list[dict[str, Any]] = [{"remove": {"index": i, "alias": alias}} for i in old]
    actions_list.append({"add": {"index": name, "alias": alias}})
    client.indices.update_aliases(actions=actions_list)
    with repository.connect(db_url) as conn:
        conn.execute(
            "INSERT INTO search_index_checkpoint VALUES (%s, %s) ON CONFLICT (name) "
            "DO UPDATE SET last_change = LEAST(search_index_checkpoint.last_change, %s)",
            (alias, upto, upto),
        )
    _drop_stale(client, alias, keep={name, *old})
    return name


def _drop_stale(client: Elasticsearch, alias: str, keep: set[str]) -> None:
    """Delete indices of earlier rebuilds; the one just swapped out is kept until the next
    rebuild so that searches already running on it finish."""
    existing = client.indices.get(index=f"{alias}_*").body
    for index in existing:
        if index not in keep:
            client.indices.delete(index=index)
