"""The ASGI application, built by :func:`create_app` for one project and its settings."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from kg.errors import KgError
from kg.server import linked, pages, sparql
from kg.server.assets import static_endpoint
from kg.server.defences import Defences, plan_defences
from kg.server.http import (
    AllowedHosts,
    BodyLimit,
    HttpError,
    SecurityHeaders,
    allowed_host_names,
    json_error,
    status_of,
    wants_html,
)
from kg.server.reopen import Reopened
from kg.server.settings import Settings
from kg.server.state import ServerState, state_of
from kg.store.pool import InlineRunner, WorkerPool

if TYPE_CHECKING:
    from kg.api import Project

HERE = Path(__file__).resolve().parent


def _templates() -> Jinja2Templates:
    environment = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return Jinja2Templates(env=environment)


def _runner(project: Project, settings: Settings, defences: Defences) -> WorkerPool | InlineRunner:
    store = project.store
    if not store.capabilities.local or not defences.workers:
        return InlineRunner(project)
    size, confinement, share = settings.workers, defences.confinement, settings.share
    if store.snapshot() is None:  # in memory: forked workers inherit the store
        return WorkerPool(project, size=size, confinement=confinement, per_owner=share)
    # on disk: each worker starts clean and opens the generation the store is at
    return WorkerPool(
        project,
        size=size,
        confinement=confinement,
        per_owner=share,
        snapshots=Reopened(project),
        start_method="forkserver",
    )


def error_response(
    request: Request,
    status: int,
    detail: str,
    extra: dict[str, object] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The error as a page for people, as the one JSON shape for programs."""
    if wants_html(request):
        state: ServerState | None = getattr(request.app.state, "kg", None)
        if state is not None:
            response = state.templates.TemplateResponse(
                request,
                "error.html",
                {"status": status, "detail": detail, "settings": state.settings, "extra": extra or {}},
                status_code=status,
            )
            response.headers.update(headers or {})
            return response
    return json_error(status, detail, dict(extra or {}), headers)


async def _on_http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HttpError)
    return error_response(request, error.status, error.detail, error.extra, error.headers)


async def _on_kg_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, KgError)
    return error_response(request, status_of(error), str(error))


async def _on_starlette_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    detail = {
        404: f"nothing at {request.url.path}",
        405: f"{request.method} is not allowed on {request.url.path}",
    }.get(error.status_code, str(error.detail))
    return error_response(request, error.status_code, detail, headers=dict(error.headers or {}))


async def _on_crash(request: Request, error: Exception) -> Response:
    return error_response(request, 500, "the server failed to answer; see its log")


def create_app(
    project: Project, settings: Settings | None = None, *, defences: Defences | None = None
) -> Starlette:
    """The web application for ``project``: start it with any ASGI server (``kg serve``).

    ``defences`` are those :func:`~kg.server.defences.plan_defences` finds (by default, found
    when the application starts).
    """
    chosen = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        from kg.server import federation

        planned = defences or plan_defences(project, chosen)
        federation.preload()  # the parser, imported once and inherited by every worker
        state = ServerState(project, chosen, _runner(project, chosen, planned), _templates())
        app.state.defences = planned
        if chosen.allow_updates:
            project.store.lock()  # the one writer of an on-disk store, from the start
            with contextlib.suppress(KgError):
                _ = project.shapes, project.vocabulary  # parsed once, inherited by workers
        state.runner.start()
        app.state.kg = state
        try:
            yield
        finally:
            state.runner.close()

    methods = ["GET", "HEAD", "POST"]
    routes = [  # the protocol endpoint first: it is matched on every request to it
        Route("/sparql", sparql.sparql_endpoint, methods=methods),
        Route("/", pages.home, methods=["GET", "HEAD"]),
        Route("/search", pages.search_page, methods=["GET", "HEAD"]),
        Route("/search.{ext}", pages.search_download, methods=["GET", "HEAD"]),
        Route("/queries", pages.query_list, methods=["GET", "HEAD"]),
        Route("/queries/{name}", pages.named_query_page, methods=["GET", "HEAD"]),
        Route("/query", pages.sparql_page, methods=methods),
        Route("/query.{ext}", pages.sparql_download, methods=["GET", "HEAD"]),
        Route("/validate", pages.validate_page, methods=methods),
        Route("/rdf-graphs/service", sparql.graph_store, methods=["GET", "HEAD", "PUT", "POST", "DELETE"]),
        Route("/id/{name:path}", linked.entity_page, methods=["GET", "HEAD"]),
        Route("/graph/{name:path}", linked.entity_page, methods=["GET", "HEAD"]),
        Route("/static/{name:path}", static_endpoint(HERE / "static"), methods=["GET", "HEAD"]),
        Route("/{path:path}", linked.vocabulary_page, methods=["GET", "HEAD"]),  # /ontology, ...
    ]
    middleware = [
        Middleware(AllowedHosts, names=allowed_host_names(chosen.host, chosen.allowed_hosts)),
        Middleware(SecurityHeaders),
        Middleware(BodyLimit, limit=chosen.max_body, seconds=chosen.client_timeout),
    ]
    if chosen.cors_origin:
        middleware.insert(
            0,
            Middleware(
                CORSMiddleware,
                allow_origins=list(chosen.cors_origin),
                allow_methods=["GET", "POST", "PUT", "DELETE"],
                allow_headers=["Authorization", "Content-Type", "Accept"],
            ),
        )
    return Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={
            HttpError: _on_http_error,
            KgError: _on_kg_error,
            HTTPException: _on_starlette_error,
            Exception: _on_crash,
        },
    )


__all__ = ["create_app", "state_of"]
