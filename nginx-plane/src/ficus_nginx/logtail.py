"""Follows nginx's access log file (an adapter): the lines appended since the agent started,
read every `interval` seconds; a file truncated or replaced (rotated) is read from its start."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path


class LogTail:
    def __init__(self, path: Path, interval: float = 0.05) -> None:
        self.path = path
        self.interval = interval
        self._inode: int | None = None
        self._offset = 0
        self._partial = b""

    def skip_existing(self) -> None:
        """Start at the end: what nginx logged before is not this agent's to count."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return
        self._inode, self._offset = stat.st_ino, stat.st_size

    def read(self) -> list[str]:
        """The complete lines appended since the last call."""
        try:
            with self.path.open("rb") as log:
                stat = os.fstat(log.fileno())
                if stat.st_ino != self._inode or stat.st_size < self._offset:
                    self._inode, self._offset, self._partial = stat.st_ino, 0, b""
                log.seek(self._offset)
                chunk = log.read()
        except FileNotFoundError:
            return []
        self._offset += len(chunk)
        *lines, self._partial = (self._partial + chunk).split(b"\n")
        return [line.decode("utf-8", "replace") for line in lines if line]

    async def follow(self) -> AsyncIterator[list[str]]:
        """Batches of new lines, until cancelled."""
        while True:
            lines = self.read()
            if lines:
                yield lines
            else:
                await asyncio.sleep(self.interval)
