"""The JVM side of the Kafka path, fetched once from Maven Central into `.ficus/jars`.

Two bundles, each resolved by `mvn dependency:copy-dependencies` from a POM under `jvm/`:

    <cache>/kafka-libs/*.jar                               broker, tools, Connect worker, log4j2
    <cache>/plugins/debezium-connector-mariadb/*.jar       the connector, its own plugin dir

Maven downloads into its default `~/.m2` repository; the copied jars are stamped with the hash
of their POM, so later starts run no Maven at all (offline). A changed POM re-resolves, first
with `mvn -o` (from `~/.m2`), then online.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ficus_devstack.engine import find_binary
from ficus_devstack.errors import EngineFailed

DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
PLUGIN_NAME = "debezium-connector-mariadb"
_STAMP = ".ficus-stamp"


def default_pom_dir() -> Path:
    """`jvm/` at the root of the repository this package is installed from (editable)."""
    return Path(__file__).resolve().parents[3] / "jvm"


@dataclass(frozen=True)
class JarSet:
    kafka_libs: Path
    plugin_path: Path  # Connect's plugin.path: the PARENT of the plugin directory

    @property
    def classpath(self) -> str:
        return f"{self.kafka_libs}/*"


@dataclass(frozen=True)
class _Bundle:
    pom: Path
    target: Path


class JarCache:
    """Resolve the Kafka runtime and the Debezium plugin once, then serve them from disk."""

    def __init__(self, cache_dir: Path, pom_dir: Path | None = None) -> None:
        self.cache_dir = cache_dir
        self.pom_dir = pom_dir or default_pom_dir()

    def jar_set(self) -> JarSet:
        return JarSet(self.cache_dir / "kafka-libs", self.cache_dir / "plugins")

    def _bundles(self) -> list[_Bundle]:
        jars = self.jar_set()
        return [
            _Bundle(self.pom_dir / "kafka-runtime" / "pom.xml", jars.kafka_libs),
            _Bundle(self.pom_dir / "debezium-plugin" / "pom.xml", jars.plugin_path / PLUGIN_NAME),
        ]

    def ensure(self) -> JarSet:
        """Return the jar set, running Maven only for a bundle whose POM changed."""
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with self._lock():
            for bundle in self._bundles():
                if not self._fresh(bundle):
                    self._resolve(bundle)
        return self.jar_set()

    def is_resolved(self) -> bool:
        return all(self._fresh(bundle) for bundle in self._bundles())

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        with (self.cache_dir / ".lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @staticmethod
    def _digest(pom: Path) -> str:
        return hashlib.sha256(pom.read_bytes()).hexdigest()

    def _fresh(self, bundle: _Bundle) -> bool:
        stamp = bundle.target / _STAMP
        if not stamp.is_file() or not any(bundle.target.glob("*.jar")):
            return False
        return stamp.read_text().strip() == self._digest(bundle.pom)

    def _resolve(self, bundle: _Bundle) -> None:
        if not bundle.pom.is_file():
            raise EngineFailed(f"missing POM {bundle.pom}")
        staging = bundle.target.with_name(bundle.target.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        result = self._maven(bundle.pom, staging, offline=True)
        if result.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            result = self._maven(bundle.pom, staging, offline=False)
        if result.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            tail = "\n".join((result.stdout + result.stderr).splitlines()[-15:])
            raise EngineFailed(f"Maven could not resolve {bundle.pom}:\n{tail}")
        (staging / _STAMP).write_text(self._digest(bundle.pom) + "\n")
        shutil.rmtree(bundle.target, ignore_errors=True)
        bundle.target.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(bundle.target)

    @staticmethod
    def _maven(pom: Path, output: Path, offline: bool) -> subprocess.CompletedProcess[str]:
        mvn = find_binary(["mvn"], "maven")
        argv = [
            mvn,
            "-B",
            "-q",
            *(["-o"] if offline else []),
            "-f",
            str(pom),
            f"{DEPENDENCY_PLUGIN}:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={output}",
        ]
        return subprocess.run(
            argv, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
        )
