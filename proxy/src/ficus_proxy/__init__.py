"""Ficus routing proxy: the data plane in front of Magento."""
