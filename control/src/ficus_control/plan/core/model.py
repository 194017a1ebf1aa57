"""The plan's vocabulary: steps and domains (pure); criteria are `ficus_contracts.criteria`'s."""

from __future__ import annotations

from dataclasses import dataclass

from ficus_contracts.criteria.model import Criterion
from ficus_contracts.cutover import Direction, Lane, Stage

# Stages the plan may name although the cutover model does not have them yet: a step to one
# is shown, but `plan next` refuses to take it (none since `dual` exists, issue #13).
PLANNED_STAGES: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """Move one lane of a domain to `stage` (`percent` for canary); leaving this step for the
    next needs every `exit` criterion."""

    name: str
    phase: int
    phase_name: str
    direction: Direction
    stage: str
    percent: int = 0
    exit: tuple[Criterion, ...] = ()

    @property
    def available(self) -> bool:
        """Whether the cutover model has this step's stage today."""
        return self.stage in {s.value for s in Stage}

    def lane(self) -> Lane:
        return Lane(Stage(self.stage), self.percent)

    def label(self) -> str:
        target = f"{self.stage} {self.percent}%" if self.stage in ("canary", "dual") else self.stage
        return f"{self.direction} → {target}"


@dataclass(frozen=True)
class DomainPlan:
    domain: str
    steps: tuple[Step, ...]

    def step(self, name: str) -> Step:
        return next(step for step in self.steps if step.name == name)


@dataclass(frozen=True)
class Plan:
    """A validated plan; `version` is the content hash of its file."""

    version: str
    source: str
    domains: tuple[DomainPlan, ...]

    def domain(self, name: str) -> DomainPlan | None:
        return next((d for d in self.domains if d.domain == name), None)
