"""The admin HTTP API (FastAPI): cutover state, changes, audit, gates, diffs."""

from ficus_control.api.app import create_app

__all__ = ["create_app"]
