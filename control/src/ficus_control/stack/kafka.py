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
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from ficus_control.stack.engine import Engine, Health, find_binary, port_is_free
from ficus_control.stack.errors import EngineFailed
from ficus_control.stack.jars import JarCache, JarSet
from ficus_control.stack.process import ManagedProcess, ProcessSpec, wait_until
from ficus_control.stack.settings import StackSettings

_JAVA_PACKAGE = "openjdk-17-jre-headless"
_FAST_START = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"]


class KafkaSettings(BaseSettings):
    """Ports, heaps and jar cache of the Kafka path (env prefix FICUS_KAFKA_)."""

    model_config = SettingsConfigDict(env_prefix="FICUS_KAFKA_", frozen=True)

    port: int = 19092
    controller_port: int = 19093
    connect_port: int = 18183  # 18083 is control's admin API
    jars_dir: Path = Field(default_factory=lambda: Path.cwd() / ".ficus" / "jars")
    pom_dir: Path | None = None
    java: str = "java"
    broker_heap: str = "-Xms256m -Xmx512m"
    connect_heap: str = "-Xms256m -Xmx768m"
    jvm_options: str = " ".join(_FAST_START)
    connect_group: str = "ficus-connect"
    start_timeout: float = 90.0

    def jar_cache(self) -> JarCache:
        return JarCache(self.jars_dir, self.pom_dir)


def kafka_cluster_id() -> str:
    """A KRaft cluster id as `StorageTool random-uuid` makes it (base64url, no padding)."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not text.startswith("-"):  # a leading '-' would be read as a CLI option
            return text


def java_binary(configured: str) -> str:
    if "/" in configured:
        return configured
    return find_binary([configured], _JAVA_PACKAGE, [Path("/usr/lib/jvm/default-java/bin")])


_LOG4J2 = """\
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = {pattern}
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
logger.req.name = kafka.request.logger
logger.req.level = WARN
logger.reflections.name = org.reflections
logger.reflections.level = ERROR
"""


def write_log4j2(path: Path, pattern: str = "[%d] %p %m (%c)%n") -> None:
    """Log4j2 in .properties form: YAML would need jackson-dataformat-yaml on the classpath."""
    path.write_text(_LOG4J2.format(pattern=pattern))


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


class KafkaBroker(Engine):
    name = "kafka"
    port_setting = "FICUS_KAFKA_PORT"

    def __init__(self, settings: StackSettings, kafka: KafkaSettings) -> None:
        super().__init__(settings.host, kafka.port, kafka.start_timeout)
        self.settings = settings
        self.kafka = kafka
        self.root = settings.home / "kafka"
        self.datadir = self.root / "data"
        self.config = self.root / "server.properties"
        self.log4j = self.root / "log4j2.properties"
        self._process = ManagedProcess(
            ProcessSpec(
                name=self.name,
                argv=self._argv(kafka.jar_cache().jar_set()),
                pidfile=settings.run_dir / "kafka.pid",
                logfile=settings.log_dir / "kafka.log",
            )
        )

    def _argv(self, jars: JarSet) -> list[str]:
        return [
            self.kafka.java,
            *self.kafka.broker_heap.split(),
            *self.kafka.jvm_options.split(),
            f"-Dkafka.logs.dir={self.settings.log_dir}",
            f"-Dlog4j2.configurationFile={self.log4j}",
            "-cp",
            jars.classpath,
            "kafka.Kafka",
            str(self.config),
        ]

    @property
    def process(self) -> ManagedProcess:
        return self._process

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    def prepare(self) -> None:
        java = java_binary(self.kafka.java)
        jars = self.kafka.jar_cache().ensure()
        for directory in (self.root, self.settings.run_dir, self.settings.log_dir):
            directory.mkdir(parents=True, exist_ok=True)
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

    def check_port(self) -> None:
        # a JVM killed -9 turns zombie before its last thread closes the listening sockets
        ports = (self.port, self.kafka.controller_port)
        wait_until(lambda: all(port_is_free(self.host, p) for p in ports), 10.0, interval=0.1)
        super().check_port()
        saved = self.port
        try:
            self.port = self.kafka.controller_port
            super().check_port()
        finally:
            self.port = saved

    def _format(self, java: str, jars: JarSet) -> None:
        argv = [
            java,
            "-Xmx256m",
            *_FAST_START,
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

    def wipe(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
