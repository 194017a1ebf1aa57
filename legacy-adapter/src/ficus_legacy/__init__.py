"""All knowledge of Magento: schema, EAV, id map, and the Magento REST stand-in."""
