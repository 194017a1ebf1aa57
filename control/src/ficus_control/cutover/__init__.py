"""Cutover domain and service layer: stages per lane, transition rules, gates, audit."""

from ficus_control.cutover.audit import Action, AuditEntry, AuditRecord
from ficus_control.cutover.domains import DEFAULT_DOMAINS, DomainRegistry
from ficus_control.cutover.gates import GatePolicy, LagReading, Measurements, ShadowWindow
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
