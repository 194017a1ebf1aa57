"""Reverse sync: a service's outbox rows applied to Magento, exactly once, merged by policy
(see docs/reverse-sync.md). `core` is pure (the merge); `outbox` (the service's Postgres) and
`magento` (Magento's MariaDB through ficus_legacy) are the adapters, `ledger` reverse sync's own
tables in Magento's database; `worker` runs the loop, `status` is what operators see;
`resolution`, `retraction` and `actions` are the operators' decisions (DLQ, conflicts)."""
