"""The catalog service: normalized products, event apply, Magento-compatible product API."""
