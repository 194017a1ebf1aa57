"""Pure Magento knowledge: flattening EAV rows into domain states, store views, searchCriteria,
Magento's JSON, connection URLs and SQL helpers. Imports no framework or driver (import-linter
forbids it for every `ficus_*.core`)."""
