"""The edge tests reuse other packages' engine fixtures: a module's search databases and a
module's installed Magento database."""

from tests.integration.search.conftest import module_dbs
from tests.integration.standin.conftest import shared_magento

__all__ = ["module_dbs", "shared_magento"]
