"""The Elasticsearch distribution, fetched once from Maven Central and unpacked locally.

Maven Central publishes `org.elasticsearch.distribution.integ-test-zip:elasticsearch:<v>` as a
zip: the server, `bin/`, transport-netty4 and x-pack core/security, no bundled JDK and no
analysis-common module (so only the standard tokenizer and core filters such as `lowercase`).
`mvn dependency:copy` puts it in the local Maven repository; after the first fetch everything
works offline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from ficus_devstack.engine import find_binary
from ficus_devstack.errors import EngineFailed

ES_VERSION = "8.19.0"
_GROUP = "org.elasticsearch.distribution.integ-test-zip"
_ARTIFACT = "elasticsearch"


def _m2_zip(version: str) -> Path:
    repo = Path(os.environ.get("MAVEN_REPO", str(Path.home() / ".m2" / "repository")))
    return repo / _GROUP.replace(".", "/") / _ARTIFACT / version / f"{_ARTIFACT}-{version}.zip"


def fetch_zip(version: str = ES_VERSION) -> Path:
    """Return the distribution zip from the local Maven repository, fetching it if absent."""
    cached = _m2_zip(version)
    if cached.is_file():
        return cached
    mvn = find_binary(["mvn"], "maven")
    with tempfile.TemporaryDirectory() as work:
        result = subprocess.run(
            [
                mvn,
                "-B",
                "-q",
                "dependency:copy",
                f"-Dartifact={_GROUP}:{_ARTIFACT}:{version}:zip",
                f"-DoutputDirectory={work}",
            ],
            capture_output=True,
            text=True,
            check=False,
            cwd=work,
        )
    if result.returncode != 0 or not cached.is_file():
        tail = (result.stdout + result.stderr).strip()[-1500:]
        raise EngineFailed(f"could not fetch Elasticsearch {version} with mvn: {tail}")
    return cached


def ensure_distribution(dest: Path, version: str = ES_VERSION) -> Path:
    """Unpack Elasticsearch `version` under `dest` once; returns its home directory."""
    home = dest / f"elasticsearch-{version}"
    if (home / "bin" / "elasticsearch").is_file():
        return home
    archive = fetch_zip(version)
    dest.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=dest))
    try:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(staging)
        _restore_exec_bits(staging)
        os.replace(staging / f"elasticsearch-{version}", home)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return home


def _restore_exec_bits(root: Path) -> None:
    # zipfile drops Unix modes; the launch scripts and the JNA/native helpers need +x.
    for path in root.rglob("*"):
        if path.is_file() and (path.parent.name == "bin" or path.suffix == ".so"):
            path.chmod(0o755)


def find_java_home(major_preference: tuple[int, ...] = (17, 21, 25)) -> Path:
    """A JDK for ES 8.x: ES_JAVA_HOME if set, else the first of /usr/lib/jvm/* by preference."""
    explicit = os.environ.get("ES_JAVA_HOME")
    if explicit and (Path(explicit) / "bin" / "java").is_file():
        return Path(explicit)
    jvms = [p for p in sorted(Path("/usr/lib/jvm").glob("*")) if (p / "bin" / "java").is_file()]
    for major in major_preference:
        for jvm in jvms:
            if f"-{major}-" in jvm.name or jvm.name.endswith(f"-{major}"):
                return jvm
    if jvms:
        return jvms[0]
    raise EngineFailed(
        "no JDK found for Elasticsearch: apt-get install -y openjdk-17-jre-headless, "
        "or set ES_JAVA_HOME"
    )
