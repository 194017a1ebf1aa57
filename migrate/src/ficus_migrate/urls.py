"""Postgres URLs as the settings hold them (libpq style) and as SQLAlchemy wants them."""

from __future__ import annotations

_LIBPQ = ("postgresql://", "postgres://")
_DRIVER = "postgresql+psycopg://"


def sqlalchemy_url(url: str) -> str:
    """`postgresql://…` (libpq style) → `postgresql+psycopg://…`: SQLAlchemy's bare scheme
    means psycopg2, and psycopg 3 is the driver Ficus ships."""
    for prefix in _LIBPQ:
        if url.startswith(prefix):
            return _DRIVER + url[len(prefix) :]
    return url


def libpq_url(url: str) -> str:
    """The inverse: a URL psycopg.connect accepts, whichever form the caller holds."""
    return "postgresql://" + url[len(_DRIVER) :] if url.startswith(_DRIVER) else url
