"""Errors of the routing proxy.

ProxyError
 ├── ConfigError         the route table or settings are invalid (raised at start-up, exit code 2)
 ├── RejectedRequest     a client request the proxy refuses before routing (mapped to a 4xx)
 │    ├── UnsafePath       dot-segments, encoded dot-segments or backslashes in the path -> 400
 │    ├── BodyTooLarge     the request body exceeds `max_body_bytes` -> 413
 │    ├── SlowBody         no request body bytes for `body_timeout` seconds -> 408
 │    └── TooManyRequests  over a per-address or per-customer rate limit -> 429 + Retry-After
 └── UpstreamError       an upstream could not answer (mapped once, in `forwarder.py`)
      ├── UpstreamTimeout    no answer within the per-request timeout -> 504 if legacy
      └── UpstreamUnavailable refused / reset / DNS failure -> 502 if legacy
"""

from __future__ import annotations


class ProxyError(Exception):
    """Base class of every error raised by ficus_proxy."""


class ConfigError(ProxyError):
    pass


class RejectedRequest(ProxyError):
    status = 400


class UnsafePath(RejectedRequest):
    status = 400


class BodyTooLarge(RejectedRequest):
    status = 413


class SlowBody(RejectedRequest):
    status = 408


class TooManyRequests(RejectedRequest):
    status = 429

    def __init__(self, retry_after: float) -> None:
        super().__init__("Too many requests. Please try again later.")
        self.retry_after = retry_after


class UpstreamError(ProxyError):
    status = 502


class UpstreamTimeout(UpstreamError):
    status = 504


class UpstreamUnavailable(UpstreamError):
    status = 502
