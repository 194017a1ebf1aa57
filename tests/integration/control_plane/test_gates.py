"""Gates measured for real: mismatch rate from shadow_stat in the control database, forward lag
from sync's HTTP API (served by a MockTransport, or a closed port for 'unreachable')."""

from __future__ import annotations

import socket

import pytest

from ficus_contracts.cutover import Direction, Lane, Stage
from ficus_control.adapters.sync_lag import HttpLagProbe
from ficus_control.bootstrap import Control
from ficus_control.errors import GateRefused
from tests.integration.control_plane.conftest import SyncLag, seed_shadow

pytestmark = pytest.mark.integration

R = Direction.READS


def _at_shadow(control: Control) -> None:
    control.service.cutover("catalog", R, Lane(Stage.SHADOW), "a")


def test_mismatch_gate_refuses_with_measured_rate(control_db: str, control: Control) -> None:
    _at_shadow(control)
    seed_shadow(control_db, "catalog", 400, 12)
    with pytest.raises(GateRefused) as refused:
        control.service.cutover("catalog", R, Lane(Stage.CANARY, 10), "a")
    assert [r.name for r in refused.value.failed] == ["shadow_mismatch"]
    assert "measured 3.000% (400 samples, " in str(refused.value)
    assert "12 of 400 mismatched)" in str(refused.value)
    assert control.service.get("catalog").reads == Lane(Stage.SHADOW)


def test_lag_gate_refuses_with_measured_lag(control: Control, sync_lag: SyncLag) -> None:
    _at_shadow(control)
    sync_lag.body = {"domains": {"catalog": {"seconds_behind": 42.5, "events_behind": 9000}}}
    with pytest.raises(
        GateRefused, match=r"forward_lag unmet: measured 42.5s \(9000 events behind\)"
    ):
        control.service.cutover("catalog", R, Lane(Stage.CANARY, 10), "a")


@pytest.mark.usefixtures("clean_shadow")
def test_gates_pass_and_measurements_are_audited(control: Control) -> None:
    _at_shadow(control)
    control.service.cutover("catalog", R, Lane(Stage.CANARY, 10), "a")
    (latest,) = control.service.audit("catalog", 1)
    assert latest.entry.forced is False
    assert latest.entry.measured["shadow"]["compared"] == 500
    assert latest.entry.measured["forward_lag"]["seconds_behind"] == 0.2


def test_force_overrides_and_is_audited(control: Control, sync_lag: SyncLag) -> None:
    _at_shadow(control)
    sync_lag.status = 503
    state = control.service.cutover(
        "catalog", R, Lane(Stage.CANARY, 10), "cli:bob", force=True, reason="demo, sync down"
    )
    assert state.reads == Lane(Stage.CANARY, 10)
    (latest,) = control.service.audit("catalog", 1)
    assert (latest.entry.forced, latest.entry.reason) == (True, "demo, sync down")
    verdicts = {g["gate"]: g["passed"] for g in latest.entry.measured["gates"]}
    assert verdicts == {"forward_lag": False, "shadow_mismatch": False}


def test_unreachable_sync_fails_the_lag_gate_with_reason() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connection refused
        reading = HttpLagProbe(f"http://127.0.0.1:{port}", timeout=2.0).lag("catalog")
    assert reading.seconds_behind is None
    assert reading.error is not None and "sync unreachable" in reading.error


def test_sync_without_the_domain_fails_the_lag_gate(control: Control, sync_lag: SyncLag) -> None:
    sync_lag.body = {"domains": {"search": {"seconds_behind": 0.1, "events_behind": 0}}}
    report = control.service.gates("catalog")
    lag_result = report.results[0]
    assert not lag_result.passed
    assert "reports no lag for domain 'catalog'" in lag_result.measured
