"""What the server asks of the store: each function runs in a query worker.

Every function takes the :class:`~kg.api.Project` first and returns plain, picklable values:
the finished bytes of an answer (:class:`~kg.server.render.Rendered`), or small views for
pages whose values are already clipped for display. Serialization, canonical labelling and the
SERVICE/LOAD check all happen here, inside the worker, under ``--timeout``.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from kg.errors import ResultTooLargeError
from kg.namespaces import FOAF, KGO, KGR, PREFIXES, PROV, RDF, RDFS, SKOS, sparql_prologue
from kg.results import QueryResult
from kg.server.federation import Kind, refuse_remote
from kg.server.render import RDF_MEDIA, Rendered, checked, clip, rdf_body, render_result, too_large
from kg.store.base import Dataset, QueryRequest
from kg.terms import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Term, Triple

if TYPE_CHECKING:
    from kg.api import Project, Stats
    from kg.server.changes import GraphTarget
    from kg.server.views import Table
    from kg.validate.report import ValidationReport

LABEL_PREDICATES = (SKOS + "prefLabel", SKOS + "altLabel", FOAF + "name", RDFS + "label")
MAX_LINKS = 500


@dataclass(frozen=True)
class Limits:
    """What one answer may take: rows, bytes, and whether it may fetch other URLs."""

    max_rows: int
    max_bytes: int
    allow_service: bool = False
    page_rows: int = 100
    """Rows a page of results shows unless the request asks for another number (``limit``)."""


@dataclass(frozen=True)
class QueryJob:
    """A protocol query and the formats the client accepts for each kind of result."""

    sparql: str
    dataset: Dataset | None
    base: str | None
    graph_media: str | None
    table_media: str | None


@dataclass
class Answer:
    """A query's result, cut to the row limit, with the labels of the IRIs it mentions."""

    result: QueryResult
    truncated: bool = False
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PageAnswer:
    """One page of a result: a table of clipped values, where the page starts, and the count
    of all rows (``None`` when the result went past the server's row limit)."""

    table: Table
    truncated: bool
    offset: int = 0
    size: int = 100
    total: int | None = None
    kind: str = "select"


def check_operation(project: Project, text: str, kind: Kind, allow_service: bool) -> None:
    """Refuse SERVICE and LOAD (see :mod:`kg.server.federation`)."""
    refuse_remote(text, kind, allow_service)


def run_query(
    project: Project,
    sparql: str,
    bindings: Mapping[str, Term] | None,
    dataset: Dataset | None,
    limits: Limits,
    base: str | None = None,
) -> Answer:
    """Run SPARQL (read-only), reading at most ``limits.max_rows`` rows or triples and
    ``limits.max_bytes`` bytes of values.

    ``base`` resolves relative IRIs (the protocol lets the service choose: its own URL).
    """
    request = QueryRequest(
        sparql,
        bindings=dict(bindings or {}),
        prefixes=PREFIXES,
        base=base,
        dataset=dataset,
        limit=limits.max_rows,
        max_bytes=limits.max_bytes,
    )
    try:
        result = project.store.query(request)
    except ResultTooLargeError:
        raise too_large(limits.max_bytes) from None
    return Answer(result, result.truncated)


def answer_query(project: Project, job: QueryJob, limits: Limits) -> Rendered:
    """A protocol query, checked, run and written in the client's format."""
    refuse_remote(job.sparql, "query", limits.allow_service)
    answer = run_query(project, job.sparql, None, job.dataset, limits, job.base)
    return render_result(
        project, answer.result, answer.truncated, job.graph_media, job.table_media, limits.max_bytes
    )


def _page(project: Project, answer: Answer, limits: Limits, offset: int, size: int) -> PageAnswer:
    """Rows ``offset`` to ``offset + size`` of the answer, clipped for display. The whole
    result (up to the row limit) has been read, so its count comes free."""
    from kg.server.views import result_table

    result = answer.result
    total = None if answer.truncated else len(result)
    end = offset + size
    result.rows = [tuple(clip(t) for t in row) for row in result.rows[offset:end]]
    result.triples = [
        Triple(t.subject, t.predicate, clip(t.object))  # type: ignore[arg-type]
        for t in result.triples[offset:end]
    ]
    table = result_table(result, project.labels(_iris_in(result)))
    return PageAnswer(table, answer.truncated, offset, size, total, result.kind)


def page_query(
    project: Project, sparql: str, limits: Limits, offset: int = 0, size: int | None = None
) -> PageAnswer:
    """A page of a query typed on the SPARQL page, as a table of clipped values."""
    refuse_remote(sparql, "query", limits.allow_service)
    answer = run_query(project, sparql, None, None, limits)
    return _page(project, answer, limits, offset, size or limits.page_rows)


def _iris_in(result: QueryResult) -> set[str]:
    terms: Iterable[Term | None]
    if result.kind == "graph":
        terms = [x for t in result.triples for x in (t.subject, t.object) if not isinstance(x, Triple)]
    else:
        terms = itertools.chain.from_iterable(result.rows)
    return {t.value for t in terms if isinstance(t, NamedNode)}


def run_named(project: Project, name: str, params: Mapping[str, str], limits: Limits) -> Answer:
    """A named query with its parameters (typed, bound, never pasted into the text)."""
    named = project.named_query(name)
    return run_query(project, named.text, named.bindings(params), None, limits)


def page_named(
    project: Project,
    name: str,
    params: Mapping[str, str],
    limits: Limits,
    offset: int = 0,
    size: int | None = None,
) -> PageAnswer:
    answer = run_named(project, name, params, limits)
    return _page(project, answer, limits, offset, size or limits.page_rows)


def answer_named(
    project: Project,
    name: str,
    params: Mapping[str, str],
    table_media: str | None,
    graph_media: str | None,
    limits: Limits,
) -> Rendered:
    """A named query's whole result (within the server's limits): SELECT and ASK in
    ``table_media``, CONSTRUCT and DESCRIBE in ``graph_media`` (``None``: not offered)."""
    answer = run_named(project, name, params, limits)
    return render_result(project, answer.result, answer.truncated, graph_media, table_media, limits.max_bytes)


def answer_download(project: Project, sparql: str, media: str, limits: Limits) -> Rendered:
    """A query from the SPARQL page, whole (within the server's limits), as a download."""
    job = QueryJob(
        sparql, None, None, media if media in RDF_MEDIA else None, None if media in RDF_MEDIA else media
    )
    return answer_query(project, job, limits)


# -- entity pages ---------------------------------------------------------------------------
@dataclass
class Source:
    """A named graph behind facts: the sentence it stands for and the documents it is from
    (``documents``: each with its title, if it has one; a reference record may cite several)."""

    graph: str
    number: int
    sentence: str | None
    documents: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def document(self) -> str | None:
        return self.documents[0][0] if self.documents else None

    @property
    def document_title(self) -> str | None:
        return self.documents[0][1] if self.documents else None


@dataclass
class Fact:
    """One statement about (or pointing at) the entity, and the graphs that assert it."""

    predicate: NamedNode
    value: Term
    graphs: list[str]


@dataclass
class EntityView:
    """Everything an entity page shows."""

    iri: str
    labels: list[tuple[str, Literal]]
    types: list[NamedNode]
    facts: list[Fact]
    incoming: list[Fact]
    sources: list[Source]
    names: dict[str, str]
    truncated: bool = False

    @property
    def title(self) -> str:
        return self.names.get(self.iri) or self.iri.rsplit("/", 1)[-1]

    def triples(self) -> list[Triple]:
        """The entity's own statements, for Turtle, JSON-LD and N-Triples."""
        subject = NamedNode(self.iri)
        return [Triple(subject, f.predicate, f.value) for f in self.facts]

    def source_numbers(self, graphs: Sequence[str]) -> list[int]:
        by_graph = {s.graph: s.number for s in self.sources}
        return sorted(by_graph[g] for g in graphs if g in by_graph)


def _label_sort_key(item: tuple[str, Literal]) -> tuple[int, int, str]:
    predicate, label = item
    languages = {"en": 0, "ru": 1, "be": 2}
    kinds = {SKOS + "prefLabel": 0, FOAF + "name": 0, RDFS + "label": 1, SKOS + "altLabel": 2}
    return (languages.get(label.language or "", 3), kinds.get(predicate, 3), label.value)


def describe(project: Project, iri: str) -> EntityView | None:
    """What the graph says about ``iri`` and who says it; ``None`` if it says nothing."""
    node = NamedNode(iri)
    store = project.store
    outgoing = store.query(f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {node} ?p ?o }} }} LIMIT {MAX_LINKS * 4}")
    incoming = store.query(f"SELECT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p {node} }} }} LIMIT {MAX_LINKS}")
    if not outgoing.rows and not incoming.rows:
        return None
    facts = _group((p, o, g) for p, o, g in outgoing.rows)
    backlinks = _group((p, s, g) for s, p, g in incoming.rows)
    labels = sorted(
        (
            (f.predicate.value, f.value)
            for f in facts
            if f.predicate.value in LABEL_PREDICATES and isinstance(f.value, Literal)
        ),
        key=_label_sort_key,
    )
    types = sorted(
        {f.value for f in facts if f.predicate.value == RDF + "type" and isinstance(f.value, NamedNode)},
        key=lambda t: t.value,
    )
    graphs = sorted({g for f in [*facts, *backlinks] for g in f.graphs})
    mentioned = {
        iri,
        *(f.predicate.value for f in [*facts, *backlinks]),
        *(f.value.value for f in [*facts, *backlinks] if isinstance(f.value, NamedNode)),
    }
    return EntityView(
        iri=iri,
        labels=labels,
        types=types,
        facts=facts,
        incoming=backlinks,
        sources=_sources(project, graphs),
        names=project.labels(mentioned),
        truncated=len(outgoing.rows) >= MAX_LINKS * 4 or len(incoming.rows) >= MAX_LINKS,
    )


def entity(project: Project, iri: str, media: str | None, limits: Limits) -> EntityView | Rendered | None:
    """An entity as RDF bytes (``media``) or, for its page (``media`` is ``None``), as a view
    with clipped values; ``None`` if the graph says nothing about it."""
    view = describe(project, iri)
    if view is None:
        return None
    if media is not None:
        body, canonical = rdf_body(project, view.triples(), media)
        return Rendered("graph", media, checked(body, limits.max_bytes), view.truncated, canonical)
    view.facts = [replace(f, value=clip(f.value)) for f in view.facts]  # type: ignore[arg-type]
    view.labels = [(p, clip(label)) for p, label in view.labels]  # type: ignore[misc]
    return view


def graph_document(
    project: Project, graph: GraphTarget, media: str | None, limits: Limits
) -> Rendered | None:
    """One graph for the Graph Store Protocol, in ``media``; ``None`` if there is none (and
    no body if ``media`` is ``None``: no format the client accepts)."""
    from kg.server.changes import graph_quads

    found = graph_quads(project, graph, limits.max_rows)
    if found is None:
        return None
    if media is None:
        return Rendered("graph", None, None)
    body, canonical = rdf_body(project, [q.triple for q in found], media)
    return Rendered("graph", media, checked(body, limits.max_bytes), False, canonical)


def _group(rows: Iterable[tuple[Term | None, Term | None, Term | None]]) -> list[Fact]:
    graphs: dict[tuple[NamedNode, Term], list[str]] = defaultdict(list)
    for predicate, value, graph in rows:
        if isinstance(predicate, NamedNode) and value is not None and graph is not None:
            graphs[(predicate, value)].append(graph.value)
    return [
        Fact(p, v, sorted(gs))
        for (p, v), gs in sorted(
            graphs.items(),
            key=lambda item: (_predicate_order(item[0][0].value), item[0][0].value, str(item[0][1])),
        )
    ]


def _predicate_order(predicate: str) -> int:
    if predicate == RDF + "type":
        return 0
    if predicate in LABEL_PREDICATES:
        return 1
    if predicate.startswith(PROV) or predicate.startswith(KGO + "sentence"):
        return 3
    return 2


def _sources(project: Project, graphs: Sequence[str]) -> list[Source]:
    if not graphs:
        return []
    values = " ".join(str(NamedNode(g)) for g in graphs)
    result = project.store.query(
        sparql_prologue()
        + f"""
        SELECT DISTINCT ?g ?text ?doc ?title WHERE {{
          VALUES ?g {{ {values} }}
          OPTIONAL {{ GRAPH ?g {{ ?g kgo:sentenceText ?text }} }}
          OPTIONAL {{ ?g prov:wasDerivedFrom ?doc
                      OPTIONAL {{ ?doc schema:headline|schema:name|rdfs:label ?title }} }}
        }} ORDER BY ?g ?doc DESC(LANG(?title) IN ("en", "")) ?title"""
    )
    sentences: dict[str, str] = {}
    documents: dict[str, dict[str, str | None]] = defaultdict(dict)
    for graph, text, doc, title in result.rows:
        if graph is None:
            continue
        if text is not None:
            sentences.setdefault(graph.value, text.value)
        if doc is not None:
            titles = documents[graph.value]
            if titles.get(doc.value) is None:
                titles[doc.value] = title.value if title is not None else None
    return [
        Source(
            graph=graph,
            number=number,
            sentence=sentences.get(graph),
            documents=list(documents[graph].items()),
        )
        for number, graph in enumerate(graphs, start=1)
    ]


# -- search, statistics, validation -------------------------------------------------------------
@dataclass
class Hit:
    iri: str
    title: str
    matched: list[Literal]
    types: list[str]


@dataclass
class SearchAnswer:
    """Hits for a text, one page of them (or all, for a download), and how many there are."""

    hits: list[Hit]
    total: int
    truncated: bool
    offset: int = 0
    size: int = 100


MAX_SEARCH_LABELS = 1000
"""Labels a search reads at most; a text that matches more says its hits were cut."""


def search(project: Project, text: str, offset: int = 0, size: int | None = 100) -> SearchAnswer:
    """Entities with a label (in any language) containing ``text``, case-insensitively, best
    first; ``size`` of them from ``offset`` (``None``: all)."""
    needle = text.strip()
    if not needle:
        return SearchAnswer([], 0, False, offset, size or 0)
    result = project.store.query(
        sparql_prologue()
        + f"""
        SELECT ?x ?label WHERE {{
          ?x skos:prefLabel|skos:altLabel|foaf:name|rdfs:label ?label .
          FILTER(STRSTARTS(STR(?x), "{KGR}"))
          FILTER(CONTAINS(LCASE(STR(?label)), LCASE(STR(?needle))))
        }} ORDER BY ?x LIMIT {MAX_SEARCH_LABELS}""",
        bindings={"needle": Literal(needle)},
    )
    matched: dict[str, list[Literal]] = defaultdict(list)
    for x, label in result.rows:
        if x is not None and isinstance(label, Literal) and label not in matched[x.value]:
            matched[x.value].append(label)
    names = project.labels(matched)
    lowered = needle.lower()

    def rank(iri: str) -> tuple[bool, bool, str]:
        title = names.get(iri, iri).lower()
        return (not title.startswith(lowered), lowered not in title, title)

    ordered = sorted(matched, key=rank)
    chosen = ordered[offset:] if size is None else ordered[offset : offset + size]
    types: dict[str, list[str]] = defaultdict(list)
    if chosen:
        values = " ".join(str(NamedNode(i)) for i in chosen)
        for x, cls in project.store.query(
            f"SELECT DISTINCT ?x ?t WHERE {{ VALUES ?x {{ {values} }} ?x a ?t }} ORDER BY ?t"
        ).rows:
            if x is not None and cls is not None:
                types[x.value].append(cls.value)
    type_names = project.labels({t for ts in types.values() for t in ts})
    hits = [
        Hit(
            iri=i,
            title=names.get(i, i),
            matched=matched[i] if size is None else [clip(m) for m in matched[i]],  # type: ignore[misc]
            types=[type_names.get(t, t.rsplit("#", 1)[-1].rsplit("/", 1)[-1]) for t in types[i]],
        )
        for i in chosen
    ]
    return SearchAnswer(
        hits,
        len(ordered),
        len(result.rows) >= MAX_SEARCH_LABELS,
        offset,
        len(ordered) if size is None else size,
    )


def hits_json(hits: Sequence[Hit]) -> bytes:
    """Search hits as the JSON the search answers programs with."""
    import json

    return json.dumps(
        [
            {"iri": h.iri, "label": h.title, "types": h.types, "matched": [m.value for m in h.matched]}
            for h in hits
        ],
        ensure_ascii=False,
    ).encode()


def search_download(project: Project, text: str, media: str, limits: Limits) -> Rendered:
    """Every hit for ``text`` (within the search's cap) as JSON, CSV or TSV."""
    found = search(project, text, 0, None)
    if media == "application/json":
        return Rendered("select", media, checked(hits_json(found.hits), limits.max_bytes), found.truncated)
    rows: list[tuple[Term | None, ...]] = [
        (
            NamedNode(h.iri),
            Literal(h.title),
            Literal("; ".join(h.types)),
            Literal("; ".join(m.value for m in h.matched)),
        )
        for h in found.hits
    ]
    result = QueryResult("select", ["entity", "label", "types", "matched"], rows)
    return render_result(project, result, found.truncated, None, media, limits.max_bytes)


def stats(project: Project) -> tuple[Stats, dict[str, str]]:
    """The home page's numbers, with labels for the classes."""
    numbers = project.stats()
    return numbers, project.labels(cls for cls, _ in numbers.entities_by_class)


def validate_upload(project: Project, data: bytes, fmt: str) -> ValidationReport:
    """An uploaded file validated in the context of the graph (nothing is written)."""
    return project.validate(data=data, fmt=fmt)


def as_quads(triples: Iterable[Triple], graph: NamedNode | BlankNode | DefaultGraph) -> list[Quad]:
    return [Quad(t.subject, t.predicate, t.object, graph) for t in triples]
