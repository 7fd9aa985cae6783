"""How terms, results and neighbourhoods are shown on pages: labels, links, the diagram."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kg.namespaces import BASE, KGG, KGR, RDF, XSD, shorten
from kg.results import QueryResult
from kg.server.tasks import LABEL_PREDICATES, EntityView
from kg.terms import BlankNode, Literal, NamedNode, Term

LOCAL_PREFIXES = (KGR, KGG)
LINK_SCHEMES = ("http", "https", "mailto")
"""The only schemes a value from the graph may link with: ``javascript:``, ``data:`` and the
rest are shown as text."""


def local_path(iri: str) -> str | None:
    """The server path an IRI the graph mints dereferences at (``/id/...``), else ``None``."""
    if iri.startswith(LOCAL_PREFIXES) and len(iri) > len(BASE):
        return "/" + iri[len(BASE) :]
    return None


def link_for(iri: str | None) -> str | None:
    """Where a link to ``iri`` points: its page here, the IRI itself if it is ``http(s)`` or
    ``mailto``, else nowhere (``None``)."""
    if not iri:
        return None
    path = local_path(iri)
    if path is not None:
        return path
    scheme, colon, _ = iri.partition(":")
    return iri if colon and scheme.lower() in LINK_SCHEMES else None


@dataclass(frozen=True)
class TermView:
    """A term ready for a template: its text, where it links, its language or datatype."""

    text: str
    href: str | None = None
    internal: bool = False
    language: str | None = None
    datatype: str | None = None
    title: str | None = None
    kind: str = "literal"


def view_term(term: Term | None, names: Mapping[str, str]) -> TermView | None:
    if term is None:
        return None
    if isinstance(term, NamedNode):
        path = local_path(term.value)
        return TermView(
            text=names.get(term.value) or shorten(term.value),
            href=link_for(term.value),
            internal=path is not None,
            title=term.value,
            kind="iri",
        )
    if isinstance(term, BlankNode):
        return TermView(text=f"_:{term.value}", kind="bnode")
    datatype = term.datatype.value
    shown = None if term.language or datatype in (XSD + "string", RDF + "langString") else shorten(datatype)
    return TermView(text=term.value, language=term.language or None, datatype=shown)


@dataclass
class Table:
    """Rows of a result, for a page."""

    columns: list[str]
    rows: list[list[TermView | None]]
    boolean: bool | None = None


def result_table(result: QueryResult, names: Mapping[str, str]) -> Table:
    if result.kind == "ask":
        return Table(columns=[], rows=[], boolean=bool(result.boolean))
    if result.kind == "graph":
        return Table(
            columns=["subject", "predicate", "object"],
            rows=[
                [
                    view_term(t.subject, names),  # type: ignore[arg-type]
                    view_term(t.predicate, names),
                    view_term(t.object, names),  # type: ignore[arg-type]
                ]
                for t in result.triples
            ],
        )
    return Table(
        columns=list(result.variables), rows=[[view_term(t, names) for t in row] for row in result.rows]
    )


# -- the neighbourhood diagram ------------------------------------------------------------------
@dataclass(frozen=True)
class DiagramNode:
    x: float
    y: float
    width: float
    label: str
    href: str | None
    title: str
    centre: bool = False


@dataclass(frozen=True)
class DiagramEdge:
    points: str
    label: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Diagram:
    width: int
    height: int
    nodes: list[DiagramNode]
    edges: list[DiagramEdge]
    min_x: int = 0
    min_y: int = 0


def _clip(text: str, size: int = 24) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _box_width(label: str) -> float:
    return max(70.0, 7.0 * len(label) + 20)


def diagram(view: EntityView, limit: int = 10) -> Diagram | None:
    """The entity in the centre, what it points to and what points to it around it."""
    names = view.names
    links: list[tuple[str, str, bool]] = []  # (neighbour IRI, predicate IRI, outgoing)
    skipped = {RDF + "type", *LABEL_PREDICATES}
    for fact in view.facts:
        if (
            isinstance(fact.value, NamedNode)
            and fact.predicate.value not in skipped
            and fact.value.value != view.iri
        ):
            links.append((fact.value.value, fact.predicate.value, True))
    for fact in view.incoming:
        if isinstance(fact.value, NamedNode) and fact.value.value != view.iri:
            links.append((fact.value.value, fact.predicate.value, False))
    if not links:
        return None
    links = links[:limit]
    width, height = 860, 400
    cx, cy = width / 2, height / 2
    centre_label = _clip(view.title, 30)
    nodes = [DiagramNode(cx, cy, _box_width(centre_label), centre_label, None, view.iri, True)]
    edges = []
    count = len(links)
    for index, (iri, predicate, outgoing) in enumerate(links):
        angle = -math.pi / 2 + math.pi / count + 2 * math.pi * index / count
        x = cx + 300 * math.cos(angle)
        y = cy + 150 * math.sin(angle)
        label = _clip(names.get(iri) or shorten(iri), 26)
        nodes.append(DiagramNode(x, y, _box_width(label), label, link_for(iri), iri))
        start, end = ((cx, cy), (x, y)) if outgoing else ((x, y), (cx, cy))
        middle = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
        edges.append(
            DiagramEdge(
                points=f"{start[0]:.1f},{start[1]:.1f} {middle[0]:.1f},{middle[1]:.1f} "
                f"{end[0]:.1f},{end[1]:.1f}",
                label=_clip(names.get(predicate) or shorten(predicate), 22),
                label_x=middle[0],
                label_y=middle[1] - 6,
            )
        )
    margin = 16
    left = min(n.x - n.width / 2 for n in nodes) - margin
    right = max(n.x + n.width / 2 for n in nodes) + margin
    top = min(n.y for n in nodes) - 14 - margin
    bottom = max(n.y for n in nodes) + 14 + margin
    return Diagram(
        math.ceil(right - left), math.ceil(bottom - top), nodes, edges, math.floor(left), math.floor(top)
    )


def labels_by_language(labels: Sequence[tuple[str, Literal]]) -> list[tuple[str, str, str]]:
    """(text, language, kind) for each label, English first, preferred names before others."""
    kinds = {"prefLabel": "preferred name", "name": "name", "label": "label", "altLabel": "also known as"}
    out = []
    for predicate, label in labels:
        local = predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        out.append((label.value, label.language or "", kinds.get(local, local)))
    return out
