"""MariaDB with binlog on (ROW, FULL image, GTID): the Magento side of the local stack."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pymysql

from ficus_devstack.engine import Engine, Health, find_binary
from ficus_devstack.errors import EngineFailed
from ficus_devstack.osuser import make_traversable, own_tree
from ficus_devstack.process import ManagedProcess, OsUser, ProcessSpec
from ficus_devstack.settings import StackSettings

_SEARCH = [Path("/usr/sbin"), Path("/usr/bin")]
_PACKAGE = "mariadb-server"

_CONFIG = """\
[mariadbd]
datadir={datadir}
socket={socket}
port={port}
bind-address={host}
pid-file={run}/mariadbd.pid
tmpdir={tmp}
skip-name-resolve
server_id=1
log_bin={binlog}/mariadb-bin
binlog_format=ROW
binlog_row_image=FULL
binlog_row_metadata=FULL
binlog_annotate_row_events=ON
log_bin_compress=OFF
binlog_expire_logs_seconds=864000
gtid_strict_mode=ON
default_time_zone='+00:00'
character_set_server=utf8mb4
collation_server=utf8mb4_general_ci
innodb_buffer_pool_size=256M
innodb_log_file_size=256M
innodb_flush_log_at_trx_commit=2
max_connections=500
max_allowed_packet=64M
{user_line}
[client]
socket={socket}
"""


class MariaDb(Engine):
    name = "mariadb"
    port_setting = "FICUS_MARIADB_PORT"

    def __init__(self, settings: StackSettings, user: OsUser) -> None:
        super().__init__(settings.host, settings.mariadb_port, settings.start_timeout)
        self.settings = settings
        self.user = user
        self.root = settings.home / "mariadb"
        self.datadir = self.root / "data"
        self.binlog_dir = self.root / "binlog"
        self.config = self.root / "my.cnf"
        self.socket = settings.run_dir / "mariadb.sock"
        self._process = ManagedProcess(
            ProcessSpec(
                name=self.name,
                argv=[self._binary(), f"--defaults-file={self.config}"],
                pidfile=settings.run_dir / "mariadb.pid",
                logfile=settings.log_dir / "mariadb.log",
                user=user,
            )
        )

    @staticmethod
    def _binary() -> str:
        try:
            return find_binary(["mariadbd", "mysqld"], _PACKAGE, _SEARCH)
        except Exception:
            return "mariadbd"  # reported by prepare() with the install command

    @property
    def process(self) -> ManagedProcess:
        return self._process

    def prepare(self) -> None:
        find_binary(["mariadbd", "mysqld"], _PACKAGE, _SEARCH)
        install_db = find_binary(["mariadb-install-db", "mysql_install_db"], _PACKAGE, _SEARCH)
        for directory in (
            self.root,
            self.binlog_dir,
            self.root / "tmp",
            self.settings.run_dir,
            self.settings.log_dir,
        ):
            directory.mkdir(parents=True, exist_ok=True)
        if len(str(self.socket)) > 100:
            raise EngineFailed(f"socket path too long for MariaDB: {self.socket}; set FICUS_HOME")
        self.config.write_text(self._render_config())
        if (self.datadir / "mysql").is_dir():
            self._own()
            return
        self.datadir.mkdir(parents=True, exist_ok=True)
        self._own()
        argv = [
            install_db,
            f"--defaults-file={self.config}",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
        ]
        if self.user.name:
            argv.append(f"--user={self.user.name}")
        result = subprocess.run(argv, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            shutil.rmtree(self.datadir, ignore_errors=True)
            raise EngineFailed(f"mariadb-install-db failed: {result.stderr.strip()[-2000:]}")

    def _own(self) -> None:
        if self.user.uid is not None:
            make_traversable(self.settings.home.parent)
            for path in (self.settings.home, self.settings.run_dir, self.settings.log_dir):
                self.user.chown(path)
            own_tree(self.root, self.user)
            log = self.process.spec.logfile
            if log.exists():
                self.user.chown(log)

    def _render_config(self) -> str:
        return _CONFIG.format(
            datadir=self.datadir,
            socket=self.socket,
            port=self.port,
            host=self.host,
            run=self.settings.run_dir,
            binlog=self.binlog_dir,
            tmp=self.root / "tmp",
            user_line=f"user={self.user.name}" if self.user.name else "",
        )

    def admin_connection(self) -> pymysql.connections.Connection[pymysql.cursors.Cursor]:
        """Root over the unix socket (root has no TCP account)."""
        return pymysql.connect(unix_socket=str(self.socket), user="root", connect_timeout=2)

    def health(self) -> Health:
        try:
            conn = self.admin_connection()
        except pymysql.err.MySQLError as exc:
            return Health(False, f"no connection: {exc.args[-1] if exc.args else exc}")
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@version")
                row = cur.fetchone()
                cur.execute("SELECT @@gtid_binlog_pos")
                gtid = cur.fetchone()
        finally:
            conn.close()
        assert row is not None and gtid is not None
        facts = {
            "binlog": "ON" if row[0] else "OFF",
            "format": str(row[1]),
            "row image": str(row[2]),
            "version": str(row[3]),
            "gtid": str(gtid[0]) or "-",
        }
        return Health(True, "accepting connections", facts)

    def after_start(self) -> None:
        """Create the application database and the `ficus` account (idempotent)."""
        s = self.settings
        conn = self.admin_connection()
        try:
            with conn.cursor() as cur:
                cur.execute(
                    f"CREATE DATABASE IF NOT EXISTS `{s.mariadb_database}` "
                    "CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
                )
                cur.execute(
                    "CREATE USER IF NOT EXISTS %s@'%%' IDENTIFIED BY %s",
                    (s.mariadb_user, s.mariadb_password),
                )
                cur.execute(
                    f"GRANT ALL PRIVILEGES ON *.* TO `{s.mariadb_user}`@'%' WITH GRANT OPTION"
                )
            conn.commit()
        finally:
            conn.close()

    def wipe(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
