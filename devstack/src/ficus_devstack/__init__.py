"""The local stack: project-owned engine and service processes under `.ficus/`."""

from ficus_devstack.errors import (
    EngineNotReady,
    MissingBinary,
    PortInUse,
    StackError,
)
from ficus_devstack.manager import Stack, build_stack
from ficus_devstack.process import ProcessState
from ficus_devstack.settings import StackSettings

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
