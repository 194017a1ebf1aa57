"""The control app's one bearer check, shared by the admin API's dependencies and the
dashboard's login and pages: its cache of verified tokens (FICUS_CONTROL_TOKEN_CACHE_SECONDS)
and its per-client failure limit (FICUS_CONTROL_AUTH_FAILURES_LIMIT per
_AUTH_FAILURES_WINDOW_SECONDS, then 429 with Retry-After before any lookup) live as long as the
app, so a flood of bad tokens or sign-ins costs at most the limit in database lookups."""

from __future__ import annotations

import threading

from starlette.requests import Request

from ficus_control.bootstrap import Control
from ficus_control.settings import ControlSettings
from ficus_control.tokens import Authenticator, FailureLimiter, TokenCache

_building = threading.Lock()


def control_of(request: Request) -> Control:
    control: Control = request.app.state.control
    return control


def client_of(request: Request) -> str:
    """The address failures are counted against (the peer: control listens on the admin
    network, not behind a shopper-facing proxy)."""
    return request.client.host if request.client else "unknown"


def authenticator_of(request: Request) -> Authenticator:
    """The app's bearer check, built on first use from `control`'s token store and the app's
    settings."""
    state = request.app.state
    with _building:
        if getattr(state, "authenticator", None) is None:
            settings: ControlSettings = state.settings
            state.authenticator = Authenticator(
                control_of(request).tokens,
                TokenCache(settings.token_cache_seconds),
                FailureLimiter(settings.auth_failures_limit, settings.auth_failures_window_seconds),
            )
    auth: Authenticator = state.authenticator
    return auth
