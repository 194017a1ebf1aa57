"""Settings of the control plane (admin API, cutover service, CLI client), FICUS_CONTROL_*."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from ficus_control.cutover.core.domains import DEFAULT_DOMAINS

DEFAULT_ROUTES = Path(__file__).resolve().parents[3] / "proxy" / "routes.yaml"


def _default_token_file() -> Path:
    home = os.environ.get("FICUS_HOME")
    return (Path(home) if home else Path.cwd() / ".ficus") / "control" / "cli-token"


class ControlSettings(BaseSettings):
    """Every field is overridable with FICUS_CONTROL_<FIELD>; `proxy_urls` also with
    FICUS_CONTROL_PROXY_URL (comma-separated); the CLI's token also with FICUS_TOKEN."""

    model_config = SettingsConfigDict(env_prefix="FICUS_CONTROL_", frozen=True)

    db_url: str = "postgresql://postgres@127.0.0.1:15432/ficus_control"
    sync_url: str = "http://127.0.0.1:18081"
    # the proxies' admin listeners (diffs, metrics), not their shopper port
    proxy_urls: Annotated[tuple[str, ...], NoDecode] = Field(
        default=("http://127.0.0.1:18100",),
        validation_alias=AliasChoices(
            "FICUS_CONTROL_PROXY_URLS", "FICUS_CONTROL_PROXY_URL", "proxy_urls"
        ),
    )
    shop_url: str = "http://127.0.0.1:18000"  # the proxy's shopper port (`ficus demo` traffic)
    domains: tuple[str, ...] = DEFAULT_DOMAINS
    host: str = "127.0.0.1"
    port: int = 18083
    http_timeout: float = 3.0
    api_url: str = "http://127.0.0.1:18083"
    token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("FICUS_TOKEN", "FICUS_CONTROL_TOKEN")
    )
    token_file: Path = Field(default_factory=_default_token_file)
    # the phase plan (default: the repository's control/plan.yaml); with plan_gates (the
    # default), every forward move of a domain in the plan (`ficus cutover` too) needs the
    # criteria of the step it stands at, unless forced with a reason (audited); plan_gates
    # false leaves only `ficus plan next` gated by the plan, and `ficus cutover` by the gate
    # policy's gates
    plan_file: Path | None = None
    # writes gates: each domain's service (GET /_ficus/routes), the proxy's route table, and
    # reverse sync's lag limit (GET {sync_url}/v1/reverse/health)
    service_urls: dict[str, str] = Field(
        default_factory=lambda: {"customer": "http://127.0.0.1:18085"}
    )
    routes_file: Path = DEFAULT_ROUTES
    reverse_lag_gate_seconds: float = Field(default=5.0, gt=0)
    plan_gates: bool = True
    # the admin API's bearer check: how long a verified token is trusted without the database
    # (a revoked token works at most this long), and failed attempts allowed per client IP
    token_cache_seconds: float = Field(default=5.0, ge=0, le=60)
    auth_failures_limit: int = Field(default=20, ge=1)
    auth_failures_window_seconds: float = Field(default=60.0, gt=0)

    @field_validator("proxy_urls", mode="before")
    @classmethod
    def _split_urls(cls, value: object) -> object:
        """Proxy replicas as a comma-separated list (one URL is a list of one)."""
        if isinstance(value, str):
            return tuple(url.strip() for url in value.split(",") if url.strip())
        return value
