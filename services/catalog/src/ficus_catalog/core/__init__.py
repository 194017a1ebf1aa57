"""The catalog's pure modules: value parsing and formatting (no framework or driver)."""
