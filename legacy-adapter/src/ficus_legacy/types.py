"""Type aliases shared by the legacy adapter."""

from __future__ import annotations

from typing import Any, TypeAlias

import pymysql

Connection: TypeAlias = "pymysql.connections.Connection[Any]"
Row: TypeAlias = dict[str, Any]
