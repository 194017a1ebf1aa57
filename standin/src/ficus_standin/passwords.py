"""Magento's customer password hashes, `<hash>:<salt>:<version>` (`Framework/Encryption/Encryptor`).

Version 1 is sha256(salt + password), which is what the stand-in writes; version 0 (md5) is read.
Argon2 hashes (version 2/3…) written by a real Magento cannot be checked here and never match.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

_SALT_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def hash_password(password: str, salt: str | None = None) -> str:
    salt = salt or "".join(secrets.choice(_SALT_CHARS) for _ in range(32))
    digest = hashlib.sha256((salt + password).encode()).hexdigest()
    return f"{digest}:{salt}:1"


def check_password(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    parts = stored.split(":")
    if len(parts) < 3:
        return False
    digest, salt, version = parts[0], parts[1], parts[2]
    if version == "1":
        candidate = hashlib.sha256((salt + password).encode()).hexdigest()
    elif version == "0":
        candidate = hashlib.md5((salt + password).encode(), usedforsecurity=False).hexdigest()
    else:
        return False
    return hmac.compare_digest(candidate, digest)
