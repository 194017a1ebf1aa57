"""Errors of the local stack.

StackError
 ├── MissingBinary     a server binary is not installed (says which apt-get command installs it)
 ├── PortInUse         a configured port is taken (names the port and the setting that moves it)
 ├── EngineNotReady    an engine did not become healthy before its deadline (points at its log)
 └── EngineFailed      an engine exited or an admin step failed
"""

from __future__ import annotations

from pathlib import Path


class StackError(Exception):
    """Base class of every local-stack error; the CLI maps it to exit code 2."""


class MissingBinary(StackError):
    def __init__(self, binary: str, package: str) -> None:
        super().__init__(
            f"{binary} is not installed. Install it with: "
            f"apt-get update && apt-get install -y {package}"
        )
        self.binary = binary
        self.package = package


class PortInUse(StackError):
    def __init__(self, engine: str, host: str, port: int, setting: str) -> None:
        super().__init__(
            f"{engine}: port {port} on {host} is already in use. "
            f"Free it, or choose another port with {setting}=<port>."
        )
        self.port = port
        self.setting = setting


class EngineNotReady(StackError):
    def __init__(self, engine: str, seconds: float, log: Path, detail: str) -> None:
        super().__init__(
            f"{engine} was not healthy after {seconds:.0f}s ({detail}). See its log: {log}"
        )


class EngineFailed(StackError):
    pass
