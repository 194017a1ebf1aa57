"""The data plane: an aiohttp low-level server (no router in front of proxied traffic) whose
single handler admits the request (rate limits), refuses unsafe requests, decides, forwards,
falls back to Magento on a failed read of a new backend, and hands shadow copies to the
shadow sender. A write the new backend fails never goes to Magento (that would split the system
of record): the shopper gets a Magento-shaped 503 with Retry-After, counted against the
domain's writes budget; so does every write of a domain whose writes lane is draining. The
shopper listener serves nothing of its own, not even a health check (`/healthz` goes to Magento
like any path, so the port shows nothing Magento would not): the proxy's own health and the
admin paths live on the admin listener (admin.py); which backend answered is kept in the trace
there, never sent to the shopper. A shopper's cohort comes only from what the edge verifies
(cohort.py): a customer token Magento signed, a cohort cookie the proxy signed.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from ficus_contracts.cutover import Direction
from ficus_contracts.guard.domain import Action, DomainGuard
from ficus_contracts.guard.state import CutoverMap
from ficus_proxy.body import ClientBody, buffer_body, stream_body
from ficus_proxy.call import SMALL_BODY, Call, Failed, small
from ficus_proxy.cohort import shopper_identity
from ficus_proxy.core.failure import counts_against_new, is_route_miss
from ficus_proxy.core.routing import Decision, RouteTable, Target, check_path, decide
from ficus_proxy.core.trace import Trace
from ficus_proxy.cutover.actions import GuardActions
from ficus_proxy.cutover.reporting import ControlReporter
from ficus_proxy.edge import EdgeGuard
from ficus_proxy.errors import BodyTooLarge, RejectedRequest, UpstreamError
from ficus_proxy.forwarder import Body, Forwarder, Origin, UpstreamResponse
from ficus_proxy.headers import client_response_headers, request_id, upstream_request_headers
from ficus_proxy.metrics import ProxyMetrics
from ficus_proxy.responses import (
    cohort_cookie,
    error_response,
    rejection_response,
    unavailable_response,
)
from ficus_proxy.settings import ProxySettings
from ficus_proxy.shadow.sender import ShadowRequest, ShadowSender

Handler = Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]


class ProxyServer:
    def __init__(
        self,
        settings: ProxySettings,
        routes: RouteTable,
        state: CutoverMap,
        forwarder: Forwarder,
        reporter: ControlReporter,
        shadow: ShadowSender,
        guards: dict[str, DomainGuard],
        metrics: ProxyMetrics,
        write_guards: dict[str, DomainGuard] | None = None,
    ) -> None:
        self.settings = settings
        self.routes = routes
        self.state = state
        self.forwarder = forwarder
        self.reporter = reporter
        self.shadow = shadow
        self.guards = guards
        self.write_guards = write_guards or {}
        self.metrics = metrics
        self.actions = GuardActions(state, reporter, metrics)
        self.legacy = Origin.parse("legacy", settings.legacy_url)
        self.upstreams = {d: Origin.parse(d, u) for d, u in settings.upstreams.items()}
        self.trace = Trace(settings.trace_size)
        self.edge = EdgeGuard(settings)
        self.identity = shopper_identity(settings)

    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        raw = request.raw_path
        path = raw.partition("?")[0]
        try:
            self.edge.admit(request)
            return await self._proxy(request, raw, path)
        except RejectedRequest as exc:
            self.metrics.rejected(type(exc).__name__)
            return rejection_response(exc)

    async def _proxy(self, request: web.BaseRequest, raw: str, path: str) -> web.StreamResponse:
        check_path(path)
        length = request.content_length
        if length is not None and length > self.settings.max_body_bytes:
            raise BodyTooLarge(f"request body over {self.settings.max_body_bytes} bytes")
        headers = request.headers
        if request.version >= (1, 1) and headers.get("Expect", "").lower() == "100-continue":
            # the body limit has been checked: let the client send it (upstream gets no Expect)
            await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        decision = decide(
            self.identity.facts(request.method, path, request.headers),
            self.routes,
            self.state.effective,
        )
        call = self._call(request, raw, path, decision)
        if decision.target is Target.DRAINING:
            return self._unwritable(call, "draining", 0.0)
        origin = self.upstreams.get(decision.domain or "")
        if origin is None or decision.target is Target.LEGACY:
            return await self._forward(call, self.legacy, self._stream_body(request))
        if decision.target is Target.SHADOW:
            return await self._shadowed(call, origin)
        if decision.direction is Direction.READS:
            return await self._read_new(call, origin)
        return await self._write_new(call, origin)

    def _call(self, request: web.BaseRequest, raw: str, path: str, decision: Decision) -> Call:
        rid = request_id(request.headers.get("X-Request-Id"))
        peer = request.remote
        trusted = peer in self.edge.trusted
        out = upstream_request_headers(request.headers, peer, request.scheme, trusted, rid)
        return Call(request, raw, path, decision, out, rid)

    async def _read_new(self, call: Call, origin: Origin) -> web.StreamResponse:
        domain = origin.name
        guard = self.guards[domain]
        guard.follow(self._version(domain))
        body = await self._buffer_body(call.request)
        if not guard.allow():
            self.metrics.fallback(domain, "breaker_open")
            return await self._forward(call, self.legacy, body)
        started = time.perf_counter()
        answer = await self._try_new(call, origin, body)
        latency_ms = (time.perf_counter() - started) * 1000
        if isinstance(answer, Failed):
            return await self._fall_back(call, guard, answer, latency_ms, body)
        self._act(domain, Direction.READS, guard.succeeded(latency_ms))
        upstream, prefetched = answer
        return await self._relay(call, upstream, "new", started, prefetched)

    async def _write_new(self, call: Call, origin: Origin) -> web.StreamResponse:
        """The new backend's answer to a write, or a 503 with Retry-After: never Magento's."""
        domain = origin.name
        guard = self.write_guards.get(domain) or self.guards[domain]
        guard.follow(self._version(domain))
        body = await self._buffer_body(call.request)
        if not guard.allow():
            self._act(domain, Direction.WRITES, guard.rejected())
            return self._unwritable(call, "breaker_open", 0.0)
        started = time.perf_counter()
        answer = await self._try_new(call, origin, body)
        latency_ms = (time.perf_counter() - started) * 1000
        if isinstance(answer, Failed):
            self._act(domain, Direction.WRITES, guard.failed(latency_ms, answer.reason))
            return self._unwritable(call, answer.reason.split(" ")[0], latency_ms / 1000)
        self._act(domain, Direction.WRITES, guard.succeeded(latency_ms))
        upstream, prefetched = answer
        return await self._relay(call, upstream, "new", started, prefetched)

    def _version(self, domain: str) -> int:
        """The domain's cutover version: its guard judges only what it measured under it."""
        state = self.state.get(domain)
        return state.version if state is not None else 0

    def _unwritable(self, call: Call, reason: str, seconds: float) -> web.Response:
        """A write the domain cannot take now; `reason` goes to the metrics, never the shopper.
        A failure of the new backend counts as its 503; a write refused while draining as the
        proxy's own."""
        self.metrics.write_unavailable(call.decision.domain or "", reason)
        self._answered(call, "proxy" if reason == "draining" else "new", 503, seconds)
        return unavailable_response(self.settings.write_retry_after)

    async def _try_new(
        self, call: Call, origin: Origin, body: bytes | None
    ) -> tuple[UpstreamResponse, bytes | None] | Failed:
        """The new backend's answer, or why it is not the shopper's."""
        method = call.request.method
        try:
            upstream = await self.forwarder.send(
                method, origin.url(call.raw), call.headers, body, self.settings.new_timeout
            )
            status = upstream.status
            if status >= 500:
                upstream.release()
                return Failed(f"status {status}", status)
            prefetched = None
            if method != "HEAD" and (small(upstream) or status in (404, 405)):
                # a broken body can still fall back
                prefetched = await upstream.read(None if small(upstream) else SMALL_BODY)
            if is_route_miss(status, prefetched):
                return Failed("route_miss", status)
        except UpstreamError as exc:
            return Failed(type(exc).__name__, exc.status)
        return upstream, prefetched

    async def _fall_back(
        self, call: Call, guard: DomainGuard, failed: Failed, latency_ms: float, body: Body
    ) -> web.StreamResponse:
        """Magento answers; the failure counts against the new backend only if Magento did not
        fail the same request too (else the request, not the backend, was at fault)."""
        domain = call.decision.domain or ""
        self.metrics.request(domain, "new", failed.status, latency_ms / 1000)
        response = await self._forward(call, self.legacy, body)
        if counts_against_new(response.status):
            self.metrics.fallback(domain, failed.reason.split(" ")[0])
            self._act(domain, Direction.READS, guard.failed(latency_ms, failed.reason))
        else:
            self.metrics.fallback(domain, "not_counted")
            guard.inconclusive()
        return response

    async def _forward(self, call: Call, origin: Origin, body: Body) -> web.StreamResponse:
        legacy = origin is self.legacy
        backend = "legacy" if legacy else "new"
        timeout = self.settings.legacy_timeout if legacy else self.settings.new_timeout
        started = time.perf_counter()
        try:
            upstream = await self.forwarder.send(
                call.request.method, origin.url(call.raw), call.headers, body, timeout, stream=True
            )
        except UpstreamError as exc:
            if isinstance(body, ClientBody) and body.failure is not None:
                raise body.failure from exc
            self._answered(call, backend, exc.status, 0.0)
            return error_response(exc.status, f"upstream {origin.name} unavailable")
        return await self._relay(call, upstream, backend, started)

    async def _relay(
        self,
        call: Call,
        upstream: UpstreamResponse,
        backend: str,
        started: float,
        body: bytes | None = None,
    ) -> web.StreamResponse:
        response, _ = await self._relay_kept(call, upstream, backend, started, body, keep=0)
        return response

    async def _relay_kept(
        self,
        call: Call,
        upstream: UpstreamResponse,
        backend: str,
        started: float,
        body: bytes | None,
        keep: int,
    ) -> tuple[web.StreamResponse, bytes | None]:
        """Send the upstream's answer to the client; also return its body if <= `keep` bytes."""
        self._answered(call, backend, upstream.status, time.perf_counter() - started)
        headers = client_response_headers(upstream.headers, call.rid)
        if call.decision.set_cookie is not None:
            max_age = self.settings.cohort_cookie_max_age
            signed = self.identity.sign(call.decision.set_cookie)
            headers.add("Set-Cookie", cohort_cookie(signed, max_age))
        if body is None and small(upstream) and call.request.method != "HEAD":
            try:
                body = await upstream.read()
            except UpstreamError as exc:
                return error_response(exc.status, "upstream response broke off"), None
        if body is not None:
            headers.popall("Content-Length", None)
            response = web.Response(
                status=upstream.status, reason=upstream.reason, headers=headers, body=body
            )
            return response, body if len(body) <= keep else None
        streamed = web.StreamResponse(status=upstream.status, reason=upstream.reason)
        streamed.headers.extend(headers)
        await streamed.prepare(call.request)
        kept, size = [], 0
        async for chunk in upstream.iter_chunks():
            await streamed.write(chunk)
            size += len(chunk)
            if size <= keep:
                kept.append(chunk)
        await streamed.write_eof()
        return streamed, b"".join(kept) if size <= keep else None

    def _answered(self, call: Call, backend: str, status: int, seconds: float) -> None:
        """Count the answer the shopper gets, and keep it in the admin trace."""
        domain = call.decision.domain
        self.metrics.request(domain, backend, status, seconds)
        self.trace.add(call.rid, call.request.method, call.path, domain, backend, status)

    async def _shadowed(self, call: Call, origin: Origin) -> web.StreamResponse:
        """Magento answers; once the shopper's response is written, a copy goes to `origin`."""
        body = await self._buffer_body(call.request)
        started = time.perf_counter()
        try:
            upstream = await self.forwarder.send(
                call.request.method, self.legacy.url(call.raw), call.headers, body,
                self.settings.legacy_timeout, stream=True,
            )  # fmt: skip
        except UpstreamError as exc:
            self._answered(call, "legacy", exc.status, 0.0)
            return error_response(exc.status, "upstream legacy unavailable")
        limit = self.settings.shadow_max_body_bytes
        response, copy = await self._relay_kept(call, upstream, "legacy", started, None, limit)
        if copy is None:
            return response
        await response.prepare(call.request)
        await response.write_eof()  # the shopper has the answer before the shadow starts
        self.shadow.submit(self._shadow_request(call, origin, body, response.status, copy))
        return response

    def _shadow_request(
        self, call: Call, origin: Origin, body: bytes | None, status: int, legacy_body: bytes
    ) -> ShadowRequest:
        assert call.decision.route is not None
        return ShadowRequest(
            origin=origin,
            route=call.decision.route,
            method=call.request.method,
            raw_path=call.raw,
            headers=call.headers,
            body=body,
            legacy_status=status,
            legacy_body=legacy_body,
        )

    def _act(self, domain: str, direction: Direction, actions: list[Action]) -> None:
        reads = direction is Direction.READS
        guards = self.guards if reads else self.write_guards
        if domain in guards:
            label = domain if reads else f"{domain}:writes"
            self.metrics.breaker_state(label, guards[domain].breaker_state.value)
        self.actions.perform(domain, direction, actions)

    def _stream_body(self, request: web.BaseRequest) -> Body:
        return stream_body(request, self.settings.max_body_bytes, self.settings.body_timeout)

    async def _buffer_body(self, request: web.BaseRequest) -> bytes | None:
        return await buffer_body(request, self.settings.max_body_bytes, self.settings.body_timeout)
