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
from kg.server.editor import editor_settings
from kg.server.http import HTML, HttpError, negotiate
from kg.server.sparql import RDF_MEDIA, rdf_body, refuse_remote, result_response
from kg.server.state import state_of
from kg.server.tasks import (
    Answer,
    EntityView,
    describe,
    run_named,
    run_query,
    search,
    stats,
    validate_upload,
)
from kg.server.views import diagram, labels_by_language, local_path, result_table, view_term

ENTITY_MEDIA = ["text/turtle", HTML, "application/ld+json", "application/n-triples",
                "application/json", "text/plain"]
EXTENSIONS = {"ttl": "text/turtle", "jsonld": "application/ld+json",
              "nt": "application/n-triples"}


def render(request: Request, template: str, context: Mapping[str, Any],
           status: int = 200) -> Response:
    state = state_of(request)
    return state.templates.TemplateResponse(
        request, template, {"settings": state.settings, **context}, status_code=status)


async def home(request: Request) -> Response:
    state = state_of(request)
    numbers, names = await state.run(stats)
    if negotiate(request.headers.get("accept"), [HTML, "application/json"]) \
            == "application/json":
        return Response(json.dumps({
            "triples": numbers.triples, "named_graphs": numbers.named_graphs,
            "entities_by_class": dict(numbers.entities_by_class),
            "sources": [{"source": s, "name": n, "graphs": c} for s, n, c in numbers.sources],
        }, ensure_ascii=False), media_type="application/json")
    classes = [(names.get(cls) or shorten(cls), "/query?query=" + quote(_instances(cls)), count)
               for cls, count in numbers.entities_by_class]
    return render(request, "home.html", {
        "stats": numbers, "classes": classes,
        "sources": [(view_term_iri(source, name), count) for source, name, count in
                    numbers.sources],
        "queries": list(state.project.named_queries.values()),
    })


def _instances(cls: str) -> str:
    return (f"SELECT ?entity ?label WHERE {{\n  ?entity a <{cls}> .\n"
            "  OPTIONAL { ?entity skos:prefLabel|foaf:name ?label FILTER(LANG(?label) IN "
            "(\"en\", \"\")) }\n} ORDER BY ?label")


def view_term_iri(iri: str, name: str) -> dict[str, str]:
    return {"text": name or shorten(iri), "href": local_path(iri) or iri, "iri": iri}


async def search_page(request: Request) -> Response:
    state = state_of(request)
    text = request.query_params.get("q", "")
    hits = await state.run(search, text) if text.strip() else []
    if negotiate(request.headers.get("accept"), [HTML, "application/json"]) \
            == "application/json":
        return Response(json.dumps([{"iri": h.iri, "label": h.title, "types": h.types,
                                     "matched": [m.value for m in h.matched]} for h in hits],
                                   ensure_ascii=False), media_type="application/json")
    return render(request, "search.html", {
        "q": text, "hits": [(h, local_path(h.iri) or h.iri) for h in hits]})


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
    values = {p.name: params[p.name] for p in named.parameters
              if params.get(p.name, "").strip()}
    unknown = sorted(set(params) - {p.name for p in named.parameters} - {"run"})
    if unknown:
        raise ParameterError(f"query {name!r} has no parameter {unknown[0]!r}")
    wanted = negotiate(request.headers.get("accept"), [HTML, "application/json", "text/csv"])
    run = download is not None or "run" in params or wanted != HTML
    answer: Answer | None = None
    error: str | None = None
    if run:
        try:
            answer = await state.run(run_named, name, values, state.settings.max_rows)
        except KgError as failed:
            if download is not None or wanted != HTML:
                raise
            error = str(failed)
    if answer is not None and (download is not None or wanted != HTML):
        media = {"csv": "text/csv", "json": "application/sparql-results+json"}.get(
            download or "", "text/csv" if wanted == "text/csv"
            else "application/sparql-results+json")
        response = result_response(answer, media, state)
        if download is not None:
            response.headers["Content-Disposition"] = \
                f'attachment; filename="{name}.{download}"'
        return response
    query_string = request.url.query
    return render(request, "named_query.html", {
        "query": named, "values": values, "answer": answer, "error": error,
        "table": result_table(answer.result, answer.labels) if answer else None,
        "query_string": query_string,
    }, status=400 if error else 200)


async def sparql_page(request: Request) -> Response:
    state = state_of(request)
    if request.method == "POST":
        form = await request.form()
        text = str(form.get("query", ""))
    else:
        text = request.query_params.get("query", "")
    answer: Answer | None = None
    error: str | None = None
    if text.strip():
        try:
            refuse_remote(text, state.settings.allow_service)
            answer = await state.run(run_query, text, None, None, state.settings.max_rows,
                                     True)
        except (KgError, HttpError) as failed:
            error = str(failed)
    default = ("SELECT ?entity ?label WHERE {\n  ?entity skos:prefLabel ?label .\n"
               "  FILTER(LANG(?label) = \"en\")\n} ORDER BY ?label LIMIT 20")
    return render(request, "sparql.html", {
        "text": text or default, "answer": answer, "error": error,
        "table": result_table(answer.result, answer.labels) if answer else None,
        "prefixes": list(PREFIXES.items()),
        "editor": editor_settings(state.project.named_queries),
    }, status=400 if error else 200)


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
        report = await state.run(validate_upload, data, fmt,
                                 timeout=state.settings.validation_timeout)
        if negotiate(request.headers.get("accept"), [HTML, "application/json"]) \
                == "application/json":
            return Response(report.to_json(), media_type="application/json",
                            status_code=200)
    return render(request, "validate.html", {
        "report": report, "filename": filename, "formats": formats,
        "groups": report.by_entity() if report else {},
        "paths": {f.focus: local_path(f.focus) for f in (report.findings if report else [])},
    })


def _validate(project: Any, data: bytes, fmt: str) -> Any:
    from kg.server.tasks import validate_upload

    return validate_upload(project, data, fmt)


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
    view: EntityView | None = await state.run(describe, iri)
    if view is None:
        raise HttpError(404, f"the graph says nothing about <{iri}>")
    if media is None:
        media = negotiate(request.headers.get("accept"), ENTITY_MEDIA)
        if media is None:
            raise HttpError(406, "an entity is available as " + ", ".join(ENTITY_MEDIA))
    stem = _stem(request.url.path)
    headers = {"Vary": "Accept", "Link": ", ".join(
        f'<{stem}.{e}>; rel="alternate"; type="{m}"' for e, m in EXTENSIONS.items())}
    if media == "application/json":
        media = "application/ld+json"
    if media == "text/plain":
        media = "application/n-triples"
    if media in RDF_MEDIA:
        return Response(rdf_body(view.triples(), media, state), media_type=media,
                        headers=headers)
    names = view.names
    facts = [(view_term(f.predicate, names), view_term(f.value, names),
              view.source_numbers(f.graphs)) for f in view.facts]
    incoming = [(view_term(f.value, names), view_term(f.predicate, names),
                 view.source_numbers(f.graphs)) for f in view.incoming]
    response = render(request, "entity.html", {
        "view": view, "labels": labels_by_language(view.labels),
        "types": [view_term(t, names) for t in view.types],
        "facts": facts, "incoming": incoming, "diagram": diagram(view),
        "sources": [(s, local_path(s.graph), s.document and (local_path(s.document)
                                                              or s.document))
                    for s in view.sources],
        "stem": stem,
    })
    response.headers.update(headers)
    return response


def _stem(path: str) -> str:
    for ext in EXTENSIONS:
        if path.endswith("." + ext):
            return path[: -len(ext) - 1]
    return path
