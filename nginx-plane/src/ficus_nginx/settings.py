"""The agent's settings, from `FICUS_NGINX_*` variables (built once in main, passed down)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ficus_contracts.guard.budget import BudgetPolicy
from ficus_contracts.guard.domain import GuardPolicy
from ficus_nginx.core.plane import LUA_MODULES, Plane, RateLimits
from ficus_nginx.errors import NginxPlaneError


@dataclass(frozen=True)
class AgentSettings:
    plane: Plane
    routes_file: Path
    control_db_url: str | None  # None: no control plane, everything goes to Magento
    resync_seconds: float = 5.0
    guard: GuardPolicy = GuardPolicy()
    control_api_url: str | None = None  # where trips and rollbacks are reported
    token: str | None = None  # the proxy's token (role proxy)


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
        limits=rate_limits(env),
        shadow_url=get("SHADOW_URL", "") or None,
        **cohort_keys(env),
    )
    return AgentSettings(
        plane=plane,
        routes_file=Path(get("ROUTES_FILE", "proxy/routes.yaml")),
        control_db_url=get("CONTROL_DB_URL", "") or None,
        resync_seconds=float(get("RESYNC_SECONDS", "5")),
        guard=guard_policy(env),
        control_api_url=get("CONTROL_API_URL", "") or None,
        token=get("TOKEN", "") or None,
    )


def cohort_keys(env: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Magento's crypt key and the cohort cookie keys, the Python proxy's settings of the same
    names: FICUS_NGINX_MAGENTO_CRYPT_KEY, else FICUS_PROXY_MAGENTO_CRYPT_KEY (required: customer
    tokens are checked with it); _COHORT_KEYS (JSON id -> secret, the first signs), optional."""
    crypt_key = env.get("FICUS_NGINX_MAGENTO_CRYPT_KEY") or env.get("FICUS_PROXY_MAGENTO_CRYPT_KEY")
    if not crypt_key or not crypt_key.strip():
        raise NginxPlaneError(
            "FICUS_NGINX_MAGENTO_CRYPT_KEY is not set: the plane checks customer tokens with the"
            " key Magento derives from env.php's crypt/key, and cannot start without it"
        )
    keys = env.get("FICUS_NGINX_COHORT_KEYS") or env.get("FICUS_PROXY_COHORT_KEYS") or "{}"
    return {"magento_crypt_key": crypt_key, "cohort_keys": tuple(json.loads(keys).items())}


def guard_policy(env: Mapping[str, str] = os.environ) -> GuardPolicy:
    """The Python proxy's thresholds, from the same settings: FICUS_NGINX_<NAME>, else
    FICUS_PROXY_<NAME> (TRIP_AFTER_FAILURES, BREAKER_FAILURES, BREAKER_COOLDOWN,
    BUDGET_WINDOW_SECONDS, BUDGET_MAX_ERROR_RATE, BUDGET_MAX_P99_MS, BUDGET_MIN_REQUESTS,
    ROLLBACK_COOLDOWN), else the proxy's defaults."""

    def get(name: str, default: float) -> float:
        value = env.get(f"FICUS_NGINX_{name}") or env.get(f"FICUS_PROXY_{name}")
        return float(value) if value else default

    g, b = GuardPolicy(), BudgetPolicy()
    budget = BudgetPolicy(
        window_seconds=int(get("BUDGET_WINDOW_SECONDS", b.window_seconds)),
        max_error_rate=get("BUDGET_MAX_ERROR_RATE", b.max_error_rate),
        max_p99_ms=get("BUDGET_MAX_P99_MS", b.max_p99_ms),
        min_requests=int(get("BUDGET_MIN_REQUESTS", b.min_requests)),
    )
    return GuardPolicy(
        trip_after_failures=int(get("TRIP_AFTER_FAILURES", g.trip_after_failures)),
        breaker_failures=int(get("BREAKER_FAILURES", g.breaker_failures)),
        breaker_cooldown=get("BREAKER_COOLDOWN", g.breaker_cooldown),
        budget=budget,
        rollback_cooldown=get("ROLLBACK_COOLDOWN", g.rollback_cooldown),
    )


def rate_limits(env: Mapping[str, str] = os.environ) -> RateLimits:
    """The Python proxy's limits, from the same settings: FICUS_NGINX_<NAME>, else
    FICUS_PROXY_<NAME> (RATE_PER_IP, BURST_PER_IP, RATE_PER_CUSTOMER, BURST_PER_CUSTOMER),
    else the proxy's defaults."""

    def get(name: str, default: float) -> float:
        value = env.get(f"FICUS_NGINX_{name}") or env.get(f"FICUS_PROXY_{name}")
        return float(value) if value else default

    d = RateLimits()
    return RateLimits(
        rate_per_ip=get("RATE_PER_IP", d.rate_per_ip),
        burst_per_ip=get("BURST_PER_IP", d.burst_per_ip),
        rate_per_customer=get("RATE_PER_CUSTOMER", d.rate_per_customer),
        burst_per_customer=get("BURST_PER_CUSTOMER", d.burst_per_customer),
    )
