"""Schema migrations of Ficus's Postgres databases, shared by every member that owns one.

Each database keeps its revisions in `migrations/<name>/` (plain SQL through Alembic). What used
to be copied into every `env.py` and every `migration.py` lives here once:

- `environment.run_environment(...)` is the whole body of an `env.py`: where the URL comes from,
  how the connection is opened, and the advisory lock that serializes replicas starting together;
- `upgrade.upgrade(url, directory)` is what a member runs on start (and its `migrate` command).
"""
