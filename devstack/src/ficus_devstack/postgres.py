"""PostgreSQL via initdb, run as the project's non-root OS user: one database per service."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import psycopg

from ficus_devstack.engine import Engine, Health, find_binary
from ficus_devstack.errors import EngineFailed
from ficus_devstack.osuser import make_traversable, own_tree
from ficus_devstack.process import ManagedProcess, OsUser, ProcessSpec
from ficus_devstack.settings import StackSettings

_PACKAGE = "postgresql"


def _pg_bin_dirs() -> list[Path]:
    base = Path("/usr/lib/postgresql")
    versions = sorted(base.glob("*/bin"), key=lambda p: p.parent.name, reverse=True)
    return versions


def _find(name: str) -> str:
    # Debian puts the server binaries under /usr/lib/postgresql/<v>/bin, not on PATH.
    return find_binary([name], _PACKAGE, _pg_bin_dirs())


class Postgres(Engine):
    name = "postgres"
    port_setting = "FICUS_POSTGRES_PORT"

    def __init__(self, settings: StackSettings, user: OsUser) -> None:
        super().__init__(settings.host, settings.postgres_port, settings.start_timeout)
        self.settings = settings
        self.user = user
        self.root = settings.home / "postgres"
        self.datadir = self.root / "data"
        try:
            binary = _find("postgres")
        except Exception:
            binary = "postgres"
        self._process = ManagedProcess(
            ProcessSpec(
                name=self.name,
                argv=[
                    binary,
                    "-D",
                    str(self.datadir),
                    "-p",
                    str(self.port),
                    "-k",
                    str(settings.run_dir),
                    "-c",
                    f"listen_addresses={self.host}",
                    "-c",
                    "max_connections=300",
                    "-c",
                    "shared_buffers=256MB",
                    "-c",
                    "wal_level=logical",
                    "-c",
                    "timezone=UTC",
                ],
                pidfile=settings.run_dir / "postgres.pid",
                logfile=settings.log_dir / "postgres.log",
                user=user,
                stop_signal=2,  # SIGINT: fast shutdown, as `pg_ctl stop -m fast`
            )
        )

    @property
    def process(self) -> ManagedProcess:
        return self._process

    def prepare(self) -> None:
        _find("postgres")
        initdb = _find("initdb")
        for directory in (self.root, self.settings.run_dir, self.settings.log_dir):
            directory.mkdir(parents=True, exist_ok=True)
        if self.user.uid is not None:
            make_traversable(self.settings.home.parent)
            for path in (self.settings.home, self.settings.run_dir, self.settings.log_dir):
                self.user.chown(path)
            own_tree(self.root, self.user)
            if self.process.spec.logfile.exists():
                self.user.chown(self.process.spec.logfile)
        if (self.datadir / "PG_VERSION").exists():
            return
        argv = [
            initdb,
            "-D",
            str(self.datadir),
            "-U",
            self.settings.postgres_user,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        ]
        result = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            check=False,
            user=self.user.uid,
            group=self.user.gid,
        )
        if result.returncode != 0:
            shutil.rmtree(self.datadir, ignore_errors=True)
            raise EngineFailed(f"initdb failed: {result.stderr.strip()[-2000:]}")

    def connect(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            self.settings.postgres_url(database), connect_timeout=2, autocommit=True
        )

    def health(self) -> Health:
        try:
            with self.connect() as conn:
                row = conn.execute("SHOW server_version").fetchone()
        except psycopg.Error as exc:
            return Health(False, f"no connection: {str(exc).strip().splitlines()[0]}")
        version = str(row[0]) if row else "?"
        return Health(True, "accepting connections", {"version": version})

    def after_start(self) -> None:
        """Create one database per service (idempotent)."""
        for database in self.settings.service_databases:
            self.ensure_database(database)

    def ensure_database(self, database: str) -> None:
        with self.connect() as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{database}"')

    def wipe(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
