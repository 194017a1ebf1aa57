"""Pure: the route table and cutover state rendered as nginx configuration text."""
