"""The service refuses to start without Magento's crypt key, with a clear error."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ficus_customer.api import create_app
from ficus_customer.errors import MissingSetting
from ficus_customer.settings import CustomerSettings

pytestmark = pytest.mark.integration


def test_create_app_refuses_without_the_crypt_key() -> None:
    with pytest.raises(MissingSetting, match="FICUS_CUSTOMER_MAGENTO_CRYPT_KEY"):
        create_app(CustomerSettings(magento_crypt_key=None))


def test_serve_exits_2_with_the_reason() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FICUS_CUSTOMER_")}
    done = subprocess.run(
        [sys.executable, "-m", "ficus_customer", "serve", "--port", "1"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "FICUS_CUSTOMER_MAGENTO_CRYPT_KEY is not set" in done.stderr
