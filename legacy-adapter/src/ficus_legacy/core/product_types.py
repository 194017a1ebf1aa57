"""Magento's product types (`GET /V1/products/types`, ProductTypeListInterface): each module's
`product_types.xml` merged in module order (Catalog's simple and virtual, then Bundle,
ConfigurableProduct, Downloadable, GroupedProduct), as a 2.4 open-source install lists them."""

from __future__ import annotations

__all__ = ["PRODUCT_TYPES"]

PRODUCT_TYPES: tuple[dict[str, str], ...] = (
    {"name": "simple", "label": "Simple Product"},
    {"name": "virtual", "label": "Virtual Product"},
    {"name": "bundle", "label": "Bundle Product"},
    {"name": "configurable", "label": "Configurable Product"},
    {"name": "downloadable", "label": "Downloadable Product"},
    {"name": "grouped", "label": "Grouped Product"},
)
