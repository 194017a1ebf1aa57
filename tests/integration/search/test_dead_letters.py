"""Search's dead letters through `ficus_feed`: an invalid event is isolated and recorded, the
stream goes on, and `python -m ficus_search dlq list|replay` shows and re-applies them."""

from __future__ import annotations

import json

import psycopg
import pytest
from psycopg.types.json import Jsonb

from ficus_search.bootstrap import event_consumer
from ficus_search.cli import main
from ficus_search.metrics import SearchMetrics
from ficus_search.testing import write_events, write_raw_event
from tests.events import store_event
from tests.integration.search.conftest import Databases

pytestmark = pytest.mark.integration


def test_dlq_lists_and_replays_the_dead_letters(
    dbs: Databases, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = store_event(4, 1, "it").model_dump(mode="json")
    bad["entity_id"] = 40  # the payload names store 4
    write_raw_event(dbs.events, bad)
    write_events(dbs.events, [store_event(6, 1, "fr")])
    event_consumer(dbs.events, dbs.search, SearchMetrics()).drain()
    fixed = {"seq": 999, **store_event(5, 1, "de").model_dump(mode="json")}
    with psycopg.connect(dbs.search) as conn:  # as if a since-fixed bug had refused it
        conn.execute(
            "INSERT INTO search_dead_letter (seq, aggregate, entity_id, version, event, error)"
            " VALUES (999, 'store', 5, 1, %s, 'RuntimeError: old bug')",
            (Jsonb(fixed),),
        )
    monkeypatch.setenv("FICUS_SEARCH_DATABASE_URL", dbs.search)

    assert main(["dlq", "list"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(x["entity_id"], x["error"].split(":")[0]) for x in listed] == [
        (40, "InvalidEvent"),
        (5, "RuntimeError"),
    ]
    assert main(["dlq", "replay"]) == 1  # the invalid one still fails
    replayed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["seq"], r["outcome"]) for r in replayed] == [(1, "failed"), (999, "applied")]
    with psycopg.connect(dbs.search) as conn:
        codes = conn.execute("SELECT store_id, code FROM search_store ORDER BY 1").fetchall()
        letters = conn.execute("SELECT seq FROM search_dead_letter").fetchall()
    assert codes == [(5, "de"), (6, "fr")]
    assert letters == [(1,)]
