"""HTTP entrypoint: Magento-compatible search and listings and the native search API
(plain Starlette routes, `rest`), health and metrics. Errors are mapped here once:
BadQuery → 400, EngineUnavailable → 503."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from ficus_feed.metrics import exposition
from ficus_legacy.core.searchcriteria import SearchCriteriaError
from ficus_search import rest
from ficus_search.bootstrap import Components, build
from ficus_search.core.errors import BadQuery, EngineUnavailable
from ficus_search.settings import SearchSettings
from ficus_search.storemap import StoreMap, TableLoader


def _bad(message: str, field: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"message": message}
    if field:
        body["parameters"] = {"fieldName": field}
    return JSONResponse(body, status_code=400)


def _unavailable(exc: EngineUnavailable) -> JSONResponse:
    return JSONResponse(
        {"message": f"search is temporarily unavailable: {exc}"},
        status_code=503,
        headers={"Retry-After": "1"},
    )


@contextmanager
def _store_map(settings: SearchSettings) -> Iterator[StoreMap]:
    loader = TableLoader(settings.database_url)
    try:
        yield StoreMap(loader, settings.stores, max_age=settings.store_refresh_seconds)
    finally:
        loader.close()


def create_app(
    settings: SearchSettings,
    components: Components | None = None,
    builder: Callable[[SearchSettings], Components] = build,
) -> FastAPI:
    """The app; with `components` given (tests), the caller owns their lifecycle."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if components is not None:
            app.state.components = components
            with _store_map(components.settings) as app.state.stores:
                yield
            return
        built = await run_in_threadpool(builder, settings)
        built.start()
        app.state.components = built
        try:
            with _store_map(built.settings) as app.state.stores:
                if built.consumer is not None:
                    built.hooks.on_store_change = app.state.stores.expire
                yield
        finally:
            await run_in_threadpool(built.stop)

    app = FastAPI(title="Ficus search", lifespan=lifespan)
    app.router.routes.extend(rest.ROUTES)

    @app.exception_handler(BadQuery)
    async def bad_query(_: Request, exc: BadQuery) -> JSONResponse:
        return _bad(exc.message, exc.field)

    @app.exception_handler(SearchCriteriaError)
    async def bad_criteria(_: Request, exc: SearchCriteriaError) -> JSONResponse:
        return JSONResponse({"message": exc.message, "parameters": exc.parameters}, 400)

    @app.exception_handler(EngineUnavailable)
    async def unavailable(_: Request, exc: EngineUnavailable) -> JSONResponse:
        return _unavailable(exc)

    def comps(request: Request) -> Components:
        found: Components = request.app.state.components
        return found

    @app.get("/healthz")
    def health(request: Request) -> JSONResponse:
        c = comps(request)
        engines = {"postgres": c.postgres.healthy()}
        if c.elasticsearch is not None:
            engines["elasticsearch"] = c.elasticsearch.healthy()
        consumer_ok = c.consumer is None or c.consumer.healthy
        ok = engines["postgres"] and (
            engines.get(c.settings.engine, True) or c.settings.on_engine_down == "fallback"
        )
        body = {"ok": ok, "engine": c.settings.engine, "engines": engines, "consumer": consumer_ok}
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.get("/metrics")
    def metrics(request: Request) -> Response:
        """Every process's metrics when `serve` runs workers, else this one's."""
        body = exposition(comps(request).metrics.registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return app
