"""The local stack: project-owned engine and service processes under `.ficus/`."""

from ficus_control.stack.errors import (
    EngineNotReady,
    MissingBinary,
    PortInUse,
    StackError,
)
from ficus_control.stack.manager import Stack, build_stack
from ficus_control.stack.process import ProcessState
from ficus_control.stack.settings import StackSettings

__all__ = [
    "EngineNotReady",
    "MissingBinary",
    "PortInUse",
    "ProcessState",
    "Stack",
    "StackError",
    "StackSettings",
    "build_stack",
]
