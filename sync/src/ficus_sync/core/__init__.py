"""Pure sync logic: the change-event envelope, the captured tables and their shapes. Imports
no framework or driver (import-linter forbids it)."""
