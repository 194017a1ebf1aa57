"""docker-compose.yml is for deployment (no Docker engine here): validate its shape, and that
every FICUS_* variable it sets is a real setting of the service that reads it
(tests/integration/compose runs the services themselves)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from ficus_catalog.settings import CatalogSettings
from ficus_control.settings import ControlSettings
from ficus_customer.settings import CustomerSettings
from ficus_proxy.settings import ProxySettings
from ficus_search.settings import SearchSettings
from ficus_sync.capture.kafka.settings import KafkaPathSettings
from ficus_sync.settings import SyncSettings

ROOT = Path(__file__).resolve().parents[2]
FICUS_SERVICES = {"proxy", "control", "sync", "catalog", "search", "customer"}
ONE_SHOTS = {
    "control-migrate",
    "control-proxy-role",
}  # run to completion before the service that depends on them
ENGINES = {"magento-db", "postgres", "kafka", "connect", "elasticsearch"}
# member → the settings classes that read its FICUS_* environment
SETTINGS: dict[str, tuple[type[BaseSettings], ...]] = {
    "proxy": (ProxySettings,),
    "control": (ControlSettings,),
    "sync": (SyncSettings, KafkaPathSettings),
    "catalog": (CatalogSettings,),
    "search": (SearchSettings,),
    "customer": (CustomerSettings,),
}


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(data, dict)
    return data


def env_names(settings: type[BaseSettings]) -> set[str]:
    """The environment variables a settings class reads: env_prefix + field name, or the
    field's aliases (upper case: the classes are case-insensitive)."""
    prefix = str(settings.model_config.get("env_prefix", ""))
    delimiter = settings.model_config.get("env_nested_delimiter")
    assert not delimiter, f"{settings.__name__}: nested settings are not checked here"
    names: set[str] = set()
    for name, field in settings.model_fields.items():
        alias = field.validation_alias or field.alias
        if isinstance(alias, AliasChoices):
            names |= {c for c in alias.choices if isinstance(c, str)}
        elif isinstance(alias, str):
            names.add(alias)
        else:
            names.add(prefix + name)
    return {n.upper() for n in names}


def member_of(service: dict[str, Any]) -> str:
    """`python -m ficus_<member> …`, or `python -m alembic -c migrations/<member>/…`."""
    command = service["command"]
    if command[2] == "alembic":
        found = re.match(r"migrations/(\w+)/", command[command.index("-c") + 1])
        assert found, command
        return found.group(1)
    return str(command[2]).removeprefix("ficus_")


def test_topology_has_every_engine_and_ficus_service() -> None:
    assert set(_compose()["services"]) == FICUS_SERVICES | ONE_SHOTS | ENGINES


def test_every_ficus_variable_is_a_setting_of_its_service() -> None:
    services = _compose()["services"]
    for name in FICUS_SERVICES | ONE_SHOTS:
        member = member_of(services[name])
        known = set().union(*(env_names(cls) for cls in SETTINGS[member]))
        unknown = {k for k in services[name]["environment"] if k.startswith("FICUS_")} - known
        assert not unknown, f"{name}: {sorted(unknown)} are not settings of ficus_{member}"


def test_one_shots_run_before_their_service() -> None:
    services = _compose()["services"]
    for name in ONE_SHOTS:
        assert services[name]["restart"] == "no", name
        assert services[name]["command"][:2] == ["python", "-m"], name
        dependants = [
            other
            for other, service in services.items()
            if service.get("depends_on", {}).get(name)
            == {"condition": "service_completed_successfully"}
        ]
        assert dependants, f"nothing waits for {name}"


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


def test_the_image_installs_every_member_compose_runs() -> None:
    """Every `python -m ficus_<member>` of the compose file runs in the one image: the
    Dockerfile's `uv sync` must name that member's package, or the container exits at start."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    installed = set(re.findall(r"--package (ficus-[a-z-]+)", dockerfile))
    modules = {s["command"][2] for s in _compose()["services"].values() if "command" in s}
    wanted = {m.replace("_", "-") for m in modules if m.startswith("ficus_")}
    assert wanted <= installed, f"the image lacks {sorted(wanted - installed)}"


def test_the_proxy_connects_to_control_with_its_own_role() -> None:
    """Never the superuser: the role `ficus proxy-role` provisions (LISTEN, cutover_state read,
    shadow_stat add), created by a one-shot the proxy waits for."""
    services = _compose()["services"]
    url = services["proxy"]["environment"]["FICUS_PROXY_CONTROL_DB_URL"]
    assert url.startswith("postgresql://ficus_proxy:"), url
    assert services["control-proxy-role"]["command"][2:4] == ["ficus_control", "proxy-role"]
    assert services["proxy"]["depends_on"]["control-proxy-role"] == {
        "condition": "service_completed_successfully"
    }
