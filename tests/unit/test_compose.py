"""docker-compose.yml is for deployment (no Docker engine here): validate its shape instead."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
FICUS_SERVICES = {"proxy", "control", "sync", "catalog", "search"}
ENGINES = {"magento-db", "postgres", "kafka", "connect", "elasticsearch"}


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(data, dict)
    return data


def test_topology_has_every_engine_and_ficus_service() -> None:
    assert set(_compose()["services"]) == FICUS_SERVICES | ENGINES


def test_every_ficus_service_has_command_environment_and_healthcheck() -> None:
    services = _compose()["services"]
    for name in FICUS_SERVICES:
        service = services[name]
        assert service["command"][:2] == ["python", "-m"], name
        assert service["command"][2] == f"ficus_{name}", name
        assert service["environment"], name
        assert all(k.startswith(f"FICUS_{name.upper()}_") for k in service["environment"]), name
        assert service["healthcheck"]["test"], name


def test_every_engine_has_a_healthcheck() -> None:
    services = _compose()["services"]
    for name in ENGINES:
        assert services[name]["healthcheck"]["test"], name


def test_no_host_port_is_published_twice() -> None:
    published: list[str] = []
    for service in _compose()["services"].values():
        published += [str(p).split(":")[0] for p in service.get("ports", [])]
    assert len(published) == len(set(published)), published


def test_dependencies_name_existing_services() -> None:
    services = _compose()["services"]
    for name, service in services.items():
        for dep in service.get("depends_on", {}):
            assert dep in services, f"{name} depends on unknown {dep}"
