"""The customer aggregate on Magento's side: the customer grid index, reading and writing
`CustomerState` as Magento's rows, and the Magento ids reverse sync reserves."""

from ficus_legacy.customers import grid

__all__ = ["grid"]
