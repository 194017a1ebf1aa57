"""`python -m ficus_legacy` runs the legacy CLI."""

from ficus_legacy.cli import app

app()
