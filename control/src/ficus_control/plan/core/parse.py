"""A plan document (parsed YAML) → a validated Plan, or PlanInvalid naming the file, domain,
step and the bad word (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ficus_contracts.criteria.model import GUARD_SIGNALS, UNITS, Criterion, Op, Signal
from ficus_contracts.cutover import PERCENT_STAGES, Direction, Stage, stages_of
from ficus_control.errors import InvalidRequest
from ficus_control.plan.core.model import PLANNED_STAGES, DomainPlan, Plan, Step

_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_THRESHOLD = re.compile(r"^\s*(<=|>=|==|<|>)\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|%|[smhd])?\s*$")
_DURATION = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([smhd])\s*$")
_STAGES = tuple(s.value for s in Stage) + PLANNED_STAGES

_PLAN_SIGNALS = [signal for signal in Signal if signal not in GUARD_SIGNALS]


class PlanInvalid(InvalidRequest):
    """The plan file is refused; the message names where and the bad word."""


class _Where:
    def __init__(self, source: str, domain: str | None = None, step: str | None = None):
        self.source, self.domain, self.step = source, domain, step

    def at(self, domain: str | None = None, step: str | None = None) -> _Where:
        return _Where(self.source, domain or self.domain, step or self.step)

    def error(self, message: str) -> PlanInvalid:
        where = [self.source]
        if self.domain is not None:
            where.append(f"domain {self.domain!r}")
        if self.step is not None:
            where.append(f"step {self.step!r}")
        return PlanInvalid(f"plan {', '.join(where)}: {message}")


def parse_plan(document: Any, source: str, version: str, known: Sequence[str]) -> Plan:
    """Validate `document` (a YAML mapping with `domains: [{domain, phases: [...]}]`)."""
    where = _Where(source)
    body = _mapping(document, where, "the plan")
    unknown = set(body) - {"plan", "phases", "domains"}
    if unknown:
        raise where.error(f"unknown key {sorted(unknown)[0]!r} (keys: plan, phases, domains)")
    entries = _list(body.get("domains"), where, "domains")
    domains = tuple(_domain(entry, where, known) for entry in entries)
    names = [d.domain for d in domains]
    for name in names:
        if names.count(name) > 1:
            raise where.at(domain=name).error("listed twice")
    return Plan(version, source, domains)


def _domain(entry: Any, where: _Where, known: Sequence[str]) -> DomainPlan:
    body = _mapping(entry, where, "a domain entry")
    name = body.get("domain")
    if not isinstance(name, str):
        raise where.error("a domain entry needs `domain: NAME`")
    here = where.at(domain=name)
    if name not in known:
        raise here.error(f"unknown domain {name!r} (known: {', '.join(known)})")
    steps: list[Step] = []
    for phase in _list(body.get("phases"), here, "phases"):
        steps.extend(_phase(phase, here))
    seen = [step.name for step in steps]
    for step_name in seen:
        if seen.count(step_name) > 1:
            raise here.at(step=step_name).error("step name used twice")
    return DomainPlan(name, tuple(steps))


def _phase(entry: Any, where: _Where) -> list[Step]:
    body = _mapping(entry, where, "a phase")
    number, name = body.get("phase"), body.get("name", "")
    if not isinstance(number, int) or not isinstance(name, str):
        raise where.error("a phase needs `phase: N` and `name: TEXT`")
    return [_step(step, where, number, name) for step in _list(body.get("steps"), where, "steps")]


def _step(entry: Any, where: _Where, phase: int, phase_name: str) -> Step:
    body = _mapping(entry, where, "a step")
    name = body.get("step")
    if not isinstance(name, str):
        raise where.error(f"a step of phase {phase} needs `step: NAME`")
    here = where.at(step=name)
    lane = body.get("lane")
    if lane not in {d.value for d in Direction}:
        raise here.error(f"unknown lane {lane!r} (lanes: reads, writes)")
    stage, percent = _target(body.get("to"), here)
    _check_lane_stage(Direction(lane), stage, here)
    exit_ = tuple(_criterion(c, here) for c in _list(body.get("exit", []), here, "exit"))
    names = [c.name for c in exit_]
    for criterion in names:
        if names.count(criterion) > 1:
            raise here.error(f"criterion name {criterion!r} used twice")
    return Step(name, phase, phase_name, Direction(lane), stage, percent, exit_)


def _target(value: Any, where: _Where) -> tuple[str, int]:
    words = str(value).replace("%", " ").split() if value is not None else []
    if not words or words[0] not in _STAGES:
        raise where.error(f"unknown stage {value!r} (stages: {', '.join(_STAGES)})")
    if words[0] in {s.value for s in PERCENT_STAGES}:
        if len(words) != 2 or not words[1].isdigit() or not 1 <= int(words[1]) <= 99:
            raise where.error(f"{words[0]} needs a percent within 1..99: {value!r}")
        return words[0], int(words[1])
    if len(words) != 1:
        raise where.error(f"only canary and dual take a percent: {value!r}")
    return words[0], 0


def _check_lane_stage(direction: Direction, stage: str, where: _Where) -> None:
    stages = [s.value for s in stages_of(direction)]
    if stage in {s.value for s in Stage} and stage not in stages:
        raise where.error(f"{direction} have no stage {stage!r} (stages: {', '.join(stages)})")


def _criterion(entry: Any, where: _Where) -> Criterion:
    body = _mapping(entry, where, "a criterion")
    allowed = {"name", "signal", "threshold", "min_samples", "max_age", "soak"}
    extra = set(body) - allowed
    if extra:
        raise where.error(f"unknown criterion key {sorted(extra)[0]!r}")
    signal_word = body.get("signal")
    if signal_word not in {s.value for s in _PLAN_SIGNALS}:
        known = ", ".join(s.value for s in _PLAN_SIGNALS)
        raise where.error(f"unknown signal {signal_word!r} (signals: {known})")
    signal = Signal(signal_word)
    name = body.get("name", signal.value)
    op, value = _threshold(body.get("threshold"), signal, where)
    samples = body.get("min_samples")
    if samples is not None and (not isinstance(samples, int) or samples < 1):
        raise where.error(f"min_samples must be a positive integer, got {samples!r}")
    return Criterion(
        str(name), signal, op, value, str(body["threshold"]).strip(), samples,
        _duration(body.get("max_age"), where), _duration(body.get("soak"), where),
    )  # fmt: skip


def _threshold(text: Any, signal: Signal, where: _Where) -> tuple[Op, float]:
    match = _THRESHOLD.match(str(text)) if text is not None else None
    if match is None:
        raise where.error(f"bad threshold {text!r} for {signal} (e.g. '< 2s', '> 99.9%', '== 0')")
    op, number, unit = Op(match.group(1)), float(match.group(2)), match.group(3) or ""
    expected = UNITS[signal]
    if unit and not (unit == expected or (expected == "s" and unit in _SECONDS)):
        raise where.error(f"unit {unit!r} does not fit signal {signal} (measured in {expected!r})")
    if unit == "%":
        return op, number / 100
    return op, number * _SECONDS.get(unit, 1.0) if expected == "s" else number


def _duration(text: Any, where: _Where) -> float | None:
    if text is None:
        return None
    match = _DURATION.match(str(text))
    if match is None:
        raise where.error(f"bad duration {text!r} (e.g. 30s, 10m, 2h, 7d)")
    return float(match.group(1)) * _SECONDS[match.group(2)]


def _mapping(value: Any, where: _Where, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise where.error(f"{what} must be a mapping, got {type(value).__name__}")
    return value


def _list(value: Any, where: _Where, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise where.error(f"`{what}` must be a list, got {type(value).__name__}")
    return value
