"""Search read model: flat product documents built from domain events, served by Postgres
full-text search (default) or Elasticsearch behind one port."""
