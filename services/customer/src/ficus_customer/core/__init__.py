"""Pure parts of the customer service: no framework, no driver."""
