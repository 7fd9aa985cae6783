"""Pages for people (home, search, named queries, the SPARQL page, validation) and entity pages.

Entity pages are linked data: ``/id/<name>`` answers a browser with HTML and a program with
Turtle, JSON-LD or N-Triples (``Accept``, or the extensions ``.ttl``, ``.jsonld``, ``.nt``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from kg.errors import KgError, ParameterError
from kg.namespaces import KGG, KGR, PREFIXES, shorten
from kg.queries import NamedQuery
from kg.rdfio import FORMATS
from kg.server import tasks
from kg.server.editor import editor_settings
from kg.server.http import HTML, HttpError, negotiate
from kg.server.render import RDF_MEDIA, Rendered
from kg.server.sparql import rendered_response
from kg.server.state import state_of
from kg.server.tasks import EntityView, PageAnswer
from kg.server.views import diagram, labels_by_language, link_for, local_path, view_term
from kg.terms import NamedNode

ENTITY_MEDIA = [
    "text/turtle",
    HTML,
    "application/ld+json",
    "application/n-triples",
    "application/json",
    "text/plain",
]
EXTENSIONS = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples"}


def render(request: Request, template: str, context: Mapping[str, Any], status: int = 200) -> Response:
    state = state_of(request)
    return state.templates.TemplateResponse(
        request, template, {"settings": state.settings, **context}, status_code=status
    )


async def home(request: Request) -> Response:
    state = state_of(request)
    numbers, names = await state.run(request, tasks.stats)
    if negotiate(request.headers.get("accept"), [HTML, "application/json"]) == "application/json":
        return Response(
            json.dumps(
                {
                    "triples": numbers.triples,
                    "named_graphs": numbers.named_graphs,
                    "entities_by_class": dict(numbers.entities_by_class),
                    "sources": [{"source": s, "name": n, "graphs": c} for s, n, c in numbers.sources],
                },
                ensure_ascii=False,
            ),
            media_type="application/json",
        )
    classes = [
        (names.get(cls) or shorten(cls), "/query?query=" + quote(_instances(cls)), count)
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
    hits = await state.run(request, tasks.search, text) if text.strip() else []
    if negotiate(request.headers.get("accept"), [HTML, "application/json"]) == "application/json":
        return Response(
            json.dumps(
                [
                    {
                        "iri": h.iri,
                        "label": h.title,
                        "types": h.types,
                        "matched": [m.value for m in h.matched],
                    }
                    for h in hits
                ],
                ensure_ascii=False,
            ),
            media_type="application/json",
        )
    return render(request, "search.html", {"q": text, "hits": [(h, link_for(h.iri)) for h in hits]})


async def query_list(request: Request) -> Response:
    state = state_of(request)
    return render(request, "queries.html", {"queries": list(state.project.named_queries.values())})


async def named_query_page(request: Request) -> Response:
    state = state_of(request)
    name = request.path_params["name"]
    download = None
    for ext in ("csv", "json"):
        if name.endswith("." + ext):
            name, download = name[: -len(ext) - 1], ext
    named: NamedQuery = state.project.named_query(name)
    params = request.query_params
    values = {p.name: params[p.name] for p in named.parameters if params.get(p.name, "").strip()}
    unknown = sorted(set(params) - {p.name for p in named.parameters} - {"run"})
    if unknown:
        raise ParameterError(f"query {name!r} has no parameter {unknown[0]!r}")
    wanted = negotiate(request.headers.get("accept"), [HTML, "application/json", "text/csv"])
    if download is not None or wanted != HTML:
        media = {"csv": "text/csv", "json": "application/sparql-results+json"}.get(
            download or "", "text/csv" if wanted == "text/csv" else "application/sparql-results+json"
        )
        rendered: Rendered = await state.run(request, tasks.answer_named, name, values, media, state.limits)
        response = rendered_response(rendered, state)
        if download is not None:
            response.headers["Content-Disposition"] = f'attachment; filename="{name}.{download}"'
        return response
    answer: PageAnswer | None = None
    error: str | None = None
    if "run" in params:
        try:
            answer = await state.run(request, tasks.page_named, name, values, state.limits)
        except KgError as failed:
            error = str(failed)
    return render(
        request,
        "named_query.html",
        {
            "query": named,
            "values": values,
            "answer": answer,
            "error": error,
            "table": answer.table if answer else None,
            "query_string": request.url.query,
        },
        status=400 if error else 200,
    )


async def sparql_page(request: Request) -> Response:
    state = state_of(request)
    if request.method == "POST":
        form = await request.form()
        text = str(form.get("query", ""))
    else:
        text = request.query_params.get("query", "")
    answer: PageAnswer | None = None
    error: str | None = None
    if text.strip():
        try:
            answer = await state.run(request, tasks.page_query, text, state.limits)
        except KgError as failed:
            error = str(failed)
    default = (
        "SELECT ?entity ?label WHERE {\n  ?entity skos:prefLabel ?label .\n"
        '  FILTER(LANG(?label) = "en")\n} ORDER BY ?label LIMIT 20'
    )
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
        },
        status=400 if error else 200,
    )


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


# -- entity pages -------------------------------------------------------------------------------
async def entity_page(request: Request) -> Response:
    state = state_of(request)
    prefix = KGG if request.url.path.startswith("/graph/") else KGR
    name: str = request.path_params["name"]
    media: str | None = None
    stem, dot, ext = name.rpartition(".")
    if dot and ext in EXTENSIONS:
        name, media = stem, EXTENSIONS[ext]
    if not name or ".." in name.split("/"):
        raise HttpError(404, f"no entity at {request.url.path}")
    iri = prefix + name
    try:
        NamedNode(iri)
    except ValueError:
        raise HttpError(404, f"no entity at {request.url.path}: not an IRI") from None
    if media is None:
        media = negotiate(request.headers.get("accept"), ENTITY_MEDIA)
        if media is None:
            raise HttpError(406, "an entity is available as " + ", ".join(ENTITY_MEDIA))
    media = {"application/json": "application/ld+json", "text/plain": "application/n-triples"}.get(
        media, media
    )
    stem = _stem(request.url.path)
    headers = {"Link": ", ".join(f'<{stem}.{e}>; rel="alternate"; type="{m}"' for e, m in EXTENSIONS.items())}
    found: EntityView | Rendered | None = await state.run(
        request, tasks.entity, iri, media if media in RDF_MEDIA else None, state.limits
    )
    if found is None:
        raise HttpError(404, f"the graph says nothing about <{iri}>")
    if isinstance(found, Rendered):
        return rendered_response(found, state, headers)
    view = found
    names = view.names
    facts = [
        (view_term(f.predicate, names), view_term(f.value, names), view.source_numbers(f.graphs))
        for f in view.facts
    ]
    incoming = [
        (view_term(f.value, names), view_term(f.predicate, names), view.source_numbers(f.graphs))
        for f in view.incoming
    ]
    response = render(
        request,
        "entity.html",
        {
            "view": view,
            "labels": labels_by_language(view.labels),
            "types": [view_term(t, names) for t in view.types],
            "facts": facts,
            "incoming": incoming,
            "diagram": diagram(view),
            "sources": [(s, local_path(s.graph), link_for(s.document)) for s in view.sources],
            "stem": stem,
        },
    )
    response.headers.update({"Vary": "Accept", **headers})
    return response


def _stem(path: str) -> str:
    for ext in EXTENSIONS:
        if path.endswith("." + ext):
            return path[: -len(ext) - 1]
    return path
