"""A Kafka Connect worker in distributed mode, with Debezium's MariaDB connector in its own
plugin directory (never on the worker's classpath).

Readiness asks the worker's REST API: `/health` must answer 200 and `/connector-plugins` must
list the MariaDB connector (which proves the plugin.path layout).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx

from ficus_control.stack.engine import Engine, Health, port_is_free
from ficus_control.stack.jars import JarSet
from ficus_control.stack.kafka import KafkaSettings, java_binary, write_log4j2
from ficus_control.stack.process import ManagedProcess, ProcessSpec, wait_until
from ficus_control.stack.settings import StackSettings

MARIADB_CONNECTOR = "io.debezium.connector.mariadb.MariaDbConnector"

_WORKER = """\
bootstrap.servers={bootstrap}
group.id={group}
listeners=http://{host}:{port}
rest.advertised.host.name={host}
rest.advertised.port={port}
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=false
value.converter.schemas.enable=false
config.storage.topic=_connect-configs
config.storage.replication.factor=1
offset.storage.topic=_connect-offsets
offset.storage.replication.factor=1
offset.storage.partitions=1
status.storage.topic=_connect-status
status.storage.replication.factor=1
status.storage.partitions=1
plugin.path={plugin_path}
plugin.discovery=service_load
offset.flush.interval.ms=1000
scheduled.rebalance.max.delay.ms=0
"""


class ConnectWorker(Engine):
    name = "connect"
    port_setting = "FICUS_KAFKA_CONNECT_PORT"

    def __init__(self, settings: StackSettings, kafka: KafkaSettings) -> None:
        super().__init__(settings.host, kafka.connect_port, kafka.start_timeout)
        self.settings = settings
        self.kafka = kafka
        self.root = settings.home / "connect"
        self.config = self.root / "connect-distributed.properties"
        self.log4j = self.root / "log4j2.properties"
        self._process = ManagedProcess(
            ProcessSpec(
                name=self.name,
                argv=self._argv(kafka.jar_cache().jar_set()),
                pidfile=settings.run_dir / "connect.pid",
                logfile=settings.log_dir / "connect.log",
            )
        )

    def _argv(self, jars: JarSet) -> list[str]:
        return [
            self.kafka.java,
            *self.kafka.connect_heap.split(),
            *self.kafka.jvm_options.split(),
            f"-Dkafka.logs.dir={self.settings.log_dir}",
            f"-Dlog4j2.configurationFile={self.log4j}",
            "-cp",
            jars.classpath,
            "org.apache.kafka.connect.cli.ConnectDistributed",
            str(self.config),
        ]

    @property
    def process(self) -> ManagedProcess:
        return self._process

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.settings.host}:{self.kafka.port}"

    def prepare(self) -> None:
        java_binary(self.kafka.java)
        jars = self.kafka.jar_cache().ensure()
        for directory in (self.root, self.settings.run_dir, self.settings.log_dir):
            directory.mkdir(parents=True, exist_ok=True)
        self.config.write_text(self.render_config(jars.plugin_path))
        write_log4j2(self.log4j, "[%d] %p %X{connector.context}%m (%c:%L)%n")

    def render_config(self, plugin_path: Path) -> str:
        return _WORKER.format(
            bootstrap=self.bootstrap_servers,
            group=self.kafka.connect_group,
            host=self.host,
            port=self.port,
            plugin_path=plugin_path,
        )

    def check_port(self) -> None:
        # a JVM killed -9 turns zombie before its last thread closes the listening socket
        wait_until(lambda: port_is_free(self.host, self.port), 10.0, interval=0.1)
        super().check_port()

    def health(self) -> Health:
        try:
            with httpx.Client(base_url=self.url, timeout=2.0) as client:
                health = client.get("/health")
                if health.status_code != 200:
                    return Health(False, f"/health answered {health.status_code}")
                plugins = client.get("/connector-plugins").json()
                version = client.get("/").json().get("version", "?")
        except (httpx.HTTPError, ValueError) as exc:
            return Health(False, f"no REST answer: {exc}")
        classes = {plugin.get("class") for plugin in plugins}
        if MARIADB_CONNECTOR not in classes:
            return Health(
                False, f"{MARIADB_CONNECTOR} not in /connector-plugins: check plugin.path"
            )
        return Health(True, "worker ready", {"kafka": str(version), "plugins": str(len(classes))})

    def wipe(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
