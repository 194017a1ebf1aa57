"""The search domain, pure (no framework or driver; import-linter forbids them here): the flat
document and its words, the query model and Magento's `searchCriteria` shape, the Postgres
engine's SQL text, the generation-keyed answer cache, the engine port and the errors."""
