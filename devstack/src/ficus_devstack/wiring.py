"""How the local stack's components find each other: one place that turns StackSettings into
the FICUS_<COMPONENT>_* environment variables each deployable reads."""

from __future__ import annotations

import json
from pathlib import Path

from ficus_devstack.settings import StackSettings

ADMIN_PORT_OFFSET = 100  # a proxy's admin listener: its shopper port + 100 (loopback only)
# control's plan in the local stack: plan.yaml's steps with demo-sized soaks (gates stay on)
LOCAL_PLAN = Path(__file__).resolve().parents[3] / "control" / "plan.local.yaml"


def proxy_admin_port(proxy_port: int) -> int:
    """The admin listener (/readyz, /metrics, /_ficus/diff, /_ficus/trace) of the proxy that
    serves shoppers on `proxy_port`."""
    return proxy_port + ADMIN_PORT_OFFSET


def component_env(s: StackSettings) -> dict[str, str]:
    mysql = s.mariadb_url
    pg = s.postgres_url
    base = f"http://{s.host}"
    return {
        "FICUS_LEGACY_MYSQL_URL": mysql,
        "FICUS_SYNC_MYSQL_URL": mysql,
        "FICUS_SYNC_POSTGRES_URL": pg("ficus_sync"),
        "FICUS_SYNC_PORT": str(s.sync_port),
        "FICUS_SYNC_CATALOG_URL": f"{base}:{s.catalog_port}",
        "FICUS_CATALOG_DB_URL": pg("ficus_catalog"),
        "FICUS_CATALOG_EVENTS_URL": pg("ficus_sync"),
        # Magento's crypt key: the catalog accepts exactly the stand-in's tokens
        "FICUS_CATALOG_MAGENTO_CRYPT_KEY": s.magento_crypt_key,
        "FICUS_SEARCH_DATABASE_URL": pg("ficus_search"),
        "FICUS_STANDIN_CRYPT_KEY": s.magento_crypt_key,
        "FICUS_CUSTOMER_DATABASE_URL": pg("ficus_customer"),
        "FICUS_CUSTOMER_EVENTS_URL": pg("ficus_sync"),
        "FICUS_CUSTOMER_MAGENTO_CRYPT_KEY": s.magento_crypt_key,
        # sync's reverse worker reads the customer service's outbox and id pool there
        "FICUS_SYNC_REVERSE_CUSTOMER_DATABASE_URL": pg("ficus_customer"),
        "FICUS_SEARCH_ELASTICSEARCH_URL": f"{base}:{s.elasticsearch_port}",
        "FICUS_SEARCH_EVENTS_URL": pg("ficus_sync"),
        "FICUS_CONTROL_DB_URL": pg("ficus_control"),
        "FICUS_CONTROL_SYNC_URL": f"{base}:{s.sync_port}",
        # control reads the proxies' admin listeners (diffs, metrics); shoppers use proxy_port
        "FICUS_CONTROL_PROXY_URL": f"{base}:{proxy_admin_port(s.proxy_port)}",
        "FICUS_CONTROL_SHOP_URL": f"{base}:{s.proxy_port}",
        "FICUS_CONTROL_API_URL": f"{base}:{s.control_port}",
        # writes gates read each writing service's route manifest (GET /_ficus/routes)
        "FICUS_CONTROL_SERVICE_URLS": json.dumps({"customer": f"{base}:{s.customer_port}"}),
        "FICUS_CONTROL_PLAN_FILE": str(LOCAL_PLAN),
        "FICUS_PROXY_ADMIN_PORT": str(proxy_admin_port(s.proxy_port)),
        "FICUS_PROXY_LEGACY_URL": f"{base}:{s.standin_port}",
        "FICUS_PROXY_CONTROL_DB_URL": pg("ficus_control"),
        "FICUS_PROXY_CONTROL_API_URL": f"{base}:{s.control_port}",
        # customer tokens pick a cohort only once checked with Magento's key (and the cohort
        # cookie is signed with a key derived from it)
        "FICUS_PROXY_MAGENTO_CRYPT_KEY": s.magento_crypt_key,
    }
