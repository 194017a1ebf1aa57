"""API tokens: roles and hashing (tokens are stored as sha256 hashes only)."""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass


class Role(enum.StrEnum):
    VIEWER = "viewer"  # GET only
    OPERATOR = "operator"  # GET and changes


def new_token() -> str:
    return f"ficus_{secrets.token_urlsafe(32)}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who a valid token belongs to."""

    name: str
    role: Role
