"""The admin API's endpoints under /api/v1; each is a thin call into the cutover service."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from ficus_control.api.auth import control_of, operator, reader, reporter, viewer
from ficus_control.api.plan import PlanDomainOut
from ficus_control.api.schemas import (
    AuditOut,
    AuditVerifyOut,
    CutoverIn,
    DomainOut,
    GatePolicyIn,
    ReenableIn,
    RollbackIn,
    TripIn,
)
from ficus_control.cutover import CutoverService
from ficus_control.cutover.core.transitions import lane_of
from ficus_control.errors import InvalidRequest
from ficus_control.tokens import Principal

router = APIRouter(prefix="/api/v1")


def _service(request: Request) -> CutoverService:
    return control_of(request).service


@router.get("/domains")
def list_domains(request: Request, _: Principal = Depends(reader)) -> list[DomainOut]:
    return [DomainOut.of(state) for state in _service(request).states()]


@router.get("/domains/{domain}")
def get_domain(domain: str, request: Request, _: Principal = Depends(reader)) -> DomainOut:
    return DomainOut.of(_service(request).get(domain))


@router.post("/domains/{domain}/cutover")
def cutover(
    domain: str, body: CutoverIn, request: Request, who: Principal = Depends(operator)
) -> DomainOut:
    service = _service(request)
    service.domains.require(domain)
    state = service.cutover(
        domain,
        body.direction,
        lane_of(body.stage, body.percent),
        who.actor,
        force=body.force,
        reason=body.reason,
        note=body.note,
    )
    return DomainOut.of(state)


@router.post("/domains/{domain}/rollback")
def rollback(
    domain: str, body: RollbackIn, request: Request, who: Principal = Depends(reporter)
) -> DomainOut:
    service = _service(request)
    service.domains.require(domain)
    if body.to is None and body.percent is not None:
        raise InvalidRequest(
            "a percent needs a target stage: to=canary (reads) or to=dual (writes)"
        )
    to = lane_of(body.to, body.percent) if body.to is not None else None
    state = service.rollback(
        domain, body.direction, who.actor, to, body.reason, body.measured, body.seen_reads,
        note=body.note, seen_writes=body.seen_writes, force=body.force,
        drain_timeout=body.drain_timeout,
    )  # fmt: skip
    return DomainOut.of(state)


@router.post("/domains/{domain}/trip")
def trip(
    domain: str, body: TripIn, request: Request, who: Principal = Depends(reporter)
) -> DomainOut:
    state = _service(request).trip(
        domain, body.direction, who.actor, body.reason, body.measured, body.seen_reads,
        note=body.note,
    )  # fmt: skip
    return DomainOut.of(state)


@router.post("/domains/{domain}/reenable")
def reenable(
    domain: str, body: ReenableIn, request: Request, who: Principal = Depends(operator)
) -> DomainOut:
    state = _service(request).reenable(domain, who.actor, body.reason, note=body.note)
    return DomainOut.of(state)


@router.get("/audit")
def audit(
    request: Request,
    domain: str | None = None,
    limit: int = Query(default=50),
    _: Principal = Depends(viewer),
) -> list[AuditOut]:
    return [AuditOut.of(record) for record in _service(request).audit(domain, limit)]


@router.get("/audit/verify")
def audit_verify(request: Request, _: Principal = Depends(viewer)) -> AuditVerifyOut:
    """Walk the audit log's hash chain; `broken_id` names the first row that does not fit."""
    return AuditVerifyOut.of(_service(request).verify_audit())


@router.put("/gates/{domain}/policy")
def set_gate_policy(
    domain: str, body: GatePolicyIn, request: Request, who: Principal = Depends(operator)
) -> dict[str, Any]:
    """Change a domain's gate thresholds ('*': the default for every domain); audited."""
    _service(request).set_policy(domain, body.policy(), who.actor, body.note)
    return {"domain": domain, "policy": asdict(body.policy())}


@router.get("/gates/{domain}")
def gates(domain: str, request: Request, _: Principal = Depends(viewer)) -> dict[str, Any]:
    """The gate policy's gates (reads beyond shadow), the writes gates with their evidence
    (`writes`: every forward move of writes) and, for a domain in the plan, where it stands with
    its next step's criteria (`plan`, as GET /plan/{domain} answers). `gated_by` says which of
    the two holds back a forward move: `plan` (plan gates on and the plan names the domain)
    or `policy`."""
    service = _service(request)
    report = service.gates(domain)
    body = {"domain": domain, "policy": asdict(report.policy), **report.as_dict()}
    body["writes"] = service.writes_gates(domain)[1]  # every forward writes move
    plan = control_of(request).plan
    planned = plan is not None and plan.plan.domain(domain) is not None
    if plan is not None and planned:
        body["plan"] = PlanDomainOut.of(plan.view(domain)).model_dump(mode="json")
    body["gated_by"] = "plan" if planned and service.plan_gate is not None else "policy"
    return body


@router.get("/diff/{domain}")
def diff(domain: str, request: Request, _: Principal = Depends(viewer)) -> dict[str, Any]:
    _service(request).domains.require(domain)
    return {"domain": domain, "proxies": control_of(request).diffs.diffs(domain)}
