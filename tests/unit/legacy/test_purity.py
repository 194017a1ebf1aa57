"""flatten is pure: importing it loads no database driver (sync's projector imports it)."""

from __future__ import annotations

import subprocess
import sys


def test_flatten_imports_no_driver() -> None:
    code = (
        "import sys, ficus_legacy.core.flatten;"
        "bad = {'pymysql', 'psycopg', 'sqlalchemy'} & set(sys.modules);"
        "print(sorted(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
