"""The catalog refuses to start without Magento's crypt key, with a clear error: it never
serves its Magento routes without checking Magento's credentials."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pydantic import SecretStr

from ficus_catalog.api import create_app
from ficus_catalog.bootstrap import bootstrap
from ficus_catalog.errors import MissingSetting
from ficus_catalog.settings import CatalogSettings

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("key", [None, SecretStr(""), SecretStr("  ")])
def test_create_app_and_bootstrap_refuse_without_the_crypt_key(key: SecretStr | None) -> None:
    settings = CatalogSettings(magento_crypt_key=key)
    with pytest.raises(MissingSetting, match="FICUS_CATALOG_MAGENTO_CRYPT_KEY"):
        create_app(settings)
    with pytest.raises(MissingSetting, match="FICUS_CATALOG_MAGENTO_CRYPT_KEY"):
        bootstrap(settings)  # before any database is touched


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_exits_2_with_the_reason(workers: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FICUS_CATALOG_")}
    done = subprocess.run(
        [sys.executable, "-m", "ficus_catalog", "serve", "--port", "1", "--workers", workers],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "FICUS_CATALOG_MAGENTO_CRYPT_KEY is not set" in done.stderr
