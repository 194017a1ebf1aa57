"""Control settings from the environment, as the local stack's wiring sets them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ficus_control.client import resolve_token
from ficus_control.errors import ApiUnavailable
from ficus_control.settings import ControlSettings


def test_proxy_urls_accept_one_or_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FICUS_CONTROL_PROXY_URL", "http://127.0.0.1:18000")
    assert ControlSettings().proxy_urls == ("http://127.0.0.1:18000",)
    monkeypatch.setenv("FICUS_CONTROL_PROXY_URL", "http://a:1, http://b:2")
    assert ControlSettings().proxy_urls == ("http://a:1", "http://b:2")


def test_token_from_env_then_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    token_file = tmp_path / "cli-token"
    monkeypatch.setenv("FICUS_CONTROL_TOKEN_FILE", str(token_file))
    monkeypatch.delenv("FICUS_TOKEN", raising=False)
    with pytest.raises(ApiUnavailable, match="no API token"):
        resolve_token(ControlSettings())
    token_file.write_text("ficus_from_file\n")
    assert resolve_token(ControlSettings()) == "ficus_from_file"
    monkeypatch.setenv("FICUS_TOKEN", "ficus_from_env")
    assert resolve_token(ControlSettings()) == "ficus_from_env"


def test_token_file_follows_ficus_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FICUS_CONTROL_TOKEN_FILE", raising=False)
    monkeypatch.setenv("FICUS_HOME", str(tmp_path))
    assert ControlSettings().token_file == tmp_path / "control" / "cli-token"
