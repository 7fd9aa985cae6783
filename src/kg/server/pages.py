"""Pages for people: home, search, named queries, the SPARQL page, validation; each result
view paged, with downloads (:mod:`kg.server.paging`). Entity and vocabulary pages, which are
linked data, are in :mod:`kg.server.linked`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from kg.errors import KgError, ParameterError
from kg.namespaces import PREFIXES, shorten
from kg.queries import NamedQuery
from kg.rdfio import FORMATS
from kg.server import tasks
from kg.server.editor import editor_settings
from kg.server.http import HTML, HttpError, negotiate
from kg.server.paging import (
    GRAPH_DOWNLOADS,
    PAGING,
    TABLE_DOWNLOADS,
    attachment,
    download_media,
    downloads,
    pager,
    window,
)
from kg.server.render import Rendered
from kg.server.sparql import rendered_response
from kg.server.state import state_of
from kg.server.tasks import PageAnswer
from kg.server.views import link_for, local_path


def render(request: Request, template: str, context: Mapping[str, Any], status: int = 200) -> Response:
    state = state_of(request)
    return state.templates.TemplateResponse(
        request, template, {"settings": state.settings, **context}, status_code=status
    )


async def home(request: Request) -> Response:
    state = state_of(request)
    numbers, names = await state.run(request, tasks.stats)
    if negotiate(request.headers.get("accept"), [HTML, "application/json"]) == "application/json":
        return Response(json.dumps(numbers.as_dict(), ensure_ascii=False), media_type="application/json")
    classes = [
        (names.get(cls) or shorten(cls), local_path(cls) or "/query?query=" + quote(_instances(cls)), count)
        for cls, count in numbers.entities_by_class
    ]
    return render(
        request,
        "home.html",
        {
            "stats": numbers,
            "classes": classes,
            "sources": [(view_term_iri(source, name), count) for source, name, count in numbers.sources],
            "queries": list(state.project.named_queries.values()),
        },
    )


def _instances(cls: str) -> str:
    return (
        f"SELECT ?entity ?label WHERE {{\n  ?entity a <{cls}> .\n"
        "  OPTIONAL { ?entity skos:prefLabel|foaf:name ?label FILTER(LANG(?label) IN "
        '("en", "")) }\n} ORDER BY ?label'
    )


def view_term_iri(iri: str, name: str) -> dict[str, str | None]:
    return {"text": name or shorten(iri), "href": link_for(iri), "iri": iri}


async def search_page(request: Request) -> Response:
    state = state_of(request)
    text = request.query_params.get("q", "")
    wants_json = negotiate(request.headers.get("accept"), [HTML, "application/json"]) == "application/json"
    offset, size = window(request.query_params, state.limits.page_rows)
    if wants_json:
        found = await state.run(request, tasks.search, text, offset, size)
        return Response(tasks.hits_json(found.hits), media_type="application/json")
    found = await state.run(request, tasks.search, text, offset, size) if text.strip() else None
    params = list(request.query_params.multi_items())
    return render(
        request,
        "search.html",
        {
            "q": text,
            "found": found,
            "hits": [(h, link_for(h.iri)) for h in found.hits] if found else [],
            "pager": pager(
                "/search",
                params,
                offset=offset,
                size=size,
                shown=len(found.hits),
                total=found.total,
                default_size=state.limits.page_rows,
            )
            if found
            else None,
            "downloads": downloads("/search", params, "select") if found else [],
        },
    )


async def search_download(request: Request) -> Response:
    """``/search.json``, ``.csv``, ``.tsv``: every hit for ``q``."""
    state = state_of(request)
    ext = request.path_params["ext"]
    media = "application/json" if ext == "json" else download_media(ext, ("table",))
    text = request.query_params.get("q", "")
    rendered: Rendered = await state.run(request, tasks.search_download, text, media, state.limits)
    return rendered_response(rendered, state, attachment("search", ext))


async def query_list(request: Request) -> Response:
    state = state_of(request)
    return render(request, "queries.html", {"queries": list(state.project.named_queries.values())})


async def named_query_page(request: Request) -> Response:
    """A named query as a form; with its parameters (or none required), run at once. Its
    ``.json``/``.csv``/``.tsv`` (RDF formats for CONSTRUCT) give the whole result."""
    state = state_of(request)
    name = request.path_params["name"]
    download = None
    stem, dot, ext = name.rpartition(".")
    if dot and ext in (*TABLE_DOWNLOADS, *GRAPH_DOWNLOADS):
        name, download = stem, ext
    named: NamedQuery = state.project.named_query(name)
    params = request.query_params
    values = {p.name: params[p.name] for p in named.parameters if params.get(p.name, "").strip()}
    unknown = sorted(set(params) - {p.name for p in named.parameters} - {"run", *PAGING})
    if unknown:
        raise ParameterError(f"query {name!r} has no parameter {unknown[0]!r}")
    wanted = negotiate(request.headers.get("accept"), [HTML, "application/json", "text/csv"])
    if download is not None or wanted != HTML:
        if download is not None:
            media = download_media(download)
            table_media, graph_media = (None, media) if download in GRAPH_DOWNLOADS else (media, None)
        else:
            table_media = "text/csv" if wanted == "text/csv" else "application/sparql-results+json"
            graph_media = "text/turtle"
        rendered: Rendered = await state.run(
            request, tasks.answer_named, name, values, table_media, graph_media, state.limits
        )
        if rendered.body is None:
            raise HttpError(
                406,
                f"query {name!r} gives a different kind of result: "
                "download it as .json, .csv, .tsv (SELECT, ASK) or .ttl, .nt, .jsonld, .rdf",
            )
        response = rendered_response(rendered, state)
        if download is not None:
            response.headers.update(attachment(name, download))
        return response
    offset, size = window(params, state.limits.page_rows)
    missing = [p.name for p in named.parameters if p.required and p.name not in values]
    answer: PageAnswer | None = None
    error: str | None = None
    if not missing or values:
        try:
            answer = await state.run(request, tasks.page_named, name, values, state.limits, offset, size)
        except KgError as failed:
            error = str(failed)
    kept = [(k, v) for k, v in params.multi_items() if k != "run"]
    return render(
        request,
        "named_query.html",
        {
            "query": named,
            "values": values,
            "answer": answer,
            "error": error,
            "table": answer.table if answer else None,
            **_result_links(f"/queries/{name}", kept, answer, state.limits.page_rows),
        },
        status=400 if error else 200,
    )


def _result_links(
    path: str, params: list[tuple[str, str]], answer: PageAnswer | None, default_size: int
) -> dict[str, Any]:
    if answer is None:
        return {"pager": None, "downloads": []}
    return {
        "pager": pager(
            path,
            params,
            offset=answer.offset,
            size=answer.size,
            shown=len(answer.table.rows),
            total=answer.total,
            default_size=default_size,
        ),
        "downloads": downloads(path, params, answer.kind),
    }


async def sparql_page(request: Request) -> Response:
    state = state_of(request)
    if request.method == "POST":
        form = await request.form()
        text = str(form.get("query", ""))
    else:
        text = request.query_params.get("query", "")
    offset, size = window(request.query_params, state.limits.page_rows)
    answer: PageAnswer | None = None
    error: str | None = None
    if text.strip():
        try:
            answer = await state.run(request, tasks.page_query, text, state.limits, offset, size)
        except KgError as failed:
            error = str(failed)
    default = (
        "SELECT ?entity ?label WHERE {\n  ?entity skos:prefLabel ?label .\n"
        '  FILTER(LANG(?label) = "en")\n} ORDER BY ?label LIMIT 20'
    )
    params = [("query", text), *((k, v) for k, v in request.query_params.multi_items() if k in PAGING)]
    return render(
        request,
        "sparql.html",
        {
            "text": text or default,
            "answer": answer,
            "error": error,
            "table": answer.table if answer else None,
            "prefixes": list(PREFIXES.items()),
            "editor": editor_settings(state.project.named_queries),
            **_result_links("/query", params, answer, state.limits.page_rows),
        },
        status=400 if error else 200,
    )


async def sparql_download(request: Request) -> Response:
    """``/query.json``, ``.csv``, ``.tsv`` (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf`` for
    CONSTRUCT and DESCRIBE): the whole result of ``query``, within the server's limits."""
    state = state_of(request)
    ext = request.path_params["ext"]
    media = download_media(ext)
    text = request.query_params.get("query", "")
    if not text.strip():
        raise HttpError(400, "give the query: ?query=SPARQL")
    rendered: Rendered = await state.run(request, tasks.answer_download, text, media, state.limits)
    if rendered.body is None:
        kind = "CONSTRUCT/DESCRIBE" if rendered.kind == "graph" else "SELECT/ASK"
        raise HttpError(406, f"a {kind} result is not written as .{ext}")
    return rendered_response(rendered, state, attachment("query", ext))


async def validate_page(request: Request) -> Response:
    state = state_of(request)
    report = None
    filename = ""
    formats = [(f.extension, f.name) for f in FORMATS]
    if request.method == "POST":
        form = await request.form()
        upload = form.get("file")
        chosen = str(form.get("format", "") or "")
        data: bytes = b""
        if upload is not None and not isinstance(upload, str):
            data = await upload.read()
            filename = upload.filename or ""
        text = str(form.get("text", "") or "")
        if not data and text.strip():
            data = text.encode()
        if not data:
            raise HttpError(400, "upload a file (or paste RDF) to validate")
        fmt = chosen or (filename.rsplit(".", 1)[-1] if "." in filename else "trig")
        report = await state.run(request, tasks.validate_upload, data, fmt)
        if negotiate(request.headers.get("accept"), [HTML, "application/json"]) == "application/json":
            return Response(report.to_json(), media_type="application/json", status_code=200)
    return render(
        request,
        "validate.html",
        {
            "report": report,
            "filename": filename,
            "formats": formats,
            "groups": report.by_entity() if report else {},
            "paths": {f.focus: local_path(f.focus) for f in (report.findings if report else [])},
        },
    )
