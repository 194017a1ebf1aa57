"""`python -m ficus_catalog serve|migrate`."""

from ficus_catalog.cli import main

main()
