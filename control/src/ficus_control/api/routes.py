"""The admin API's endpoints under /api/v1; each is a thin call into the cutover service."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from ficus_control.api.auth import control_of, operator, viewer
from ficus_control.api.schemas import (
    AuditOut,
    CutoverIn,
    DomainOut,
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


def _actor(given: str | None, principal: Principal) -> str:
    return given or f"token:{principal.name}"


@router.get("/domains")
def list_domains(request: Request, _: Principal = Depends(viewer)) -> list[DomainOut]:
    return [DomainOut.of(state) for state in _service(request).states()]


@router.get("/domains/{domain}")
def get_domain(domain: str, request: Request, _: Principal = Depends(viewer)) -> DomainOut:
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
        _actor(body.actor, who),
        force=body.force,
        reason=body.reason,
    )
    return DomainOut.of(state)


@router.post("/domains/{domain}/rollback")
def rollback(
    domain: str, body: RollbackIn, request: Request, who: Principal = Depends(operator)
) -> DomainOut:
    service = _service(request)
    service.domains.require(domain)
    if body.to is None and body.percent is not None:
        raise InvalidRequest("a percent needs a target stage: to=canary")
    to = lane_of(body.to, body.percent) if body.to is not None else None
    state = service.rollback(
        domain, body.direction, _actor(body.actor, who), to, body.reason, body.measured,
        body.seen_reads,
    )  # fmt: skip
    return DomainOut.of(state)


@router.post("/domains/{domain}/trip")
def trip(
    domain: str, body: TripIn, request: Request, who: Principal = Depends(operator)
) -> DomainOut:
    state = _service(request).trip(
        domain, body.direction, _actor(body.actor, who), body.reason, body.measured,
        body.seen_reads,
    )  # fmt: skip
    return DomainOut.of(state)


@router.post("/domains/{domain}/reenable")
def reenable(
    domain: str, body: ReenableIn, request: Request, who: Principal = Depends(operator)
) -> DomainOut:
    state = _service(request).reenable(domain, _actor(body.actor, who), body.reason)
    return DomainOut.of(state)


@router.get("/audit")
def audit(
    request: Request,
    domain: str | None = None,
    limit: int = Query(default=50),
    _: Principal = Depends(viewer),
) -> list[AuditOut]:
    return [AuditOut.of(record) for record in _service(request).audit(domain, limit)]


@router.get("/gates/{domain}")
def gates(domain: str, request: Request, _: Principal = Depends(viewer)) -> dict[str, Any]:
    report = _service(request).gates(domain)
    return {"domain": domain, "policy": asdict(report.policy), **report.as_dict()}


@router.get("/diff/{domain}")
def diff(domain: str, request: Request, _: Principal = Depends(viewer)) -> dict[str, Any]:
    _service(request).domains.require(domain)
    return {"domain": domain, "proxies": control_of(request).diffs.diffs(domain)}
