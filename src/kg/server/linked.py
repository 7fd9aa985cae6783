"""Linked data: every IRI the project mints dereferences on this server.

``/id/<name>`` (entities) and ``/graph/<name>`` (named graphs) answer with the entity page;
any other path under the base, ``/ontology`` or ``/site-type/<name>``, with the vocabulary page
of the terms of ``ontology/`` it names (:mod:`kg.server.vocabulary`). Each answers a browser
with HTML and a program with Turtle, JSON-LD, N-Triples or RDF/XML, chosen by ``Accept`` or
by an extension: ``.ttl``, ``.jsonld`` (or ``.json``), ``.nt``, ``.rdf``, ``.html``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from kg.namespaces import BASE, KGG, KGR
from kg.server import tasks
from kg.server.diagram import diagram
from kg.server.http import HTML, HttpError, negotiate
from kg.server.pages import render
from kg.server.render import RDF_MEDIA, Rendered
from kg.server.sparql import rendered_response
from kg.server.state import state_of
from kg.server.tasks import EntityView
from kg.server.views import labels_by_language, link_for, local_path, view_term
from kg.server.vocabulary import VocabularyView, vocabulary
from kg.terms import NamedNode

OFFERED = [
    "text/turtle",
    HTML,
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
    "application/json",
    "text/plain",
]
"""What a resource is offered as (the first for ``*/*``); the last two stand for JSON-LD and
N-Triples."""
EXTENSIONS = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "json": "application/ld+json",
    "html": HTML,
}
ALTERNATES = ("ttl", "jsonld", "nt", "rdf")


def _split(name: str) -> tuple[str, str | None]:
    """The resource's name and the media type its extension asks for (``None``: none)."""
    stem, dot, ext = name.rpartition(".")
    if dot and stem and ext in EXTENSIONS:
        return stem, EXTENSIONS[ext]
    return name, None


def _media(request: Request, chosen: str | None) -> str:
    media = chosen or negotiate(request.headers.get("accept"), OFFERED)
    if media is None:
        raise HttpError(406, "this resource is available as " + ", ".join(OFFERED[:5]))
    return {"application/json": "application/ld+json", "text/plain": "application/n-triples"}.get(
        media, media
    )


def _iri(prefix: str, name: str, path: str) -> str:
    if not name or ".." in name.split("/"):
        raise HttpError(404, f"nothing at {path}")
    iri = prefix + name
    try:
        NamedNode(iri)
    except ValueError:
        raise HttpError(404, f"nothing at {path}: not an IRI") from None
    return iri


def _alternates(stem: str) -> dict[str, str]:
    return {"Link": ", ".join(f'<{stem}.{e}>; rel="alternate"; type="{EXTENSIONS[e]}"' for e in ALTERNATES)}


async def entity_page(request: Request) -> Response:
    state = state_of(request)
    prefix = KGG if request.url.path.startswith("/graph/") else KGR
    full: str = request.path_params["name"]
    name, chosen = _split(full)
    media = _media(request, chosen)
    iri = _iri(prefix, name, request.url.path)
    stem = "/" + iri[len(BASE) :]
    wanted = media if media in RDF_MEDIA else None
    found: EntityView | Rendered | None = await state.run(request, tasks.entity, iri, wanted, state.limits)
    if found is None and chosen is not None:  # a name with a dot of its own: kgr:x.json
        iri, stem = _iri(prefix, full, request.url.path), request.url.path
        media = _media(request, None)
        wanted = media if media in RDF_MEDIA else None
        found = await state.run(request, tasks.entity, iri, wanted, state.limits)
    if found is None:
        raise HttpError(404, f"the graph says nothing about <{iri}>")
    headers = _alternates(stem)
    if isinstance(found, Rendered):
        return rendered_response(found, state, headers)
    view = found
    names = view.names
    facts = [
        (
            view_term(f.predicate, names, vocabulary=True),
            view_term(f.value, names),
            view.source_numbers(f.graphs),
        )
        for f in view.facts
    ]
    incoming = [
        (
            view_term(f.value, names),
            view_term(f.predicate, names, vocabulary=True),
            view.source_numbers(f.graphs),
        )
        for f in view.incoming
    ]
    response = render(
        request,
        "entity.html",
        {
            "view": view,
            "labels": labels_by_language(view.labels),
            "types": [view_term(t, names, vocabulary=True) for t in view.types],
            "facts": facts,
            "incoming": incoming,
            "diagram": diagram(view),
            "sources": [
                (s, local_path(s.graph), [(d, t, link_for(d)) for d, t in s.documents]) for s in view.sources
            ],
            "stem": stem,
        },
    )
    response.headers.update({"Vary": "Accept", **headers})
    return response


async def vocabulary_page(request: Request) -> Response:
    """A term of ``ontology/`` (or a document of them), by any path under the base."""
    state = state_of(request)
    name, chosen = _split(request.path_params["path"])
    media = _media(request, chosen)
    iri = _iri(BASE, name, request.url.path)
    wanted = media if media in RDF_MEDIA else None
    found: VocabularyView | Rendered | None = await state.run(request, vocabulary, iri, wanted, state.limits)
    if found is None:
        raise HttpError(404, f"nothing at {request.url.path}")
    stem = "/" + name
    headers = _alternates(stem)
    if isinstance(found, Rendered):
        return rendered_response(found, state, headers)
    view = found
    names = view.names

    def terms(items: list[NamedNode], vocabulary: bool = False) -> list[object]:
        return [view_term(i, names, vocabulary=vocabulary) for i in items]

    sections = [
        {
            "section": s,
            "types": s.kinds,
            "relations": [(label, terms(items, vocabulary=True)) for label, items in s.relations],
            "other": [(view_term(p, names, vocabulary=True), view_term(o, names)) for p, o in s.other],
            "instances": terms(s.instances),
            "curie": view_term(NamedNode(s.iri), {}).title,  # type: ignore[union-attr]
        }
        for s in view.sections
    ]
    about = None
    if view.about is not None:
        about = [(view_term(p, names, vocabulary=True), view_term(o, names)) for p, o in view.about.other]
    response = render(
        request, "vocabulary.html", {"view": view, "sections": sections, "about": about, "stem": stem}
    )
    response.headers.update({"Vary": "Accept", **headers})
    return response
