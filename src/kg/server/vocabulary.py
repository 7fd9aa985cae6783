"""Vocabulary pages: every term of ``ontology/`` and every SKOS concept dereferences here.

A hash namespace (``https://kg.example.org/ontology#Organization``) is one document, fetched
without its fragment: ``/ontology`` answers with a section per term, each anchored by its
fragment (``/ontology#Organization``). A slash IRI (``/site-type/industrial-park``) is a page
of its own. Each term shows its labels, its comment or definition, what the ontology says of
it (super- and subclasses, domain and range, broader and narrower concepts, its scheme), and
how the data uses it: a class's instances (directly, and with its subclasses) with counts, a
property's number of statements, a concept's users. Programs get the ontology's own triples
about the term (or the document) by ``Accept``: Turtle, JSON-LD, N-Triples, RDF/XML.

These functions run in a query worker (see :mod:`kg.server.tasks`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.namespaces import DCT, ONTOLOGY_GRAPH, OWL, PREFIXES, RDF, RDFS, SKOS
from kg.server.render import Rendered, checked, clip, rdf_body
from kg.store.base import QueryRequest
from kg.terms import Literal, NamedNode, Term, Triple

if TYPE_CHECKING:
    from kg.api import Project
    from kg.server.tasks import Limits

SAMPLE = 20
"""Instances (or users) a term's section lists; the count says how many there are."""

CLASS_TYPES = {OWL + "Class", RDFS + "Class"}
PROPERTY_TYPES = {
    OWL + "ObjectProperty",
    OWL + "DatatypeProperty",
    OWL + "AnnotationProperty",
    RDF + "Property",
    OWL + "FunctionalProperty",
    OWL + "TransitiveProperty",
}
CONCEPT_TYPES = {SKOS + "Concept"}
KINDS = {
    OWL + "Class": "class",
    RDFS + "Class": "class",
    OWL + "ObjectProperty": "object property",
    OWL + "DatatypeProperty": "datatype property",
    OWL + "AnnotationProperty": "annotation property",
    RDF + "Property": "property",
    SKOS + "Concept": "concept",
    SKOS + "ConceptScheme": "concept scheme",
    OWL + "Ontology": "ontology",
}
LABELS = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel")
COMMENTS = (RDFS + "comment", SKOS + "definition", DCT + "description", SKOS + "scopeNote")
TITLES = (DCT + "title", RDFS + "label", SKOS + "prefLabel")

OUTGOING = {
    RDFS + "subClassOf": "subclass of",
    OWL + "equivalentClass": "equivalent to",
    RDFS + "subPropertyOf": "subproperty of",
    OWL + "inverseOf": "inverse of",
    RDFS + "domain": "domain",
    RDFS + "range": "range",
    SKOS + "broader": "broader",
    SKOS + "narrower": "narrower",
    SKOS + "inScheme": "in scheme",
    SKOS + "topConceptOf": "top concept of",
    SKOS + "hasTopConcept": "top concepts",
    SKOS + "related": "related",
    SKOS + "exactMatch": "exact match",
    SKOS + "closeMatch": "close match",
}
INCOMING = {
    RDFS + "subClassOf": "superclass of",
    RDFS + "subPropertyOf": "superproperty of",
    RDFS + "domain": "domain of",
    RDFS + "range": "range of",
    SKOS + "broader": "narrower",
    SKOS + "narrower": "broader",
    SKOS + "inScheme": "concepts",
    SKOS + "topConceptOf": "top concepts",
    OWL + "inverseOf": "inverse of",
}
ORDER = list(dict.fromkeys([*OUTGOING.values(), *INCOMING.values()]))


@dataclass
class TermSection:
    """One term as its section of a vocabulary page shows it."""

    iri: str
    anchor: str | None
    labels: list[Literal]
    comments: list[Literal]
    kinds: list[str]
    relations: list[tuple[str, list[NamedNode]]]
    other: list[tuple[NamedNode, Term]]
    instances: list[NamedNode] = field(default_factory=list)
    direct_count: int | None = None
    """Instances of exactly this class (a class), or entities pointing at it (a concept)."""
    all_count: int | None = None
    """Instances of this class or of any of its subclasses."""
    uses: int | None = None
    """Statements with this property."""


@dataclass
class VocabularyView:
    """A vocabulary document (or one term) for its page."""

    iri: str
    title: str
    comments: list[Literal]
    sections: list[TermSection]
    names: dict[str, str]
    about: TermSection | None = None
    """The document's own statements (an ``owl:Ontology``), if it has any."""


def _query(project: Project, sparql: str, **bindings: Term) -> list[tuple[Term | None, ...]]:
    request = QueryRequest(sparql, bindings=bindings, prefixes=PREFIXES)
    return list(project.store.query(request).rows)


def _members(iri: str) -> str:
    """A SPARQL condition for ``?x`` being the term or, for a document, one of its terms."""
    return f'(?x = <{iri}> || STRSTARTS(STR(?x), "{iri}#"))'


Statement = tuple[NamedNode, NamedNode, Term]
"""A triple of the ontology graph: subject, predicate, object."""
Pointer = tuple[NamedNode, NamedNode, NamedNode]
"""A triple of the ontology graph that points at a term."""


def _statements(project: Project, iri: str) -> tuple[list[Statement], list[Pointer]]:
    """The ontology's triples about the term (or the document's terms), and those pointing at
    them."""
    graph = NamedNode(ONTOLOGY_GRAPH)
    about = _query(
        project,
        f"SELECT ?x ?p ?o WHERE {{ GRAPH ?graph {{ ?x ?p ?o }} FILTER {_members(iri)} }}",
        graph=graph,
    )
    pointing = _query(
        project,
        f"SELECT ?s ?p ?x WHERE {{ GRAPH ?graph {{ ?s ?p ?x }} FILTER(isIRI(?x) && {_members(iri)}) }}",
        graph=graph,
    )
    out = [
        (s, p, o)
        for s, p, o in about
        if isinstance(s, NamedNode) and isinstance(p, NamedNode) and o is not None
    ]
    inc = [
        (s, p, o)
        for s, p, o in pointing
        if isinstance(s, NamedNode) and isinstance(p, NamedNode) and isinstance(o, NamedNode)
    ]
    return out, inc


def _counts(project: Project, sparql: str, terms: Iterable[str]) -> dict[str, int]:
    chosen = sorted(terms)
    if not chosen:
        return {}
    values = " ".join(f"<{t}>" for t in chosen)
    rows = _query(project, sparql.replace("VALUES_TERMS", f"VALUES ?t {{ {values} }}"))
    return {row[0].value: int(row[1].value) for row in rows if row[0] is not None and row[1] is not None}


def _sample(project: Project, sparql: str, term: str) -> list[NamedNode]:
    rows = _query(project, sparql + f" LIMIT {SAMPLE}", t=NamedNode(term))
    return [row[0] for row in rows if isinstance(row[0], NamedNode)]


def _section(iri: str, document: str, out: Sequence[Statement], inc: Sequence[Pointer]) -> TermSection:
    mine = [(p.value, o) for s, p, o in out if s.value == iri]
    pointing = [(s.value, p.value) for s, p, o in inc if o.value == iri]
    labels = [o for p, o in mine if p in LABELS and isinstance(o, Literal)]
    comments = [o for p, o in mine if p in COMMENTS and isinstance(o, Literal)]
    kinds = sorted({KINDS.get(o.value, "") for p, o in mine if p == RDF + "type"} - {""})
    related: dict[str, set[str]] = defaultdict(set)
    shown = {RDF + "type", *LABELS, *COMMENTS, *OUTGOING, RDFS + "isDefinedBy"}
    for p, o in mine:
        if p in OUTGOING and isinstance(o, NamedNode):
            related[OUTGOING[p]].add(o.value)
    for s, p in pointing:
        if p in INCOMING:
            related[INCOMING[p]].add(s)
    relations = [(name, [NamedNode(i) for i in sorted(related[name])]) for name in ORDER if related.get(name)]
    other = sorted(
        ((NamedNode(p), o) for p, o in mine if p not in shown), key=lambda pair: (pair[0].value, str(pair[1]))
    )
    anchor = iri[len(document) + 1 :] if iri.startswith(document + "#") else None
    return TermSection(iri, anchor, _english_first(labels), _english_first(comments), kinds, relations, other)


def _english_first(literals: Iterable[Literal]) -> list[Literal]:
    order = {"en": 0, "": 1}
    return sorted(literals, key=lambda lit: (order.get(lit.language or "", 2), lit.language or "", lit.value))


def _types(out: Sequence[Statement], iri: str) -> set[str]:
    return {o.value for s, p, o in out if s.value == iri and p.value == RDF + "type"}


def vocabulary(
    project: Project, iri: str, media: str | None, limits: Limits
) -> VocabularyView | Rendered | None:
    """The term ``iri`` (or, for a hash namespace, the document of its terms): RDF in
    ``media``, or the page's view (``media`` is ``None``); ``None`` if the ontology does not
    describe it."""
    out, inc = _statements(project, iri)
    if not out:
        return None
    if media is not None:
        body, canonical = rdf_body(project, [Triple(s, p, o) for s, p, o in out], media)
        return Rendered("graph", media, checked(body, limits.max_bytes), False, canonical)
    terms = sorted({s.value for s, _, _ in out if s.value != iri}) or [iri]
    sections = [_section(term, iri, out, inc) for term in terms]
    about = _section(iri, iri, out, inc) if iri not in terms else None
    classes = [s.iri for s in sections if _types(out, s.iri) & CLASS_TYPES]
    properties = [s.iri for s in sections if _types(out, s.iri) & PROPERTY_TYPES]
    concepts = [s.iri for s in sections if _types(out, s.iri) & CONCEPT_TYPES]
    direct = _counts(
        project, "SELECT ?t (COUNT(DISTINCT ?x) AS ?n) WHERE { VALUES_TERMS ?x a ?t } GROUP BY ?t", classes
    )
    every = _counts(
        project,
        "SELECT ?t (COUNT(DISTINCT ?x) AS ?n) WHERE { VALUES_TERMS ?x a/rdfs:subClassOf* ?t } GROUP BY ?t",
        classes,
    )
    uses = _counts(
        project, "SELECT ?t (COUNT(*) AS ?n) WHERE { VALUES_TERMS ?s ?t ?o } GROUP BY ?t", properties
    )
    users = _counts(
        project,
        "SELECT ?t (COUNT(DISTINCT ?x) AS ?n) WHERE { VALUES_TERMS "
        f"GRAPH ?g {{ ?x ?p ?t }} FILTER(?g != <{ONTOLOGY_GRAPH}>) }} GROUP BY ?t",
        concepts,
    )
    for section in sections:
        if section.iri in classes:
            section.direct_count = direct.get(section.iri, 0)
            section.all_count = every.get(section.iri, 0)
            if section.all_count:
                section.instances = _sample(
                    project, "SELECT DISTINCT ?x WHERE { ?x a/rdfs:subClassOf* ?t } ORDER BY ?x", section.iri
                )
        if section.iri in properties:
            section.uses = uses.get(section.iri, 0)
        if section.iri in concepts:
            section.direct_count = users.get(section.iri, 0)
            if section.direct_count:
                section.instances = _sample(
                    project,
                    "SELECT DISTINCT ?x WHERE { GRAPH ?g { ?x ?p ?t } "
                    f"FILTER(?g != <{ONTOLOGY_GRAPH}>) }} ORDER BY ?x",
                    section.iri,
                )
    holder = about or sections[0]
    mentioned = {
        iri,
        *terms,
        *(o.value for _, _, o in out if isinstance(o, NamedNode)),
        *(p.value for _, p, _ in out),
        *(s.value for s, _, _ in inc),
        *(i.value for section in sections for i in section.instances),
    }
    names = project.labels(mentioned)
    titles = _english_first(
        o for s, p, o in out if s.value == iri and p.value in TITLES and isinstance(o, Literal)
    )
    title = titles[0].value if titles else names.get(iri) or iri.rsplit("/", 1)[-1]
    for section in sections:
        section.labels = [clip(lit) for lit in section.labels]  # type: ignore[misc]
        section.comments = [clip(lit) for lit in section.comments]  # type: ignore[misc]
    sections.sort(key=lambda s: (_rank(s.kinds), names.get(s.iri, s.iri).lower()))
    return VocabularyView(iri, title, holder.comments if about else [], sections, names, about)


def _rank(kinds: Sequence[str]) -> int:
    for index, kind in enumerate(("concept scheme", "class", "concept")):
        if kind in kinds:
            return index
    return 3 if any("property" in k for k in kinds) else 4


__all__ = ["TermSection", "VocabularyView", "vocabulary"]
