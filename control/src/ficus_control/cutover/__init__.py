"""Cutover: the service layer (`service.py`, against the ports in `ports.py`; `inmemory.py`
implements them for tests) over the pure domain in `core/`."""

from ficus_control.cutover.core.audit import Action, AuditEntry, AuditRecord
from ficus_control.cutover.core.domains import DEFAULT_DOMAINS, DomainRegistry
from ficus_control.cutover.core.gates import GatePolicy, LagReading, Measurements, ShadowWindow
from ficus_control.cutover.service import CutoverService, GateReport

__all__ = [
    "DEFAULT_DOMAINS",
    "Action",
    "AuditEntry",
    "AuditRecord",
    "CutoverService",
    "DomainRegistry",
    "GatePolicy",
    "GateReport",
    "LagReading",
    "Measurements",
    "ShadowWindow",
]
