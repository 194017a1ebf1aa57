"""Shadow traffic: a read answered by Magento is also sent to the domain's new backend
(`sender`), the two answers are compared (`core`), and the counts are flushed to the control
database (`stats`)."""
