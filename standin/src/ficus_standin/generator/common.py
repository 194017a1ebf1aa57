"""Deterministic building blocks of the store generator: spec, clock, words, slugs."""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

BASE_TIME = datetime(2024, 1, 1)
INSTALLED_AT = datetime(2023, 12, 1)
DEFAULT_PASSWORD = "Password123!"  # noqa: S105 - generated demo customers log in with it

ADJECTIVES = (
    "Classic", "Modern", "Rustic", "Sleek", "Cozy", "Vintage", "Bold", "Smart", "Eco", "Urban",
    "Café", "Nordic", "Über", "Señor", "Zen", "Sunny",
)  # fmt: skip
NOUNS = (
    "Chair", "Table", "Lamp", "Mug", "Jacket", "Backpack", "Watch", "Sneaker", "Bottle", "Desk",
    "Hoodie", "Kettle", "Scarf", "Tent", "Bike", "Shelf",
)  # fmt: skip
EMOJI = ("🪑", "☕", "😀", "🚲", "🎒", "🌿")
FIRST_NAMES = ("Ann", "Bob", "Chloé", "Dmitri", "Eve", "François", "Grace", "Hiro", "Inès", "Jan")
LAST_NAMES = ("Smith", "Müller", "García", "O'Brien", "Nguyen", "Dubois", "Rossi", "Kowalski")
CITIES = (("Paris", "FR", "75001"), ("Berlin", "DE", "10115"), ("Austin", "US", "73301"),
          ("Lyon", "FR", "69001"), ("München", "DE", "80331"))  # fmt: skip
LOREM = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt "
    "ut labore et dolore magna aliqua. "
)


@dataclass(frozen=True)
class SeedSpec:
    """How much to generate, and the seed that makes it reproducible."""

    products: int = 1000
    customers: int = 100
    orders: int = 100
    seed: int = 1
    batch_rows: int = 20_000


def ts(minutes: float) -> str:
    """BASE_TIME + minutes as MariaDB datetime text."""
    return (BASE_TIME + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "item"


def password_hash(rng: random.Random, password: str = DEFAULT_PASSWORD) -> str:
    """Magento's version-1 hash `sha256(salt + password):salt:1` with a seeded salt."""
    salt = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(32))
    return f"{hashlib.sha256((salt + password).encode()).hexdigest()}:{salt}:1"


def long_text(rng: random.Random, size: int) -> str:
    return (LOREM * (size // len(LOREM) + 1))[:size] + rng.choice(EMOJI)
