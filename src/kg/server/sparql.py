"""The SPARQL 1.1 Protocol endpoint (``/sparql``) and the Graph Store Protocol (``/rdf-graphs``).

Queries: GET ``?query=``, POST a form, or POST ``application/sparql-query``; results in JSON,
XML, CSV or TSV (SELECT, ASK) and in Turtle, N-Triples, JSON-LD or RDF/XML (CONSTRUCT,
DESCRIBE), chosen by ``Accept`` (or a ``format`` parameter). Without a query, ``/sparql``
describes itself (``sd:Service``, :mod:`kg.server.description`) in the RDF format ``Accept``
asks for. Writes are guarded: see :mod:`kg.server.changes`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kg.errors import UsageError
from kg.rdfio import JSON_LD, format_named, parse_bytes
from kg.server import tasks
from kg.server.changes import Change, GraphTarget, Operation, plan_change
from kg.server.http import HttpError, negotiate, wants_html
from kg.server.render import RDF_MEDIA, RESULT_MEDIA, Rendered
from kg.server.state import ServerState, state_of
from kg.server.tasks import QueryJob
from kg.store.base import Dataset
from kg.terms import DefaultGraph, NamedNode, Quad

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
_FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}


# -- reading requests ------------------------------------------------------------------------
def _media_type(request: Request) -> tuple[str, str | None]:
    raw = request.headers.get("content-type", "")
    parts = [p.strip() for p in raw.split(";")]
    charset = None
    for param in parts[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return parts[0].lower(), charset


def _text(body: bytes, charset: str | None) -> str:
    if charset not in (None, "utf-8", "utf8"):
        raise HttpError(415, f"the request body must be UTF-8 (got charset={charset})")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise HttpError(400, "the request body is not valid UTF-8") from None


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise HttpError(400, f"give one {name!r} parameter, not {len(values)}")
    return values[0] if values else None


async def read_operation(request: Request) -> tuple[str | None, str | None, list[tuple[str, str]]]:
    """(query, update, all parameters) of a protocol request; 4xx for a malformed one."""
    params = list(request.query_params.multi_items())
    if request.method in ("GET", "HEAD"):
        pairs = params
        query_text = _one([v for k, v in pairs if k == "query"], "query")
        if [v for k, v in pairs if k == "update"]:
            raise HttpError(400, "a SPARQL Update must be sent with POST")
        return query_text, None, pairs
    media, charset = _media_type(request)
    body = await request.body()
    if media == FORM:
        try:
            form = parse_qsl(_text(body, charset), keep_blank_values=True, strict_parsing=False)
        except ValueError as error:
            raise HttpError(400, f"malformed form body: {error}") from None
        pairs = params + form
        query_text = _one([v for k, v in form if k == "query"], "query")
        update_text = _one([v for k, v in form if k == "update"], "update")
        if query_text is None and update_text is None:
            raise HttpError(400, "the form has neither 'query' nor 'update'")
        if query_text is not None and update_text is not None:
            raise HttpError(400, "give 'query' or 'update', not both")
        return query_text, update_text, pairs
    if media == SPARQL_QUERY:
        return _text(body, charset), None, params
    if media == SPARQL_UPDATE:
        return None, _text(body, charset), params
    raise HttpError(
        415,
        "POST a query as application/sparql-query or a form "
        "(application/x-www-form-urlencoded), an update as "
        f"application/sparql-update (got {media or 'no content type'!r})",
    )


def _dataset(pairs: Iterable[tuple[str, str]]) -> Dataset | None:
    items = list(pairs)
    default = tuple(v for k, v in items if k == "default-graph-uri")
    named = tuple(v for k, v in items if k == "named-graph-uri")
    if not default and not named:
        return None
    for iri in (*default, *named):
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", iri):
            raise HttpError(400, f"not an absolute IRI: {iri!r}")
    return Dataset(default, named)


def _requested_format(request: Request, pairs: list[tuple[str, str]]) -> str | None:
    """An explicit ``format``/``output`` parameter (as SPARQLWrapper and others send)."""
    for key, value in pairs:
        if key in ("format", "output") and value.lower() in _FORMAT_NAMES:
            return _FORMAT_NAMES[value.lower()]
        if key in ("format", "output") and value.lower() in (*RESULT_MEDIA, *RDF_MEDIA):
            return value.lower()
    return None


# -- writing responses ------------------------------------------------------------------------
def rendered_response(
    rendered: Rendered, state: ServerState, headers: dict[str, str] | None = None
) -> Response:
    """The bytes a worker made, sent as they are."""
    assert rendered.media is not None and rendered.body is not None
    sent = {"Vary": "Accept", "KG-Facts-View": "default", **(headers or {})}
    if rendered.truncated:
        sent["KG-Results-Truncated"] = str(state.settings.max_rows)
    if not rendered.canonical:
        sent["KG-Canonical"] = "false"
    return Response(rendered.body, media_type=rendered.media, headers=sent)


async def service_description(request: Request, state: ServerState) -> Response:
    """The service description in the RDF format the client accepts (:mod:`.description`)."""
    from kg.server.description import Service
    from kg.server.description import service_description as describe

    media = negotiate(request.headers.get("accept"), RDF_MEDIA)
    if media is None:
        raise HttpError(406, "the service description is available as " + ", ".join(RDF_MEDIA))
    media = "application/n-triples" if media == "text/plain" else media
    settings = state.settings
    service = Service(
        str(request.url.replace(query="", fragment="")), settings.allow_updates, settings.allow_service
    )
    rendered: Rendered = await state.run(request, describe, service, media, state.limits)
    return rendered_response(rendered, state)


# -- the endpoint -------------------------------------------------------------------------------
def chosen_media(request: Request, pairs: list[tuple[str, str]], offers: list[str]) -> str | None:
    """The format to answer in among ``offers``: a ``format`` parameter, else ``Accept``."""
    media = _requested_format(request, pairs)
    if media in offers:
        return media
    return negotiate(request.headers.get("accept"), offers)


async def sparql_endpoint(request: Request) -> Response:
    state = state_of(request)
    query_text, update_text, pairs = await read_operation(request)
    if update_text is not None:
        return await run_update(request, state, update_text, pairs)
    if query_text is None:
        if wants_html(request):
            return RedirectResponse("/query", status_code=303)
        return await service_description(request, state)
    if wants_html(request) and request.method == "GET" and _requested_format(request, pairs) is None:
        return RedirectResponse(f"/query?query={quote(query_text)}", status_code=303)
    job = QueryJob(
        query_text,
        _dataset(pairs),
        str(request.url.replace(query="", fragment="")),
        chosen_media(request, pairs, RDF_MEDIA),
        chosen_media(request, pairs, RESULT_MEDIA),
    )
    rendered: Rendered = await state.run(request, tasks.answer_query, job, state.limits)
    if rendered.body is None:
        offers = RDF_MEDIA if rendered.kind == "graph" else RESULT_MEDIA
        raise HttpError(
            406,
            f"cannot answer in {request.headers.get('accept')!r}; this result "
            "is available as " + ", ".join(offers),
        )
    return rendered_response(rendered, state)


async def run_update(
    request: Request, state: ServerState, sparql: str, pairs: list[tuple[str, str]]
) -> Response:
    state.authorize_write(request)
    if any(k in ("using-graph-uri", "using-named-graph-uri") for k, _ in pairs):
        raise HttpError(
            400,
            "using-graph-uri and using-named-graph-uri are not supported; use USING or WITH in the update",
        )
    await state.run(request, tasks.check_operation, sparql, "update", state.settings.allow_service)
    base = str(request.url.replace(query="", fragment=""))
    change = await apply_change(request, state, [Operation("update", sparql=sparql, base=base)])
    return _change_response(change, 200)


async def apply_change(request: Request, state: ServerState, operations: list[Operation]) -> Change:
    """Plan the change in a worker, check it against the shapes, apply it or refuse it (422)."""

    store = state.project.store
    if not store.capabilities.local:
        raise HttpError(
            403, "writes through this server need the embedded store; write to the remote endpoint itself"
        )
    async with state.write_lock:
        change: Change = await state.run(
            request, plan_change, operations, timeout=state.settings.write_timeout, discard=True
        )
        if not change.report.conforms:
            counts = change.report.counts()
            raise HttpError(
                422,
                f"the change would break the shapes ({counts['Violation']} "
                "violation(s)); nothing was applied",
                extra={"report": json.loads(change.report.to_json())},
            )
        if not change.empty:
            store.change(change.added, change.removed)  # one step: a crash leaves neither or both
            store.flush()
            state.runner.refresh()
    return change


def _change_response(change: Change, status: int) -> Response:
    body = {
        "added": len(change.added),
        "removed": len(change.removed),
        "report": json.loads(change.report.to_json()),
    }
    return Response(json.dumps(body, ensure_ascii=False), status_code=status, media_type="application/json")


# -- Graph Store Protocol -------------------------------------------------------------------------
def _graph_target(request: Request) -> GraphTarget:
    params = request.query_params
    graphs = params.getlist("graph")
    if "default" in params and not graphs:
        return DefaultGraph()
    if len(graphs) != 1:
        raise HttpError(400, "name one graph: ?graph=IRI (or ?default)")
    iri = graphs[0]
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", iri):
        raise HttpError(400, f"not an absolute IRI: {iri!r}")
    return NamedNode(iri)


async def graph_store(request: Request) -> Response:
    state = state_of(request)
    target = _graph_target(request)
    if request.method in ("GET", "HEAD"):
        media = negotiate(request.headers.get("accept"), RDF_MEDIA)
        if media == "text/plain":
            media = "application/n-triples"
        found: Rendered | None = await state.run(request, tasks.graph_document, target, media, state.limits)
        if found is None:
            raise HttpError(404, f"no graph {target}")
        if found.body is None:
            raise HttpError(406, "a graph is available as " + ", ".join(RDF_MEDIA))
        return rendered_response(found, state)
    state.authorize_write(request)
    kind = request.method.lower()
    quads: tuple[Quad, ...] = ()
    if kind in ("put", "post"):
        media, _ = _media_type(request)
        try:
            fmt = format_named(media or "text/turtle")
        except UsageError as error:
            raise HttpError(415, str(error)) from None
        if fmt.datasets and fmt is not JSON_LD:
            raise HttpError(415, f"send one graph (Turtle, N-Triples, JSON-LD, RDF/XML), not {fmt.name}")
        quads = tuple(parse_bytes(await request.body(), fmt, source="<request body>"))
    change = await apply_change(request, state, [Operation(kind, graph=target, quads=quads)])
    if kind == "delete" and change.empty:
        raise HttpError(404, f"no graph {target}")
    created = kind in ("put", "post") and bool(change.added) and not change.removed
    return _change_response(change, 201 if created else 200)
