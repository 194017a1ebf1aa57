"""The customer service: Magento-compatible customer API, owner of customers and addresses."""
