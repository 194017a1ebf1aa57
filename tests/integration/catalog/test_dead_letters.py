"""Dead letters: listed over HTTP-free helpers and the CLI, replayed after a fix."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from ficus_catalog.bootstrap import Catalog
from ficus_catalog.cli import main
from ficus_catalog.tables import DeadLetter
from ficus_catalog.testing import event_row, product_event, product_state
from tests.integration.catalog.conftest import EventTable

pytestmark = pytest.mark.integration


def test_replay_applies_what_now_fits_and_keeps_what_still_fails(
    catalog: Catalog, events: EventTable
) -> None:
    bad = event_row(product_event(product_state(21), 1))
    bad["payload"]["updated_at"] = "soon"
    events.publish(bad)
    assert catalog.consumer is not None
    catalog.consumer.drain()
    # A letter whose event is valid, as if a since-fixed bug had rejected it.
    fixed = {"seq": 999, **event_row(product_event(product_state(22), 1))}
    with catalog.sessions.begin() as session:
        session.add(
            DeadLetter(consumer="catalog", seq=999, event=fixed, error="RuntimeError: old bug")
        )

    assert [letter["seq"] for letter in catalog.dead_letters.letters()] == [1, 999]
    results = {r.seq: r.outcome for r in catalog.dead_letters.replay()}
    assert results == {1: "failed", 999: "applied"}
    assert catalog.reads.by_sku("SKU-00022") is not None
    with catalog.sessions() as session:
        assert session.execute(select(DeadLetter.seq)).scalars().all() == [1]


def test_cli_lists_dead_letters(
    catalog: Catalog,
    events: EventTable,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = event_row(product_event(product_state(23), 1))
    bad["payload"]["created_at"] = "never"
    events.publish(bad)
    assert catalog.consumer is not None
    catalog.consumer.drain()
    monkeypatch.setenv("FICUS_CATALOG_DB_URL", catalog.settings.db_url)
    with pytest.raises(SystemExit) as exit_info:
        main(["dlq", "list"])
    assert exit_info.value.code == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(line["seq"], "created_at" in line["error"]) for line in lines] == [(1, True)]
    with pytest.raises(SystemExit) as exit_info:
        main(["dlq", "replay"])
    assert exit_info.value.code == 1  # still invalid
