"""Elasticsearch, single node, security off, loopback only, run as the project's non-root OS
user (Elasticsearch refuses root). The distribution comes from Maven Central (see esjars)."""

from __future__ import annotations

import dataclasses
import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path

from ficus_devstack.engine import Engine, Health
from ficus_devstack.esjars import ES_VERSION, ensure_distribution, find_java_home
from ficus_devstack.osuser import make_traversable, own_tree
from ficus_devstack.process import ManagedProcess, OsUser, ProcessSpec
from ficus_devstack.settings import StackSettings

DEFAULT_PORT = 19200

_CONFIG = """\
cluster.name: ficus
node.name: ficus-search
discovery.type: single-node
network.host: {host}
http.port: {port}
transport.port: {transport_port}
path.data: {data}
path.logs: {logs}
xpack.security.enabled: false
action.destructive_requires_name: false
action.auto_create_index: false
cluster.routing.allocation.disk.threshold_enabled: false
"""


class Elasticsearch(Engine):
    name = "elasticsearch"
    port_setting = "FICUS_ELASTICSEARCH_PORT"

    def __init__(
        self,
        settings: StackSettings,
        user: OsUser,
        port: int = DEFAULT_PORT,
        heap: str = "1g",  # at 512m a young GC every 1.5-2 s at 200 q/s lands in p99
        version: str = ES_VERSION,
        dist_dir: Path | None = None,
    ) -> None:
        super().__init__(settings.host, port, max(settings.start_timeout, 90.0))
        self.settings = settings
        self.user = user
        self.version = version
        self.root = settings.home / "elasticsearch"
        self.dist_dir = dist_dir or self.root / "dist"
        self.config_dir = self.root / "config"
        self.data_dir = self.root / "data"
        self.tmp_dir = self.root / "tmp"
        es_home = self.dist_dir / f"elasticsearch-{version}"
        self._process = ManagedProcess(
            ProcessSpec(
                name=self.name,
                argv=[str(es_home / "bin" / "elasticsearch")],
                pidfile=settings.run_dir / "elasticsearch.pid",
                logfile=settings.log_dir / "elasticsearch.log",
                user=user,
                env={
                    "PATH": "/usr/bin:/bin",
                    "ES_PATH_CONF": str(self.config_dir),
                    "ES_TMPDIR": str(self.tmp_dir),
                    "ES_JAVA_OPTS": f"-Xms{heap} -Xmx{heap}",
                    "ES_JAVA_HOME": "",  # filled by prepare()
                },
                cwd=self.root,
                stop_timeout=30.0,
            )
        )

    @property
    def process(self) -> ManagedProcess:
        return self._process

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def prepare(self) -> None:
        """Fetch and unpack the distribution once, write the config, own the tree."""
        es_home = ensure_distribution(self.dist_dir, self.version)
        java_home = find_java_home()
        for directory in (self.config_dir, self.data_dir, self.tmp_dir, self.root / "logs"):
            directory.mkdir(parents=True, exist_ok=True)
        self.settings.run_dir.mkdir(parents=True, exist_ok=True)
        self.settings.log_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(
            es_home / "config" / "log4j2.properties", self.config_dir / "log4j2.properties"
        )
        # The JVM's cwd is the distribution (owned by root): point its relative paths at ours.
        jvm_options = (es_home / "config" / "jvm.options").read_text()
        logs = self.root / "logs"
        jvm_options = jvm_options.replace("file=logs/", f"file={logs}/")
        jvm_options = jvm_options.replace("ErrorFile=logs/", f"ErrorFile={logs}/")
        jvm_options = jvm_options.replace("HeapDumpPath=data", f"HeapDumpPath={logs}")
        (self.config_dir / "jvm.options").write_text(jvm_options)
        (self.config_dir / "jvm.options.d").mkdir(exist_ok=True)
        (self.config_dir / "elasticsearch.yml").write_text(self._render_config())
        env = dict(self._process.spec.env or {})
        env["ES_JAVA_HOME"] = str(java_home)
        self._process = ManagedProcess(dataclasses.replace(self._process.spec, env=env))
        if self.user.uid is not None:
            make_traversable(self.settings.home.parent)
            for path in (self.settings.home, self.settings.run_dir, self.settings.log_dir):
                self.user.chown(path)
            own_tree(self.root, self.user)
            if self.process.spec.logfile.exists():
                self.user.chown(self.process.spec.logfile)

    def _render_config(self) -> str:
        return _CONFIG.format(
            host=self.host,
            port=self.port,
            transport_port=self.port + 100,
            data=self.data_dir,
            logs=self.root / "logs",
        )

    def health(self) -> Health:
        try:
            request = urllib.request.Request(f"{self.url}/_cluster/health")  # noqa: S310
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                body = json.loads(response.read())
        except (OSError, urllib.error.URLError, ValueError) as exc:
            return Health(False, f"no answer: {exc}")
        status = str(body.get("status", "?"))
        ok = status in ("green", "yellow")
        return Health(ok, f"cluster {status}", {"version": self.version, "status": status})

    def wipe(self) -> None:
        """Delete data and config, keep the unpacked distribution (offline restarts)."""
        for directory in (self.data_dir, self.config_dir, self.tmp_dir):
            shutil.rmtree(directory, ignore_errors=True)
