"""Reading the plan file: YAML text → validated Plan, versioned by its content hash."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ficus_control.plan.core.model import Plan
from ficus_control.plan.core.parse import PlanInvalid, parse_plan


@dataclass(frozen=True)
class LoadedPlan:
    """A validated plan and its document (YAML anchors expanded), as stored."""

    plan: Plan
    document: dict[str, Any]


def default_plan_path() -> Path:
    """control/plan.yaml of the repository (next to this package's project)."""
    return Path(__file__).resolve().parents[3] / "plan.yaml"


def plan_from_text(text: str, source: str, known_domains: Sequence[str]) -> LoadedPlan:
    """Validate `text`; PlanInvalid names `source`, the domain, the step and the bad word."""
    version = hashlib.sha256(text.encode()).hexdigest()[:16]
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PlanInvalid(f"plan {source}: not valid YAML: {exc}") from exc
    return LoadedPlan(parse_plan(document, source, version, known_domains), document)


def load_plan(path: Path, known_domains: Sequence[str]) -> LoadedPlan:
    try:
        text = path.read_text()
    except OSError as exc:
        raise PlanInvalid(f"plan {path}: cannot read it: {exc}") from exc
    return plan_from_text(text, str(path), known_domains)
