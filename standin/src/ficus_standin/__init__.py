"""The Magento 2.4.8 REST stand-in: development and tests only, never shipped to production."""
