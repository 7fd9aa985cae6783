"""How terms and results are shown on pages: labels, links, language and datatype."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kg.namespaces import BASE, RDF, SKOS, XSD, shorten
from kg.results import QueryResult
from kg.terms import BlankNode, Literal, NamedNode, Term

LINK_SCHEMES = ("http", "https", "mailto")
"""The only schemes a value from the graph may link with: ``javascript:``, ``data:`` and the
rest are shown as text."""
_OFFICIAL_LABELS = {
    SKOS + "prefLabel": "preferred label",
    SKOS + "altLabel": "alternative label",
    SKOS + "hiddenLabel": "hidden label",
    RDF + "type": "type",
}
"""Labels the standard vocabularies give their terms where the local name is not the label."""


def local_path(iri: str) -> str | None:
    """The server path an IRI under the project's base dereferences at (``/id/x``,
    ``/ontology#Class``, ``/site-type/x``), else ``None``."""
    if iri.startswith(BASE) and len(iri) > len(BASE) and iri[len(BASE)] not in "#/":
        return "/" + iri[len(BASE) :]
    return None


def term_name(iri: str, names: Mapping[str, str]) -> str:
    """What a vocabulary term (a predicate, a class) is called on a page: its label in the
    graph, else its standard label, else its local name in words (``wasDerivedFrom``: "was
    derived from")."""
    if iri in names:
        return names[iri]
    if iri in _OFFICIAL_LABELS:
        return _OFFICIAL_LABELS[iri]
    local = iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|[-_]+", " ", local).split()
    return " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words) or iri


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


def view_term(term: Term | None, names: Mapping[str, str], *, vocabulary: bool = False) -> TermView | None:
    """A term for a page: an IRI by its label (a vocabulary term, ``vocabulary=True``, always
    in words: :func:`term_name`), with its CURIE on hover; a literal with its language or
    datatype."""
    if term is None:
        return None
    if isinstance(term, NamedNode):
        path = local_path(term.value)
        return TermView(
            text=term_name(term.value, names) if vocabulary else names.get(term.value) or shorten(term.value),
            href=link_for(term.value),
            internal=path is not None,
            title=shorten(term.value),
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


def labels_by_language(labels: Sequence[tuple[str, Literal]]) -> list[tuple[str, str, str]]:
    """(text, language, kind) for each label, English first, preferred names before others."""
    kinds = {"prefLabel": "preferred name", "name": "name", "label": "label", "altLabel": "also known as"}
    out = []
    for predicate, label in labels:
        local = predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        out.append((label.value, label.language or "", kinds.get(local, local)))
    return out
