"""Errors of the nginx plane.

NginxPlaneError           base; the CLI maps it to exit code 1
├── RouteTableError       routes.yaml cannot be read or has a bad row
└── NginxError            nginx refused the configuration or could not be started / reloaded
"""

from __future__ import annotations


class NginxPlaneError(Exception):
    """Base class of the nginx plane's errors."""


class RouteTableError(NginxPlaneError):
    pass


class NginxError(NginxPlaneError):
    pass
