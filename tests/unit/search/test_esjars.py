"""The Elasticsearch distribution helpers (no sockets, no download)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ficus_devstack import esjars


def test_java_home_from_es_java_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "java").write_text("")
    monkeypatch.setenv("ES_JAVA_HOME", str(tmp_path))
    assert esjars.find_java_home() == tmp_path


def test_unpack_from_the_local_maven_repository_restores_exec_bits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAVEN_REPO", str(tmp_path / "m2"))
    target = esjars._m2_zip("0.0.1")
    assert target.is_relative_to(tmp_path / "m2")
    target.parent.mkdir(parents=True)
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr("elasticsearch-0.0.1/bin/elasticsearch", "#!/bin/sh\n")
        zf.writestr("elasticsearch-0.0.1/lib/server.jar", "")
    home = esjars.ensure_distribution(tmp_path / "dist", "0.0.1")
    assert home == tmp_path / "dist" / "elasticsearch-0.0.1"
    assert (home / "bin" / "elasticsearch").stat().st_mode & 0o111
    assert esjars.ensure_distribution(tmp_path / "dist", "0.0.1") == home  # idempotent
