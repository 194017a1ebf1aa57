"""Errors of the control plane (cutover state, gates, audit, admin API, CLI client).

ControlError
 ├── UnknownDomain        the domain is not in the configured list            → HTTP 404, exit 2
 ├── InvalidRequest       a stage/percent/direction that makes no sense       → HTTP 400, exit 2
 ├── TransitionRefused    the move breaks a transition rule                   → HTTP 409, exit 3
 │    ├── ConcurrentChange  someone changed the domain meanwhile; retry       → HTTP 409, exit 3
 │    ├── StaleDecision   an automatic action measured a lane that is gone    → HTTP 409
 │    ├── DrainFailed     a writes rollback's drain did not finish: not moved  → HTTP 409, exit 3
 │    └── ConflictRefused sync refused a conflict decision (closed, email taken) → HTTP 409
 ├── GateRefused          a gate failed; names each failing gate and value    → HTTP 409, exit 4
 ├── PlanRefused          the plan's criteria for the step do not hold        → HTTP 409, exit 4
 ├── AuthError
 │    ├── Unauthenticated no token, or not a valid one                        → HTTP 401, exit 5
 │    ├── Forbidden       the token's role may not do this                    → HTTP 403, exit 5
 │    └── RateLimited     too many failed attempts from this client           → HTTP 429
 ├── StoreUnavailable     the control database cannot be reached              → HTTP 503, exit 6
 ├── SyncUnavailable      sync (or a database behind it) cannot be reached     → HTTP 503
 ├── ApiUnavailable       (CLI side) the admin API cannot be reached, or answered badly → exit 6
 └── ApiRefused           (CLI side) the admin API answered 4xx/5xx: carries status and detail

The local stack has its own tree (`ficus_devstack.errors.StackError`).
Foreign exceptions (psycopg, httpx) are translated into these at the adapters, `from exc`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ficus_contracts.criteria.evaluate import CriterionResult


class ControlError(Exception):
    """Base class of every control-plane error; mapped once to an HTTP status or exit code."""


class UnknownDomain(ControlError):
    def __init__(self, domain: str, known: Sequence[str]) -> None:
        super().__init__(f"unknown domain {domain!r}; known domains: {', '.join(known)}")
        self.domain = domain


class InvalidRequest(ControlError):
    pass


class TransitionRefused(ControlError):
    pass


class ConcurrentChange(TransitionRefused):
    def __init__(self, domain: str) -> None:
        super().__init__(f"{domain} was changed by someone else meanwhile; check and retry")


class StaleDecision(TransitionRefused):
    def __init__(self, domain: str, direction: str, seen: str, current: str) -> None:
        super().__init__(
            f"{domain} {direction} moved on since this decision was taken (decided at {seen}, "
            f"now {current}); not applied"
        )


class DrainFailed(TransitionRefused):
    def __init__(self, domain: str, why: str) -> None:
        super().__init__(
            f"{domain} writes were not rolled back: reverse sync did not drain the outbox "
            f"({why}); the lane is where it was and writes are taken again. Fix reverse sync "
            "and retry, or roll back without draining: --force --reason '…' (audited)"
        )


class ConflictRefused(TransitionRefused):
    pass


class GateRefused(ControlError):
    def __init__(self, failed: Sequence[CriterionResult]) -> None:
        detail = "; ".join(str(result) for result in failed)
        super().__init__(
            f"refused by gate(s): {detail}. Fix the cause, or override with "
            "--force --reason '…' (audited)"
        )
        self.failed = list(failed)


class PlanRefused(ControlError):
    """The exit criteria of the plan step a domain stands at do not hold (each failing one is
    a dict as the API shows it, with its `text`)."""

    def __init__(self, domain: str, step: str, failed: Sequence[dict[str, object]]) -> None:
        detail = "; ".join(str(item["text"]) for item in failed)
        super().__init__(
            f"refused by the plan ({domain} at {step}): {detail}. Fix the cause, or override "
            "with --force --reason '…' (audited)"
        )
        self.failed = list(failed)


class SyncUnavailable(ControlError):
    pass


class AuthError(ControlError):
    pass


class Unauthenticated(AuthError):
    pass


class Forbidden(AuthError):
    pass


class RateLimited(AuthError):
    def __init__(self, retry_after: float) -> None:
        super().__init__(
            f"too many failed authentication attempts from this client; retry in "
            f"{retry_after:.0f} s"
        )
        self.retry_after = retry_after


class StoreUnavailable(ControlError):
    pass


class ApiUnavailable(ControlError):
    pass


class ApiRefused(ControlError):
    def __init__(self, status: int, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.kind = kind
