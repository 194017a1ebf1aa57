"""Magento 2.4.8's customer password hashes (`Framework/Encryption/Encryptor.php`).

A stored hash is `<hash>:<salt>:<versions>`, split on the first two `:`. `versions` is itself
`:`-separated when a hash was upgraded in place (`bin/magento customer:hash:upgrade`), oldest
first: checking re-applies every version, in order, to the password.

- `0`: md5(salt + password), `1`: sha256(salt + password), hex;
- `2`: Argon2id13 with libsodium's interactive defaults (32 bytes, ops 2, 64 MiB);
- `3_<seed>_<ops>_<mem>`: the same with its parameters spelled out; what Magento writes today.

Argon2id's salt is exactly 16 bytes: a shorter salt is padded by repeating itself
(`str_pad($salt, 16, $salt)`), a longer one is cut. A login whose hash is not a single
Argon2id version is upgraded (`needs_upgrade`, Magento's `validateHashVersion($hash, true)`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from argon2.low_level import Type, hash_secret_raw

__all__ = ["LATEST_VERSION", "check_password", "hash_password", "needs_upgrade"]

SEED_BYTES = 32  # SODIUM_CRYPTO_SIGN_SEEDBYTES
OPS_LIMIT = 2  # SODIUM_CRYPTO_PWHASH_OPSLIMIT_INTERACTIVE
MEM_LIMIT = 67108864  # SODIUM_CRYPTO_PWHASH_MEMLIMIT_INTERACTIVE, bytes
LATEST_VERSION = f"3_{SEED_BYTES}_{OPS_LIMIT}_{MEM_LIMIT}"
_SALT_BYTES = 16  # SODIUM_CRYPTO_PWHASH_SALTBYTES
_SALT_LENGTH = 32  # Encryptor::DEFAULT_SALT_LENGTH
_SALT_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_AGNOSTIC = re.compile(r"3_(\d+)_(\d+)_(\d+)")
_PHP_INT = re.compile(r"\s*[+-]?\d+")


def hash_password(password: str, salt: str | None = None) -> str:
    """A new hash as Magento writes one: Argon2id, a 32-character random salt."""
    salt = salt if salt is not None else _random_salt()
    digest = _argon(password.encode(), SEED_BYTES, OPS_LIMIT, MEM_LIMIT, salt.encode())
    return f"{digest}:{salt}:{LATEST_VERSION}"


def check_password(password: str, stored: str | None) -> bool:
    """Does `password` match `stored` (any version, upgraded chains included)?

    Magento compares a string that is not `hash:salt:versions` with an HMAC under the
    deployment's crypt key; no customer hash has that form, so it never matches here.
    """
    parts = (stored or "").split(":", 2)
    if len(parts) != 3:
        return False
    digest, salt, versions = parts
    recreated = password
    try:
        for version in versions.split(":"):
            recreated = _apply(version, recreated, salt)
    except ValueError:
        return False
    return hmac.compare_digest(recreated.encode(), digest.encode())


def needs_upgrade(stored: str | None) -> bool:
    """Should a successful login rehash? (not `validateHashVersion($hash, true)`)."""
    parts = (stored or "").split(":", 2)
    if len(parts) != 3:
        return False  # not a password hash: Magento calls it valid
    versions = parts[2].split(":")
    return len(versions) != 1 or _AGNOSTIC.fullmatch(versions[-1]) is None


def _apply(version: str, password: str, salt: str) -> str:
    agnostic = _AGNOSTIC.fullmatch(version)
    if agnostic is not None:
        seed, ops, mem = (int(g) for g in agnostic.groups())
        return _argon(password.encode(), seed, ops, mem, salt.encode())
    number = _php_int(version)
    if number == 2:
        return _argon(password.encode(), SEED_BYTES, OPS_LIMIT, MEM_LIMIT, salt.encode())
    if number == 1:
        return hashlib.sha256((salt + password).encode()).hexdigest()
    if number == 0:
        return hashlib.md5((salt + password).encode(), usedforsecurity=False).hexdigest()
    raise ValueError(f"unknown hash version {version!r}")


def _argon(password: bytes, seed: int, ops: int, mem: int, salt: bytes) -> str:
    if not salt:
        raise ValueError("empty salt")  # PHP's str_pad refuses an empty pad string
    salt = (salt * _SALT_BYTES)[:_SALT_BYTES]
    raw = hash_secret_raw(
        password,
        salt,
        time_cost=ops,
        memory_cost=mem // 1024,
        parallelism=1,
        hash_len=seed,
        type=Type.ID,
    )
    return raw.hex()


def _php_int(text: str) -> int:
    """PHP's `(int)` cast of a string: its leading integer, 0 when there is none."""
    match = _PHP_INT.match(text)
    return int(match.group()) if match else 0


def _random_salt() -> str:
    return "".join(secrets.choice(_SALT_CHARS) for _ in range(_SALT_LENGTH))
