"""Reverse sync: a service's outbox rows applied to Magento, exactly once, merged by policy
(see docs/reverse-sync.md). `core` is pure; `outbox` (the service's Postgres), `magento`
(Magento's MariaDB through ficus_legacy) are the adapters; `worker` runs the loop."""
