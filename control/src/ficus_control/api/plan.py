"""The admin API's plan endpoints under /api/v1 (the dashboard shows exactly these):
where every domain stands, its next step's criteria, taking that step, loading a plan,
recording a reconciliation."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from ficus_control.api.auth import control_of, operator, viewer
from ficus_control.api.schemas import DomainOut, LaneOut
from ficus_control.errors import StoreUnavailable
from ficus_control.plan.loader import plan_from_text
from ficus_control.plan.service import DomainView, PlanService, result_dict
from ficus_control.tokens import Principal

router = APIRouter()


class SoakOut(BaseModel):
    required_s: float
    held_s: float


class CriterionOut(BaseModel):
    name: str
    signal: str
    threshold: str
    measured: str | None
    status: Literal["met", "unmet", "no_evidence"]
    soak: SoakOut | None


class StepOut(BaseModel):
    step: str
    status: Literal["done", "current", "todo"]
    phase: int
    lane: str
    to: str


class NextOut(BaseModel):
    step: str
    command: str
    ready: bool
    criteria: list[CriterionOut]
    blocked: str | None = Field(description="why the cutover model cannot take this step yet")


class PlanDomainOut(BaseModel):
    domain: str
    phase: int
    step: str
    reads: LaneOut
    writes: LaneOut
    steps: list[StepOut]
    next: NextOut | None

    @classmethod
    def of(cls, view: DomainView) -> PlanDomainOut:
        where, state = view.progress, view.state
        following = None
        if where.next is not None and view.command is not None:
            criteria = [CriterionOut.model_validate(result_dict(r)) for r in view.results]
            following = NextOut(
                step=where.next.name, command=view.command, ready=view.ready,
                criteria=criteria, blocked=view.blocked,
            )  # fmt: skip
        return cls(
            domain=state.domain,
            phase=where.phase,
            step=where.step_name,
            reads=LaneOut.of(state.reads),
            writes=LaneOut.of(state.writes),
            steps=[
                StepOut(
                    step=s.name,
                    status=status.value,
                    phase=s.phase,
                    lane=s.direction.value,
                    to=s.label().split("→ ")[1],
                )
                for s, status in where.statuses()
            ],  # fmt: skip
            next=following,
        )


class PlanOut(BaseModel):
    version: str
    source: str
    domains: list[PlanDomainOut]


class NextIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000)
    force: bool = False


class PlanIn(BaseModel):
    source: str = Field(max_length=500, description="where the text comes from (a file name)")
    text: str = Field(max_length=200_000, description="the plan's YAML")


class ReconciliationIn(BaseModel):
    domain: str
    sampled: int = Field(ge=0)
    mismatched: int = Field(ge=0)
    detail: dict[str, Any] = Field(default_factory=dict)


def _plan(request: Request) -> PlanService:
    plan = control_of(request).plan
    if plan is None:
        raise StoreUnavailable("this control plane was started without a plan")
    return plan


@router.get("/plan")
def get_plan(request: Request, _: Principal = Depends(viewer)) -> PlanOut:
    """Every domain of the plan: phase, step, lanes, steps, the next step's criteria."""
    plan = _plan(request)
    domains = [PlanDomainOut.of(view) for view in plan.views()]
    return PlanOut(version=plan.plan.version, source=plan.plan.source, domains=domains)


@router.get("/plan/{domain}")
def get_plan_domain(domain: str, request: Request, _: Principal = Depends(viewer)) -> PlanDomainOut:
    return PlanDomainOut.of(_plan(request).view(domain))


@router.post("/plan/{domain}/next")
def plan_next(
    domain: str, body: NextIn, request: Request, who: Principal = Depends(operator)
) -> DomainOut:
    """Take the domain's next step; 409 with `failed_criteria` when they do not hold."""
    state = _plan(request).advance(domain, who.actor, body.force, body.reason or "")
    return DomainOut.of(state)


@router.post("/plan")
def load_plan(body: PlanIn, request: Request, _: Principal = Depends(operator)) -> dict[str, Any]:
    """Validate a plan (400 naming the file, domain, step and bad word), store its version and
    use it from now on."""
    plan = _plan(request)
    loaded = plan_from_text(body.text, body.source, plan.cutover.domains.names)
    new = plan.load(loaded)
    return {"version": loaded.plan.version, "source": body.source, "new": new}


@router.post("/reconciliations")
def record_reconciliation(
    body: ReconciliationIn, request: Request, _: Principal = Depends(operator)
) -> dict[str, int]:
    """Record a consistency check's result (`ficus reconcile`); the plan's
    reconciliation_mismatches criteria read the newest one."""
    plan = _plan(request)
    plan.cutover.domains.require(body.domain)
    return {"id": plan.store.record_reconciliation(
        body.domain, body.sampled, body.mismatched, body.detail
    )}  # fmt: skip
