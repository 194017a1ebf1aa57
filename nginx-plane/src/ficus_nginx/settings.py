"""The agent's settings, from `FICUS_NGINX_*` variables (built once in main, passed down)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ficus_nginx.core.plane import LUA_MODULES, Plane


@dataclass(frozen=True)
class AgentSettings:
    plane: Plane
    routes_file: Path
    control_db_url: str | None  # None: no control plane, everything goes to Magento
    resync_seconds: float = 5.0


def from_env(env: Mapping[str, str] = os.environ) -> AgentSettings:
    """FICUS_NGINX_PREFIX, _LEGACY_URL, _UPSTREAMS (JSON domain -> URL), _HOST, _PORT,
    _ADMIN_PORT, _TRUSTED_PROXIES (JSON list of CIDRs), _WORKERS, _MODULES (comma-separated
    nginx modules to load; empty: none), _ROUTES_FILE,
    _CONTROL_DB_URL; defaults match the Python proxy's."""

    def get(name: str, default: str) -> str:
        return env.get(f"FICUS_NGINX_{name}", default)

    admin = get("ADMIN_PORT", "18101")
    plane = Plane(
        prefix=str(Path(get("PREFIX", ".ficus/nginx")).resolve()),
        legacy_url=get("LEGACY_URL", "http://127.0.0.1:18080"),
        upstreams=json.loads(get("UPSTREAMS", "{}")),
        host=get("HOST", "0.0.0.0"),
        port=int(get("PORT", "18000")),
        admin_port=int(admin) if admin else None,
        trusted_proxies=tuple(json.loads(get("TRUSTED_PROXIES", "[]"))),
        workers=get("WORKERS", "auto"),
        modules=tuple(m for m in get("MODULES", ",".join(LUA_MODULES)).split(",") if m),
    )
    return AgentSettings(
        plane=plane,
        routes_file=Path(get("ROUTES_FILE", "proxy/routes.yaml")),
        control_db_url=get("CONTROL_DB_URL", "") or None,
        resync_seconds=float(get("RESYNC_SECONDS", "5")),
    )
