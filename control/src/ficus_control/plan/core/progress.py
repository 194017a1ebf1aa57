"""Where a domain stands in its plan, derived from its cutover state (pure): a step is done
when its lane is at or past the step's stage, the current step is the last one before the
first step not done, the next step is that first step not done."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ficus_contracts.cutover import DomainCutover, Stage
from ficus_control.plan.core.model import PLANNED_STAGES, DomainPlan, Step

START = "start"  # the step name of a domain that has taken no step yet


class StepStatus(enum.StrEnum):
    DONE = "done"
    CURRENT = "current"
    TODO = "todo"


@dataclass(frozen=True)
class Progress:
    plan: DomainPlan
    index: int  # of the next step; len(steps) when the plan is finished

    @property
    def current(self) -> Step | None:
        return self.plan.steps[self.index - 1] if self.index > 0 else None

    @property
    def next(self) -> Step | None:
        return self.plan.steps[self.index] if self.index < len(self.plan.steps) else None

    @property
    def step_name(self) -> str:
        return self.current.name if self.current is not None else START

    @property
    def phase(self) -> int:
        step = self.current or self.next
        return step.phase if step is not None else 0

    def statuses(self) -> list[tuple[Step, StepStatus]]:
        def status(i: int) -> StepStatus:
            if i < self.index - 1:
                return StepStatus.DONE
            return StepStatus.CURRENT if i == self.index - 1 else StepStatus.TODO

        return [(step, status(i)) for i, step in enumerate(self.plan.steps)]


def is_done(step: Step, state: DomainCutover) -> bool:
    if not step.available:
        return False
    return not state.lane(step.direction).is_before(step.lane())


def progress(plan: DomainPlan, state: DomainCutover) -> Progress:
    for index, step in enumerate(plan.steps):
        if not is_done(step, state):
            return Progress(plan, index)
    return Progress(plan, len(plan.steps))


def unavailable(step: Step) -> str | None:
    """Why the cutover model cannot take `step` today, or None."""
    if step.available:
        return None
    stages = ", ".join(s.value for s in Stage)
    planned = " (a planned stage)" if step.stage in PLANNED_STAGES else ""
    return (
        f"step {step.name!r} moves {step.direction} to stage {step.stage!r}{planned}, which the "
        f"cutover model does not have yet (stages: {stages})"
    )
