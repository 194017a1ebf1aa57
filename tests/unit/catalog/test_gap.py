from ficus_contracts.gap import GapGuard


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def rows(*seqs: int) -> list[dict[str, int]]:
    return [{"seq": s} for s in seqs]


def test_contiguous_rows_pass() -> None:
    assert GapGuard(0.5, Clock()).admit(3, rows(4, 5, 6)) == rows(4, 5, 6)


def test_rows_after_a_hole_wait_until_the_grace_expires() -> None:
    clock = Clock()
    guard = GapGuard(0.5, clock)
    assert guard.admit(3, rows(4, 6, 7)) == rows(4)
    assert guard.holding
    clock.now = 0.4
    assert guard.admit(4, rows(6, 7)) == []
    clock.now = 0.6
    assert guard.admit(4, rows(6, 7)) == rows(6, 7)


def test_a_hole_that_fills_in_time_loses_nothing() -> None:
    clock = Clock()
    guard = GapGuard(0.5, clock)
    assert guard.admit(3, rows(4, 6)) == rows(4)
    clock.now = 0.1
    assert guard.admit(4, rows(5, 6)) == rows(5, 6)
    assert guard.admit(6, []) == []
    assert not guard.holding
