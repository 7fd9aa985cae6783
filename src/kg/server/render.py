"""Answers as bytes, made inside the query worker: serialization, size limits, display clipping.

Nothing here runs on the event loop: a result is read with its row and byte limits, written
in the negotiated format and checked against ``--max-result-bytes`` in the worker, under
``--timeout``, and only the finished bytes travel back to the server. Values shown on pages
are clipped, so that a page stays small whatever the data holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.canonical import response_turtle
from kg.errors import KgError, ResultTooLargeError
from kg.formats import RESULT_FORMATS
from kg.jsonld import Context, compact, dumps, load_context
from kg.namespaces import PREFIXES
from kg.rdfio import N_TRIPLES, RDF_XML, serialize
from kg.results import QueryResult
from kg.terms import DefaultGraph, Literal, Quad, Term, Triple

if TYPE_CHECKING:
    from kg.api import Project

RESULT_MEDIA = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "application/json",
]
RDF_MEDIA = [
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "text/plain",
]
DISPLAY_CHARS = 1000
"""Characters of one value a page shows; the rest is cut (downloads have it all)."""
"""Rows read at a time: a byte cap is checked after each chunk, so rows of a mebibyte each
stop the read within a few dozen mebibytes of the cap."""


@dataclass(frozen=True)
class Rendered:
    """An answer ready to send: its media type and bytes (``None``: no acceptable format for a
    result of this ``kind``)."""

    kind: str
    media: str | None
    body: bytes | None
    truncated: bool = False
    canonical: bool = True


def too_large(limit: int) -> ResultTooLargeError:
    return ResultTooLargeError(
        f"the result is larger than the server sends ({limit} bytes, --max-result-bytes); "
        "ask for less (LIMIT, fewer or shorter values)"
    )


def checked(body: bytes, max_bytes: int) -> bytes:
    if len(body) > max_bytes:
        raise too_large(max_bytes)
    return body


def _context(project: Project) -> Context:
    try:
        return load_context(project.files.context_path)
    except (KgError, OSError):
        return Context({"@context": dict(PREFIXES)})


def rdf_body(project: Project, triples: Iterable[Triple | Quad], media: str) -> tuple[bytes, bool]:
    """Triples in ``media``, and whether blank node labels are canonical (Turtle only)."""
    items = list(triples)
    if media == "text/turtle":
        text, canonical = response_turtle(items, PREFIXES)
        return text.encode(), canonical
    if media == "application/ld+json":
        quads = [
            Quad(t.subject, t.predicate, t.object, DefaultGraph()) if isinstance(t, Triple) else t
            for t in items
        ]
        return dumps(compact(quads, _context(project))).encode(), True
    chosen = RDF_XML if media == "application/rdf+xml" else N_TRIPLES
    return serialize(items, chosen, prefixes=dict(PREFIXES)) or b"", True


def render_result(
    project: Project,
    result: QueryResult,
    truncated: bool,
    graph_media: str | None,
    table_media: str | None,
    max_bytes: int,
) -> Rendered:
    """``result`` in the media type chosen for its kind."""
    if result.kind == "graph":
        if graph_media is None:
            return Rendered("graph", None, None)
        media = "application/n-triples" if graph_media == "text/plain" else graph_media
        body, canonical = rdf_body(project, result.triples, media)
        charset = "" if media.endswith("json") else "; charset=utf-8"
        return Rendered("graph", media + charset, checked(body, max_bytes), truncated, canonical)
    if table_media is None:
        return Rendered(result.kind, None, None)
    media = "application/sparql-results+json" if table_media == "application/json" else table_media
    fmt = {v: k for k, v in RESULT_FORMATS.items()}[media]
    charset = "; charset=utf-8" if media.startswith("text/") else ""
    return Rendered(result.kind, media + charset, checked(result.serialize(fmt), max_bytes), truncated)


def clip(term: Term | None) -> Term | None:
    """A literal cut to :data:`DISPLAY_CHARS` for a page (other terms as they are)."""
    if isinstance(term, Literal) and len(term.value) > DISPLAY_CHARS:
        text = term.value[:DISPLAY_CHARS] + "…"
        if term.language:
            return Literal(text, language=term.language)
        return Literal(text, datatype=term.datatype)
    return term
