import sys

from ficus_search.cli import main

sys.exit(main())
