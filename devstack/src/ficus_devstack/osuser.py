"""The non-root OS account that runs engines which refuse root (PostgreSQL, Elasticsearch)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ficus_devstack.errors import StackError
from ficus_devstack.process import OsUser


def ensure_os_user(name: str) -> OsUser:
    """Create `name` as a system account if we are root and it is missing; when not root,
    engines run as the calling user."""
    if os.geteuid() != 0:
        return OsUser.current()
    try:
        return OsUser.lookup(name)
    except KeyError:
        pass
    result = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise StackError(f"could not create OS user {name!r}: {result.stderr.strip()}")
    return OsUser.lookup(name)


def make_traversable(path: Path) -> None:
    """Let a non-root engine reach `path`: add o+x to ancestors that lack it."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            os.chmod(parent, mode | 0o001)


def own_tree(path: Path, user: OsUser) -> None:
    if user.uid is None:
        return
    for root, dirs, files in os.walk(path):
        for name in [*dirs, *files]:
            os.lchown(os.path.join(root, name), user.uid, user.gid or -1)
    os.chown(path, user.uid, user.gid or -1)
