"""The cutover domain and service layer import no framework or driver."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = {
    "sqlalchemy", "fastapi", "starlette", "httpx", "aiohttp", "psycopg", "pymysql", "uvicorn",
    "typer", "rich", "alembic", "pydantic",
}  # fmt: skip


def test_cutover_package_is_pure() -> None:
    code = (
        "import sys, ficus_control.cutover, ficus_control.cutover.inmemory;"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "ficus_control" in loaded
    assert loaded & FORBIDDEN == set()
