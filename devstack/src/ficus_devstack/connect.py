"""A Kafka Connect worker in distributed mode, with Debezium's MariaDB connector in its own
plugin directory (never on the worker's classpath).

Readiness asks the worker's REST API: `/health` must answer 200 and `/connector-plugins` must
list the MariaDB connector (which proves the plugin.path layout).
"""

from __future__ import annotations

from pathlib import Path

import httpx

from ficus_devstack.engine import Health
from ficus_devstack.jvm import JvmEngine, KafkaSettings, write_log4j2
from ficus_devstack.settings import StackSettings

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


class ConnectWorker(JvmEngine):
    name = "connect"
    port_setting = "FICUS_KAFKA_CONNECT_PORT"
    main_class = "org.apache.kafka.connect.cli.ConnectDistributed"
    config_name = "connect-distributed.properties"

    def __init__(self, settings: StackSettings, kafka: KafkaSettings) -> None:
        super().__init__(settings, kafka, kafka.connect_port)

    @property
    def heap(self) -> str:
        return self.kafka.connect_heap

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.settings.host}:{self.kafka.port}"

    def prepare(self) -> None:
        _java, jars = self._prepare_dirs()
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
