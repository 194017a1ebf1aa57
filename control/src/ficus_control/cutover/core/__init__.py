"""The cutover domain, pure: stages and transition rules per lane, gates, audit entries, the
domain registry. Imports no framework or driver (import-linter forbids it in `ficus_*.core`)."""
