"""Both URL forms reach the driver Ficus ships, and back."""

from __future__ import annotations

import pytest

from ficus_migrate.urls import libpq_url, sqlalchemy_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgres://u@h/db?sslmode=disable", "postgresql+psycopg://u@h/db?sslmode=disable"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_sqlalchemy_url_names_psycopg3(given: str, expected: str) -> None:
    assert sqlalchemy_url(given) == expected


def test_libpq_url_undoes_the_driver_name() -> None:
    url = "postgresql://u:p%40x@h:5432/db"
    assert libpq_url(sqlalchemy_url(url)) == url
    assert libpq_url(url) == url
