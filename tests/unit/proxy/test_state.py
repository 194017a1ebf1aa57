from __future__ import annotations

from ficus_contracts.cutover import DomainCutover, Lane, Stage
from ficus_contracts.guard.state import CutoverMap

NEW = Lane(Stage.NEW)


def test_local_trip_holds_until_confirmed_and_superseded() -> None:
    cutover = CutoverMap()
    cutover.replace_all([DomainCutover("catalog", NEW, version=4)])
    cutover.trip_reads("catalog")
    assert cutover.effective["catalog"].reads_fail_open_tripped
    # a resync with the old row does not undo the local trip
    cutover.replace_all([DomainCutover("catalog", NEW, version=4)])
    assert cutover.effective["catalog"].reads_fail_open_tripped
    # a newer row before control acknowledged the trip does not undo it either
    cutover.apply(DomainCutover("catalog", NEW, version=5))
    assert cutover.effective["catalog"].reads_fail_open_tripped
    cutover.trip_delivered("catalog")
    assert not cutover.is_tripped_locally("catalog")  # version 5 > 4 and delivered
    # from now on the database decides: tripped, then a person re-enables
    cutover.apply(DomainCutover("catalog", NEW, reads_fail_open_tripped=True, version=6))
    assert cutover.effective["catalog"].reads_fail_open_tripped
    cutover.apply(DomainCutover("catalog", NEW, reads_fail_open_tripped=False, version=7))
    assert not cutover.effective["catalog"].reads_fail_open_tripped


def test_trip_of_a_domain_without_a_row() -> None:
    cutover = CutoverMap()
    cutover.trip_reads("search")
    assert cutover.effective["search"].reads_fail_open_tripped
    assert cutover.get("other") is None
