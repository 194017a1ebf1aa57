"""Settings of the proxy, read from FICUS_PROXY_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_ROUTES = Path(__file__).resolve().parents[2] / "routes.yaml"


class ProxySettings(BaseSettings):
    """Everything an operator can tune on a proxy replica.

    `upstreams` maps a domain to its new backend, e.g.
    FICUS_PROXY_UPSTREAMS='{"catalog":"http://127.0.0.1:18082"}'. A routed domain without an
    upstream is always served by Magento.
    """

    model_config = SettingsConfigDict(env_prefix="FICUS_PROXY_", frozen=True)

    host: str = "127.0.0.1"
    port: int = 18000
    # the admin listener: /readyz, /metrics, /_ficus/diff, /_ficus/trace (never on `port`)
    admin_host: str = "127.0.0.1"
    admin_port: int = 18100
    workers: int = 1
    legacy_url: str = "http://127.0.0.1:18080"
    upstreams: dict[str, str] = Field(default_factory=dict)
    routes_file: Path = DEFAULT_ROUTES
    control_db_url: str | None = None
    control_api_url: str | None = None
    token: SecretStr | None = None
    # env.php's `crypt/key`: customer tokens are checked with the key Magento derives from it
    # before their customer id picks a cohort. No default: the proxy refuses to start without.
    magento_crypt_key: SecretStr | None = None
    # cohort cookie keys, key id -> secret, the first signs (FICUS_PROXY_COHORT_KEYS='{"k2":
    # "...","k1":"..."}'; keep an old key listed while its cookies live). Empty: one key derived
    # from the crypt key (ficus_contracts.cohort).
    cohort_keys: dict[str, SecretStr] = Field(default_factory=dict)

    # limits on what a client may send
    max_line_size: int = 8190
    max_field_size: int = 8190
    max_headers: int = 100
    max_body_bytes: int = 10 * 1024 * 1024
    # a connection that has not sent a complete request head this long after it opened or
    # after its last response is closed (covers idle keep-alive and slow headers)
    header_timeout: float = 15.0
    body_timeout: float = 30.0  # longest gap between two chunks of a request body
    max_connections: int = 4096  # per worker; connections over it are closed at once
    # token buckets answering 429: per client address, per customer (bearer token); 0 = off
    rate_per_ip: float = 5000.0
    burst_per_ip: float = 10000.0
    rate_per_customer: float = 5000.0
    burst_per_customer: float = 10000.0
    rate_limit_keys: int = 100_000  # buckets kept per worker (bounded memory)
    # upstream client
    connect_timeout: float = 2.0
    new_timeout: float = 5.0
    legacy_timeout: float = 60.0
    pool_size: int = 256
    keepalive_timeout: float = 30.0
    # fail-open, breaker, automatic rollback
    trip_after_failures: int = 3
    breaker_failures: int = 5
    breaker_cooldown: float = 5.0
    budget_window_seconds: int = 60
    budget_max_error_rate: float = 0.05
    budget_max_p99_ms: float = 500.0
    budget_min_requests: int = 50
    rollback_cooldown: float = 30.0
    # a write the new backend fails, or a write while its lane drains: 503 with this Retry-After
    write_retry_after: int = 5
    # shadow
    shadow_sample_rate: float = 1.0
    noise_sample_rate: float = 0.1
    # a path is learned as noise after differing in this many pairs of Magento answers, each
    # within the rule's life; a learned rule expires that long after its last evidence
    noise_min_evidence: int = Field(default=3, ge=1)
    noise_ttl_seconds: float = Field(default=3600.0, gt=0)
    shadow_max_body_bytes: int = 1024 * 1024
    shadow_max_in_flight: int = 64
    shadow_max_queued_bytes: int = 64 * 1024 * 1024
    diff_window_seconds: int = 300
    diff_max_samples: int = 50
    # cutover-state sync and reporting
    resync_seconds: float = 5.0
    stat_flush_seconds: float = 10.0
    reconnect_max_seconds: float = 5.0
    # headers: peers (CIDRs) whose X-Forwarded-* are believed; from anyone else they are replaced
    trusted_proxies: tuple[str, ...] = ()
    trace_size: int = 2048  # recent routing decisions kept for /_ficus/trace
    cohort_cookie_max_age: int = 365 * 24 * 3600
