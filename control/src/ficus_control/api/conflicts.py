"""The admin API's conflict endpoints under /api/v1: a domain's open reverse-sync conflicts
(viewer) and an operator's decision on one (audited; sync applies it as `ficus conflicts
resolve` does). The dashboard's domain page calls exactly these."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from ficus_control.api.auth import control_of, operator, viewer
from ficus_control.conflicts import Conflicts
from ficus_control.errors import SyncUnavailable
from ficus_control.tokens import Principal

router = APIRouter()


class ResolveIn(BaseModel):
    take: Literal["magento", "service"]
    reason: str = Field(default="", max_length=2000)  # required: the service says why
    note: str = Field(default="", max_length=200)


def _conflicts(request: Request) -> Conflicts:
    conflicts = control_of(request).conflicts
    if conflicts is None:
        raise SyncUnavailable("this control plane reads no conflict log")
    return conflicts


@router.get("/domains/{domain}/conflicts")
def open_conflicts(
    domain: str, request: Request, _: Principal = Depends(viewer)
) -> dict[str, list[dict[str, Any]]]:
    return {"conflicts": _conflicts(request).open(domain)}


@router.post("/domains/{domain}/conflicts/{conflict_id}/resolve")
def resolve(
    domain: str, conflict_id: int, body: ResolveIn, request: Request,
    who: Principal = Depends(operator),
) -> dict[str, Any]:  # fmt: skip
    done = _conflicts(request).resolve(
        domain, conflict_id, body.take, who.actor, body.reason, body.note
    )
    return {"conflict": conflict_id, "take": body.take, "resolved": done}
