"""The pure cores import no framework or driver (the dependency rule, for the proxy): every
module under `ficus_proxy.core` and `ficus_proxy.shadow.core` (the guard and the cutover
state are in `ficus_contracts.guard`) imports only the standard library, the shared contracts,
other core modules and the errors."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ficus_proxy

ROOT = Path(ficus_proxy.__file__).parent
CORES = ["core", "shadow.core"]
PURE = sorted(
    f"ficus_proxy.{core}.{path.stem}"
    for core in CORES
    for path in (ROOT / core.replace(".", "/")).glob("*.py")
    if path.stem != "__init__"
)
FORBIDDEN = {"aiohttp", "psycopg", "multidict", "yarl", "prometheus_client", "uvloop", "httpx"}


def test_every_core_has_modules() -> None:
    for core in CORES:
        assert any(m.startswith(f"ficus_proxy.{core}.") for m in PURE), core


@pytest.mark.parametrize("module", PURE)
def test_pure_module_imports_no_framework_or_driver(module: str) -> None:
    relative = module.removeprefix("ficus_proxy.").replace(".", "/")
    source = (ROOT / f"{relative}.py").read_text()
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & FORBIDDEN
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ficus_proxy"):
            assert node.module in set(PURE) | {"ficus_proxy.errors"}
