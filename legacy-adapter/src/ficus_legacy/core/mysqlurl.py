"""Where a Magento database is: `mysql://user:password@host:port/database`, parsed once for
every Ficus component that connects to Magento (stand-in, generator CLI, sync)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class MysqlTarget:
    host: str
    port: int
    user: str
    password: str
    database: str  # "" when the URL names none

    @classmethod
    def from_url(cls, url: str) -> MysqlTarget:
        """`mysql://user:password@host:port/database` (defaults: 127.0.0.1:3306, root)."""
        parts = urlsplit(url)
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            user=unquote(parts.username or "root"),
            password=unquote(parts.password or ""),
            database=parts.path.lstrip("/"),
        )
