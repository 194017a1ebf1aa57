"""The whole local stack of `ficus up`: engines, then the Magento stand-in (seeded once), the
control plane (migrated, with CLI and proxy tokens), sync, the catalog, search and customer
services and the data plane: the Python proxy, or nginx driven by its agent (`--plane nginx`).

Deployables are started as processes (`python -m ficus_<x> …`) and provisioned through their
own commands, so the control plane imports none of them."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pymysql

from ficus_devstack.engine import Engine
from ficus_devstack.errors import EngineFailed
from ficus_devstack.manager import Stack
from ficus_devstack.mariadb import MariaDb
from ficus_devstack.osuser import ensure_os_user
from ficus_devstack.postgres import Postgres
from ficus_devstack.service import Service
from ficus_devstack.settings import StackSettings
from ficus_devstack.wiring import component_env, proxy_admin_port

if TYPE_CHECKING:
    from ficus_devstack.kafka import KafkaSettings

DEMO_STORE = ("--products", "300", "--customers", "50", "--orders", "50", "--seed", "1")


Capture = Literal["embedded", "kafka"]
SearchEngine = Literal["postgres", "elasticsearch"]
DataPlane = Literal["proxy", "nginx"]
REPO_ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Profile:
    """Which engines the stack runs: capture (embedded binlog reader, or Debezium on Kafka
    Connect), search (Postgres FTS, or Elasticsearch) and the data plane on the shopper port
    (the Python proxy, or nginx with the `ficus_nginx run` agent). Saved by `ficus up` so
    that `status` and `down` see the same components."""

    capture: Capture = "embedded"
    search: SearchEngine = "postgres"
    plane: DataPlane = "proxy"

    @classmethod
    def load(cls, settings: StackSettings) -> Profile:
        path = settings.home / "profile.json"
        if not path.is_file():
            return cls()
        return cls(**json.loads(path.read_text()))

    def save(self, settings: StackSettings) -> None:
        settings.home.mkdir(parents=True, exist_ok=True)
        (settings.home / "profile.json").write_text(json.dumps(asdict(self)))


def comparer_ports(proxy_port: int) -> tuple[int, int]:
    """The nginx plane's shadow comparer: its (unused, loopback) shopper port, next but one to
    the plane's, and its admin listener, where nginx posts the copies."""
    return proxy_port + 2, proxy_admin_port(proxy_port + 2)


class LocalStack:
    """Builds the components of one local stack from its settings and profile."""

    def __init__(self, settings: StackSettings, profile: Profile | None = None) -> None:
        self.settings = settings
        self.profile = profile or Profile.load(settings)
        self.env = component_env(settings)

    def build(self) -> Stack:
        s = self.settings
        user = ensure_os_user(s.os_user)
        engines: list[Engine] = [MariaDb(s, user), Postgres(s, user)]
        if self.profile.capture == "kafka":
            from ficus_devstack.connect import ConnectWorker
            from ficus_devstack.kafka import KafkaBroker

            kafka = self.kafka_settings()
            engines += [KafkaBroker(s, kafka), ConnectWorker(s, kafka)]
        if self.profile.search == "elasticsearch":
            from ficus_devstack.elasticsearch import Elasticsearch

            engines.append(Elasticsearch(s, user, port=s.elasticsearch_port))
        return Stack(s, [*engines, *self.services()])

    def services(self) -> list[Engine]:
        s = self.settings

        def service(name: str, args: list[str], port: int, **kw: object) -> Service:
            return Service(
                s,
                name,
                args,
                port,
                f"FICUS_{name.upper()}_PORT",
                env=self._env,
                **kw,  # type: ignore[arg-type]
            )

        return [
            service(
                "standin",
                ["ficus_standin", "serve", "--port", str(s.standin_port)],
                s.standin_port,
                before_start=self.seed_magento,
            ),
            service(
                "control",
                ["ficus_control", "serve", "--port", str(s.control_port)],
                s.control_port,
                before_start=self.provision_control,
            ),
            service("sync", ["ficus_sync", "run", "--port", str(s.sync_port)], s.sync_port),
            service(
                "catalog", ["ficus_catalog", "serve", "--port", str(s.catalog_port)], s.catalog_port
            ),
            service(
                "search", ["ficus_search", "serve", "--port", str(s.search_port)], s.search_port
            ),
            service(
                "customer",
                ["ficus_customer", "serve", "--port", str(s.customer_port)],
                s.customer_port,
            ),
            *self._plane(service),
        ]

    def _plane(self, service: Callable[..., Service]) -> list[Service]:
        """The shopper port's data plane: the Python proxy, or the nginx agent (which starts
        nginx as its child and stops it with itself) after the Python proxy worker that
        compares its shadow copies (loopback only; the plane is last)."""
        port = self.settings.proxy_port
        admin = proxy_admin_port(port)  # the health check: the shopper port has none
        if self.profile.plane == "nginx":
            nginx = service("nginx", ["ficus_nginx", "run"], port, health_port=admin)
            return [self._comparer(), nginx]
        args = ["ficus_proxy", "serve", "--port", str(port)]
        return [service("proxy", args, port, health_port=admin)]

    def _comparer(self) -> Service:
        """The Python proxy worker the nginx plane hands its shadow copies to: the proxy's
        own comparison, ignore rules and shadow_stat (`ficus_proxy.shadow.intake`)."""
        s = self.settings
        port, admin = comparer_ports(s.proxy_port)
        args = ["ficus_proxy", "serve", "--host", "127.0.0.1", "--port", str(port),
                "--admin-port", str(admin)]  # fmt: skip
        return Service(s, "comparer", args, port, "FICUS_PROXY_PORT", env=self._env,
                       health_port=admin)  # fmt: skip

    def kafka_settings(self) -> KafkaSettings:
        from ficus_devstack.kafka import KafkaSettings

        return KafkaSettings(jars_dir=self.settings.home / "jars")

    def _kafka_env(self) -> dict[str, str]:
        if self.profile.capture != "kafka":
            return {}
        s, kafka = self.settings, self.kafka_settings()
        return {
            "FICUS_SYNC_ENGINE": "kafka",
            "FICUS_SYNC_KAFKA_BOOTSTRAP_SERVERS": f"{s.host}:{kafka.port}",
            "FICUS_SYNC_KAFKA_CONNECT_URL": f"http://{s.host}:{kafka.connect_port}",
            "FICUS_SYNC_KAFKA_MARIADB_HOST": s.host,
            "FICUS_SYNC_KAFKA_MARIADB_PORT": str(s.mariadb_port),
            "FICUS_SYNC_KAFKA_MARIADB_DATABASE": s.mariadb_database,
            "FICUS_SYNC_KAFKA_MARIADB_ADMIN_USER": s.mariadb_user,
            "FICUS_SYNC_KAFKA_MARIADB_ADMIN_PASSWORD": s.mariadb_password,
        }

    def environment(self) -> Mapping[str, str]:
        """The FICUS_* environment of the stack's processes (also given to delegated commands)."""
        return self._env()

    def _env(self) -> Mapping[str, str]:
        s = self.settings
        token_file = s.home / "control" / "proxy-token"
        upstreams = {
            "catalog": f"http://{s.host}:{s.catalog_port}",
            "search": f"http://{s.host}:{s.search_port}",
            "customer": f"http://{s.host}:{s.customer_port}",
        }
        env = {
            **self.env,
            **self._kafka_env(),
            "FICUS_SEARCH_ENGINE": self.profile.search,
            "FICUS_HOME": str(s.home),
            "FICUS_PROXY_UPSTREAMS": json.dumps(upstreams),
        }
        if token_file.is_file():
            env["FICUS_PROXY_TOKEN"] = token_file.read_text().strip()
        proxy_db = s.home / "control" / "proxy-db-url"
        if proxy_db.is_file():  # the proxy's own role: LISTEN, cutover_state, shadow_stat only
            env["FICUS_PROXY_CONTROL_DB_URL"] = proxy_db.read_text().strip()
        return {**env, **self._nginx_env(env, upstreams)}

    def _nginx_env(self, env: Mapping[str, str], upstreams: Mapping[str, str]) -> dict[str, str]:
        """The nginx agent's FICUS_NGINX_*: the proxy's listeners, upstreams, database role and
        token (it reports trips and budget breaches to control as the proxy does)."""
        s = self.settings
        nginx = {
            "FICUS_NGINX_PREFIX": str(s.home / "nginx"),
            "FICUS_NGINX_LEGACY_URL": env["FICUS_PROXY_LEGACY_URL"],
            "FICUS_NGINX_UPSTREAMS": json.dumps(upstreams),
            "FICUS_NGINX_PORT": str(s.proxy_port),
            "FICUS_NGINX_ADMIN_PORT": env["FICUS_PROXY_ADMIN_PORT"],
            "FICUS_NGINX_ROUTES_FILE": str(REPO_ROOT / "proxy" / "routes.yaml"),
            "FICUS_NGINX_SHADOW_URL": f"http://127.0.0.1:{comparer_ports(s.proxy_port)[1]}",
            "FICUS_NGINX_CONTROL_DB_URL": env["FICUS_PROXY_CONTROL_DB_URL"],
            "FICUS_NGINX_CONTROL_API_URL": env["FICUS_PROXY_CONTROL_API_URL"],
            # the same key material as the proxy: a shopper gets the same side on both planes
            "FICUS_NGINX_MAGENTO_CRYPT_KEY": env["FICUS_PROXY_MAGENTO_CRYPT_KEY"],
        }
        if "FICUS_PROXY_TOKEN" in env:
            nginx["FICUS_NGINX_TOKEN"] = env["FICUS_PROXY_TOKEN"]
        return nginx

    def seed_magento(self) -> None:
        """Install Magento's schema and a small generated store, once; a store seeded by an
        older release gets the tables it lacks (`ficus_standin upgrade`)."""
        if self._magento_has_products():
            self._run(["ficus_standin", "upgrade", "--url", self.settings.mariadb_url])
            return
        self._run(["ficus_standin", "seed", *DEMO_STORE, "--url", self.settings.mariadb_url])

    def provision_control(self) -> None:
        from ficus_control.provision import (
            ensure_cli_token,
            ensure_proxy_db_role,
            ensure_token,
            run_migrations,
        )
        from ficus_control.tokens import Role

        s = self.settings
        db = s.postgres_url("ficus_control")
        run_migrations(db)
        ensure_cli_token(db, s.home / "control" / "cli-token")
        ensure_token(db, s.home / "control" / "proxy-token", "proxy", Role.PROXY)
        proxy_url = ensure_proxy_db_role(db, s.home / "control" / "proxy-db-password")
        (s.home / "control" / "proxy-db-url").write_text(proxy_url + "\n")

    def _magento_has_products(self) -> bool:
        s = self.settings
        conn = pymysql.connect(
            host=s.host,
            port=s.mariadb_port,
            user=s.mariadb_user,
            password=s.mariadb_password,
            database=s.mariadb_database,
        )
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT COUNT(*) FROM information_schema.tables "
                    "WHERE table_schema = DATABASE() AND table_name = 'catalog_product_entity'"
                )
                row = cur.fetchone()
                if not row or not row[0]:
                    return False
                cur.execute("SELECT EXISTS (SELECT 1 FROM catalog_product_entity)")
                row = cur.fetchone()
                return bool(row and row[0])
        finally:
            conn.close()

    def _run(self, module_args: list[str]) -> None:
        log = self.settings.log_dir / "provision.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            code = subprocess.call(
                [sys.executable, "-m", *module_args],
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**self._env_os(), **self.env},
            )
        if code != 0:
            raise EngineFailed(f"`python -m {' '.join(module_args[:2])}` failed; see {log}")

    @staticmethod
    def _env_os() -> dict[str, str]:
        import os

        return dict(os.environ)
