"""Magento 2.4.8's password hashes (`ficus_legacy.core.passwords`) against known vectors."""

from __future__ import annotations

import hashlib

import pytest
from argon2.low_level import Type, hash_secret_raw

from ficus_legacy.core.passwords import LATEST_VERSION, check_password, hash_password, needs_upgrade

# A customer hash written by Magento 2.4 (a public fixture of a Magento-reading project):
# the password "Password@2022", Argon2id with libsodium's interactive defaults.
MAGENTO_HASH = (
    "abf1de8d537a1270237b9b56c8db9c67aeece6d89639a64d5ffd7264262541ab"
    ":PNK7gwTSnTc9L8AXZEvgZQ4SA66qirus:3_32_2_67108864"
)
# printf '%s' 'k9Ls0aPassw0rd!' | sha256sum / md5sum
SHA256_HASH = "c6dfe830d5d0821f903a819f4fca6fc71f6dc650d3a3961ccf60af7fb66040e2:k9Ls0a:1"
MD5_HASH = "ef6ced822099f3cb550ce8cc7833ba0c:k9Ls0a:0"


def _sodium_argon2id(password: str, salt16: bytes) -> str:
    """crypto_pwhash(32, password, salt, OPSLIMIT_INTERACTIVE, MEMLIMIT_INTERACTIVE, ID13)."""
    raw = hash_secret_raw(
        password.encode(), salt16, time_cost=2, memory_cost=65536, parallelism=1,
        hash_len=32, type=Type.ID,
    )  # fmt: skip
    return raw.hex()


def test_a_hash_written_by_magento_checks() -> None:
    assert check_password("Password@2022", MAGENTO_HASH)
    assert not check_password("password@2022", MAGENTO_HASH)
    assert not needs_upgrade(MAGENTO_HASH)


def test_sha256_and_md5_versions_check_and_need_an_upgrade() -> None:
    assert check_password("Passw0rd!", SHA256_HASH) and check_password("Passw0rd!", MD5_HASH)
    assert not check_password("Passw0rd", SHA256_HASH) and not check_password("x", MD5_HASH)
    assert needs_upgrade(SHA256_HASH) and needs_upgrade(MD5_HASH)


def test_version_2_pads_a_short_salt_by_repeating_it() -> None:
    digest = _sodium_argon2id("Passw0rd!", b"abcabcabcabcabca")  # str_pad("abc", 16, "abc")
    stored = f"{digest}:abc:2"
    assert check_password("Passw0rd!", stored)
    assert not check_password("Passw0rd?", stored)
    assert needs_upgrade(stored)  # version 2 is not the agnostic form


def test_an_upgraded_chain_reapplies_every_version_in_order() -> None:
    salt = "k9Ls0a"
    sha = hashlib.sha256((salt + "Passw0rd!").encode()).hexdigest()
    chained = f"{_sodium_argon2id(sha, b'k9Ls0ak9Ls0ak9Ls')}:{salt}:1:{LATEST_VERSION}"
    assert check_password("Passw0rd!", chained)
    assert not check_password(sha, chained)
    assert needs_upgrade(chained)  # validateHashVersion($hash, true): one version only


def test_new_hashes_are_argon2id_with_a_32_character_salt() -> None:
    stored = hash_password("Passw0rd!")
    digest, salt, version = stored.split(":")
    assert (len(digest), len(salt), version) == (64, 32, "3_32_2_67108864")
    assert salt.isalnum()
    assert digest == _sodium_argon2id("Passw0rd!", salt[:16].encode())
    assert check_password("Passw0rd!", stored) and not needs_upgrade(stored)


@pytest.mark.parametrize(
    "stored", [None, "", "garbage", "abc:salt", "abc:salt:3", "abc::3_32_2_67108864", "x:y:9"]
)
def test_what_is_not_a_known_hash_never_matches(stored: str | None) -> None:
    assert not check_password("Passw0rd!", stored)


def test_what_is_not_a_password_hash_needs_no_upgrade() -> None:
    assert not needs_upgrade(None) and not needs_upgrade("garbage")
