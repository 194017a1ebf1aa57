from __future__ import annotations

import pytest

from ficus_contracts.cutover import DomainCutover, Lane, Stage
from ficus_proxy.cutover.listener import row_to_cutover


def test_row_maps_to_the_shared_cutover_model() -> None:
    row = ("catalog", "canary", 25, "legacy", 0, False, 7)
    assert row_to_cutover(row) == DomainCutover(
        "catalog", Lane(Stage.CANARY, 25), Lane(Stage.LEGACY), False, 7
    )


@pytest.mark.parametrize(
    "row",
    [
        ("catalog", "sideways", 0, "legacy", 0, False, 1),
        ("catalog", "canary", 101, "legacy", 0, False, 1),
    ],
)
def test_invalid_rows_are_refused(row: tuple[object, ...]) -> None:
    with pytest.raises(ValueError):
        row_to_cutover(row)
