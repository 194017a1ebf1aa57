"""The pure core imports no framework or driver (the dependency rule, for the proxy)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ficus_proxy

PURE = ["routing", "bucketing", "breaker", "shadow", "budget", "guard", "state"]
FORBIDDEN = {"aiohttp", "psycopg", "multidict", "yarl", "prometheus_client", "uvloop", "httpx"}


@pytest.mark.parametrize("module", PURE)
def test_pure_module_imports_no_framework_or_driver(module: str) -> None:
    source = Path(ficus_proxy.__file__).with_name(f"{module}.py").read_text()
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & FORBIDDEN
    pure_internal = {f"ficus_proxy.{m}" for m in PURE} | {"ficus_proxy.errors"}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ficus_proxy"):
            assert node.module in pure_internal
