"""The plan service: where every domain stands in the plan, whether its next step's criteria
hold (measured now, soak clocks kept in the database), and taking that step."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from ficus_contracts.criteria.evaluate import (
    CriterionResult,
    SignalSnapshot,
    Status,
    evaluate,
    failed,
    holds_now,
)
from ficus_contracts.cutover import Direction, DomainCutover, Lane
from ficus_control.cutover import CutoverService
from ficus_control.cutover.ports import GateVerdict
from ficus_control.errors import ControlError, InvalidRequest, TransitionRefused
from ficus_control.plan.core.model import DomainPlan
from ficus_control.plan.core.progress import Progress, progress, unavailable
from ficus_control.plan.loader import LoadedPlan
from ficus_control.plan.ports import PlanStore
from ficus_control.plan.signals import SignalCollector

log = logging.getLogger(__name__)

SAMPLE_SECONDS = 10.0


@dataclass(frozen=True)
class DomainView:
    """A domain in the plan: its state, where it stands, the criteria of its next step."""

    state: DomainCutover
    progress: Progress
    results: list[CriterionResult]

    @property
    def blocked(self) -> str | None:
        step = self.progress.next
        return unavailable(step) if step is not None else None

    @property
    def ready(self) -> bool:
        return self.progress.next is not None and self.blocked is None and not failed(self.results)

    @property
    def command(self) -> str | None:
        return None if self.progress.next is None else f"ficus plan next {self.state.domain}"


class PlanService:
    def __init__(
        self,
        loaded: LoadedPlan,
        cutover: CutoverService,
        store: PlanStore,
        signals: SignalCollector,
    ) -> None:
        self.plan = loaded.plan
        self.document = loaded.document
        self.cutover = cutover
        self.store = store
        self.signals = signals

    def load(self, loaded: LoadedPlan | None = None) -> bool:
        """Use `loaded` from now on (if given) and store the plan's version in control's
        database; False if that version was stored before."""
        if loaded is not None:
            self.plan, self.document = loaded.plan, loaded.document
        return self.store.save(self.plan, self.document)

    def views(self) -> list[DomainView]:
        return [self._view(self.cutover.get(d.domain)) for d in self.plan.domains]

    def view(self, domain: str) -> DomainView:
        """A domain the plan does not name has no steps (and no next step)."""
        return self._view(self.cutover.get(domain))

    def sample(self, stop: threading.Event, every: float = SAMPLE_SECONDS) -> None:
        """Measure every domain of the plan each `every` seconds until `stop` is set: the soak
        clocks then see a criterion that stops holding even while nobody looks."""
        while not stop.wait(every):
            try:
                self.views()
            except ControlError as exc:
                log.warning("measuring the plan's criteria failed: %s", exc)

    def check(self, state: DomainCutover, direction: Direction, target: Lane) -> GateVerdict | None:
        """The cutover service's gate: a forward move of a domain in the plan needs the exit
        criteria of the step the domain stands at; None for a domain not in the plan."""
        if self.plan.domain(state.domain) is None:
            return None
        view = self._view(state)
        return GateVerdict(
            view.progress.step_name,
            [result_dict(r) for r in failed(view.results)],
            {"plan": self._measured(view)},
        )

    def advance(self, domain: str, actor: str, force: bool, reason: str) -> DomainCutover:
        """Take the domain's next step if its criteria hold (or `force`, with a reason)."""
        view = self.view(domain)
        step = view.progress.next
        if not view.progress.plan.steps:
            raise InvalidRequest(f"{domain} is not in the plan {self.plan.source}")
        if step is None:
            raise TransitionRefused(f"{domain} has taken every step of the plan")
        if view.blocked is not None:
            raise TransitionRefused(f"{domain}: {view.blocked}; `ficus plan next` stops here")
        return self.cutover.cutover(
            domain, step.direction, step.lane(), actor, force=force, reason=reason,
            plan_gate=self,
        )  # fmt: skip

    def _view(self, state: DomainCutover) -> DomainView:
        domain_plan = self.plan.domain(state.domain) or DomainPlan(state.domain, ())
        where = progress(domain_plan, state)
        criteria = where.current.exit if where.current is not None else ()
        readings = self.signals.readings(state.domain, {c.signal for c in criteria})
        now = SignalSnapshot(readings)
        holding = [c.name for c in criteria if holds_now(c, now) is Status.MET]
        watched = [c.name for c in criteria]
        held = self.store.soak(state.domain, where.step_name, holding, watched) if criteria else {}
        return DomainView(state, where, evaluate(criteria, SignalSnapshot(readings, held)))

    def _measured(self, view: DomainView) -> dict[str, Any]:
        return {
            "version": self.plan.version,
            "at": view.progress.step_name,
            "criteria": [result_dict(r) for r in view.results],
        }


def result_dict(result: CriterionResult) -> dict[str, Any]:
    """A criterion's result as the API and the audit log carry it."""
    soak = None
    if result.soak is not None:
        soak = {"required_s": result.soak.required_s, "held_s": round(result.soak.held_s, 1)}
    return {
        "name": result.name,
        "signal": result.signal.value,
        "threshold": result.threshold,
        "measured": result.measured,
        "status": result.status.value,
        "soak": soak,
        "text": str(result),
    }
