"""Apache Kafka 4.3 as a single-node KRaft broker+controller (formatted once, then started).

Readiness asks the broker itself: a Metadata request must list this broker, which happens only
once it is registered and unfenced (a bare open port is not enough).
"""

from __future__ import annotations

import base64
import shutil
import socket
import struct
import subprocess
import uuid

from ficus_devstack.engine import Health
from ficus_devstack.errors import EngineFailed
from ficus_devstack.jars import JarSet
from ficus_devstack.jvm import FAST_START, JvmEngine, write_log4j2
from ficus_devstack.jvm import KafkaSettings as KafkaSettings
from ficus_devstack.settings import StackSettings


def kafka_cluster_id() -> str:
    """A KRaft cluster id as `StorageTool random-uuid` makes it (base64url, no padding)."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not text.startswith("-"):  # a leading '-' would be read as a CLI option
            return text


_SERVER = """\
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers={host}:{cport}
listeners=PLAINTEXT://{host}:{port},CONTROLLER://{host}:{cport}
advertised.listeners=PLAINTEXT://{host}:{port},CONTROLLER://{host}:{cport}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs={data}
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
auto.create.topics.enable=true
group.initial.rebalance.delay.ms=0
"""


def metadata_brokers(host: str, port: int, timeout: float = 2.0) -> list[tuple[int, str, int]]:
    """Send a Kafka Metadata v4 request; return the (id, host, port) of the live brokers."""
    client = b"ficus-health"
    request = struct.pack(">hhih", 3, 4, 1, len(client)) + client + struct.pack(">ib", -1, 0)
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(struct.pack(">i", len(request)) + request)
        (size,) = struct.unpack(">i", _read_exact(sock, 4))
        data = _read_exact(sock, size)
    _correlation, _throttle, count = struct.unpack_from(">iii", data, 0)
    offset, brokers = 12, []
    for _ in range(count):
        node, host_len = struct.unpack_from(">ih", data, offset)
        offset += 6
        broker_host = data[offset : offset + host_len].decode()
        offset += host_len
        broker_port, rack_len = struct.unpack_from(">ih", data, offset)
        offset += 6 + max(rack_len, 0)
        brokers.append((node, broker_host, broker_port))
    return brokers


def _read_exact(sock: socket.socket, size: int) -> bytes:
    buf = b""
    while len(buf) < size:
        chunk = sock.recv(size - len(buf))
        if not chunk:
            raise ConnectionError("connection closed by the broker")
        buf += chunk
    return buf


class KafkaBroker(JvmEngine):
    name = "kafka"
    port_setting = "FICUS_KAFKA_PORT"
    main_class = "kafka.Kafka"
    config_name = "server.properties"

    def __init__(self, settings: StackSettings, kafka: KafkaSettings) -> None:
        super().__init__(settings, kafka, kafka.port)
        self.datadir = self.root / "data"

    @property
    def heap(self) -> str:
        return self.kafka.broker_heap

    @property
    def ports(self) -> tuple[int, ...]:
        return (self.port, self.kafka.controller_port)

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    def prepare(self) -> None:
        java, jars = self._prepare_dirs()
        self.config.write_text(
            _SERVER.format(
                host=self.host,
                port=self.port,
                cport=self.kafka.controller_port,
                data=self.datadir,
            )
        )
        write_log4j2(self.log4j)
        if not (self.datadir / "meta.properties").exists():
            self._format(java, jars)

    def _format(self, java: str, jars: JarSet) -> None:
        argv = [
            java,
            "-Xmx256m",
            *FAST_START,
            f"-Dlog4j2.configurationFile={self.log4j}",
            "-cp",
            jars.classpath,
            "kafka.tools.StorageTool",
            "format",
            "--standalone",
            "-t",
            kafka_cluster_id(),
            "-c",
            str(self.config),
        ]
        result = subprocess.run(argv, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            shutil.rmtree(self.datadir, ignore_errors=True)
            output = (result.stdout + result.stderr).strip()[-2000:]
            raise EngineFailed(f"kafka storage format failed: {output}")

    def health(self) -> Health:
        try:
            brokers = metadata_brokers(self.host, self.port)
        except (OSError, struct.error) as exc:
            return Health(False, f"no metadata answer: {exc}")
        if not brokers:
            return Health(False, "broker not yet registered (metadata lists no broker)")
        return Health(True, "serving metadata", {"brokers": str(len(brokers))})
