"""What the Kafka path's JVM engines share (the KRaft broker in `kafka`, the Connect worker in
`connect`): their settings, the java binary, a log4j2 config, and `JvmEngine` (one java process
on the jar cache's classpath, its own directory under the stack's home, logs and pid file named
after the engine, and a wait for a killed JVM's sockets before a restart binds them)."""

from __future__ import annotations

import shutil
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from ficus_devstack.engine import Engine, find_binary
from ficus_devstack.jars import JarCache, JarSet
from ficus_devstack.process import ManagedProcess, ProcessSpec
from ficus_devstack.settings import StackSettings

_JAVA_PACKAGE = "openjdk-17-jre-headless"
FAST_START = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"]


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
    jvm_options: str = " ".join(FAST_START)
    connect_group: str = "ficus-connect"
    start_timeout: float = 90.0

    def jar_cache(self) -> JarCache:
        return JarCache(self.jars_dir, self.pom_dir)


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


class JvmEngine(Engine):
    """One JVM engine: subclasses name the main class, the config file and the heap, write
    the config in `prepare`, and answer `health`."""

    main_class: str
    config_name: str

    def __init__(self, settings: StackSettings, kafka: KafkaSettings, port: int) -> None:
        super().__init__(settings.host, port, kafka.start_timeout)
        self.settings = settings
        self.kafka = kafka
        self.root = settings.home / self.name
        self.config = self.root / self.config_name
        self.log4j = self.root / "log4j2.properties"
        self._process = ManagedProcess(
            ProcessSpec(
                name=self.name,
                argv=self._argv(kafka.jar_cache().jar_set()),
                pidfile=settings.run_dir / f"{self.name}.pid",
                logfile=settings.log_dir / f"{self.name}.log",
            )
        )

    @property
    def heap(self) -> str:
        raise NotImplementedError

    def _argv(self, jars: JarSet) -> list[str]:
        return [
            self.kafka.java,
            *self.heap.split(),
            *self.kafka.jvm_options.split(),
            f"-Dkafka.logs.dir={self.settings.log_dir}",
            f"-Dlog4j2.configurationFile={self.log4j}",
            "-cp",
            jars.classpath,
            self.main_class,
            str(self.config),
        ]

    @property
    def process(self) -> ManagedProcess:
        return self._process

    def _prepare_dirs(self) -> tuple[str, JarSet]:
        """The java binary (or a clear message naming the package) and the jars, fetched once."""
        java = java_binary(self.kafka.java)
        jars = self.kafka.jar_cache().ensure()
        for directory in (self.root, self.settings.run_dir, self.settings.log_dir):
            directory.mkdir(parents=True, exist_ok=True)
        return java, jars

    def may_hold_ports(self) -> bool:
        # a JVM killed -9 turns zombie before its last thread closes the listening sockets,
        # and a restart may come after its pid file was cleaned up
        return True

    def wipe(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
