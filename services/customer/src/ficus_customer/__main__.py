"""`python -m ficus_customer serve|migrate|dlq`."""

from ficus_customer.cli import main

main()
