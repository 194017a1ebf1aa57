"""`ficus` starts instantly: importing its CLI loads no dev stack, HTTP client, web framework,
database driver or settings library; each command imports those when it runs."""

from __future__ import annotations

import subprocess
import sys

HEAVY = {
    "ficus_devstack", "httpx", "fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic",
    "psycopg", "pymysql", "pydantic", "pydantic_settings",
}  # fmt: skip


def _loaded_by(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}; print(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {name.split(".")[0] for name in out}


def test_importing_the_cli_loads_nothing_heavy() -> None:
    loaded = _loaded_by("import sys, ficus_control.cli")
    assert "typer" in loaded
    assert loaded & HEAVY == set()


def test_help_loads_nothing_heavy() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from ficus_control.cli import app\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    app(['--help'])\n"
        "sys.stdout = sys.__stdout__"
    )
    assert _loaded_by(code) & HEAVY == set()
