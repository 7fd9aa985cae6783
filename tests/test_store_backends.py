"""The same graph behind every store gives the same answers: in memory, on disk, on an Oxigraph
server and on Virtuoso. Each test loads the project into the store, then asks what the
embedded store is asked, and compares (rows as multisets; graphs up to blank node labels)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

import kg
from conftest import ROOT
from kg.project import ProjectFiles
from kg.queries import NamedQuery
from kg.rdfio import parse_file
from kg.rdflib_bridge import triples_to_rdflib
from kg.results import QueryResult
from kg.store.base import Store
from kg.store.bulk import rebuild
from kg.store.disk import open_disk_store
from kg.store.remote import RemoteStore
from kg.terms import BlankNode, DefaultGraph, Literal, Quad, Term
from servers import SparqlServer, oxigraph_endpoint, oxigraph_stock_endpoint, virtuoso_endpoint

__all__ = ["oxigraph_endpoint", "oxigraph_stock_endpoint", "virtuoso_endpoint"]  # fixtures, used by name

BACKENDS = ["memory", "disk", "oxigraph-server", "oxigraph-stock", "virtuoso"]
FIXTURES = {
    "oxigraph-server": "oxigraph_endpoint",
    "oxigraph-stock": "oxigraph_stock_endpoint",
    "virtuoso": "virtuoso_endpoint",
}

KNOWN_DIFFERENCES: dict[str, dict[str, str]] = {}
"""Named queries whose answers an engine gets wrong, by engine, each with the reason. None are
left: what Virtuoso 7.2 evaluates wrongly, kg sends it in another shape (kg.store.virtuoso)."""

LOSSY_DATATYPES: dict[str, set[str]] = {
    "virtuoso": {"http://www.w3.org/2001/XMLSchema#duration"},
}
"""Literals an engine cannot keep as written: Virtuoso 7.2 stores xsd:duration as a number of
seconds ("P3D" comes back as "259200.0"), and its SPARQL compiler refuses it in INSERT DATA."""

VISIT = """\
@prefix kgo: <https://kg.example.org/ontology#> .
@prefix kgr: <https://kg.example.org/id/> .
@prefix kgg: <https://kg.example.org/graph/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

kgg:store-test-s01 {
    kgg:store-test-s01 a kgo:ReferenceRecord ;
        kgo:sentenceText "On the fourth day the delegation met Minsk City Technopark again."@en ;
        prov:wasDerivedFrom kgr:source-akitrf-ru .
    kgr:second-meeting-minsk-city-technopark a kgo:Meeting ;
        skos:prefLabel "Second meeting with Minsk City Technopark"@en ;
        kgo:missionDay 4 ;
        schema:participant kgr:minsk-city-technopark, kgr:actp-rf-business-mission-results.delegation .
}
"""
"""A contribution that conforms only in context: that its source is a document, and what its
participants are, is known to the graph, not to the contribution."""

LONELY_MEETING = VISIT.replace(
    "kgr:minsk-city-technopark, kgr:actp-rf-business-mission-results.delegation", "kgr:belarus"
)
"""A meeting with one party: does not conform, in context or not."""


@pytest.fixture(scope="module")
def reference() -> kg.Project:
    """The project in the default, in-memory store: the answers every store must give."""
    return kg.open_project(ROOT)


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def backend(
    request: pytest.FixtureRequest, engine: str, project_dir: Path, tmp_path: Path
) -> Iterator[kg.Project]:
    """A writable copy of the project, its graph loaded into one kind of store."""
    files = ProjectFiles(project_dir)
    store: Store
    if engine == "memory":
        yield kg.open_project(project_dir)
        return
    if engine == "disk":
        store = open_disk_store(tmp_path / "store", project_dir)
    else:
        server: SparqlServer = request.getfixturevalue(FIXTURES[engine])
        store = RemoteStore(server.query_url, **server.store_options())
        rebuild(store, files)
    with store:
        yield kg.open_project(project_dir, store=store)


def _cell(term: Term | None) -> str | None:
    if term is None:
        return None
    return "_:" if isinstance(term, BlankNode) else str(term)


def _rows(result: QueryResult, unordered: Mapping[str, str] | None = None) -> list[tuple[str | None, ...]]:
    """The rows, as a sorted list: a row seen twice counts twice (set semantics is checked).
    ``unordered`` names the variables bound to a GROUP_CONCAT, with its separator: SPARQL
    leaves the order of the parts to the engine, so they are compared sorted."""

    def cell(variable: str, term: Term | None) -> str | None:
        separator = (unordered or {}).get(variable)
        if separator is not None and isinstance(term, Literal):
            term = Literal(separator.join(sorted(term.value.split(separator))), datatype=term.datatype)
        return _cell(term)

    return sorted(
        (tuple(cell(v, t) for v, t in zip(result.variables, row, strict=True)) for row in result.rows),
        key=lambda row: [str(c) for c in row],
    )


def _concatenations(query: NamedQuery) -> dict[str, str]:
    """The variables the query's projection binds to a GROUP_CONCAT, with its separator (read
    with rdflib's SPARQL parser)."""
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    found = {}
    for item in parseQuery(query.text)[1].get("projection", []):
        expr = item.get("expr")
        while (
            isinstance(expr, CompValue)
            and expr.name != "Aggregate_GroupConcat"
            and [k for k, v in expr.items() if v is not None] == ["expr"]
        ):
            expr = expr["expr"]
        if isinstance(expr, CompValue) and expr.name == "Aggregate_GroupConcat":
            found[str(item["evar"])] = str(expr.get("separator") or " ")
    return found


def _example(query: NamedQuery, *, optional: bool = False) -> dict[str, str] | None:
    """Values for the required parameters (with ``optional``, also for the optional ones that
    have an example), from the examples their descriptions give."""
    values = {}
    for param in query.parameters:
        match = re.search(r"e\.g\.\s+([^\s),]+)", param.description)
        if not param.required:
            if optional and match:
                values[param.name] = match.group(1)
            continue
        if match:
            values[param.name] = match.group(1)
        elif param.type == "string":
            values[param.name] = "Minsk"
        else:
            return None
    return values


def test_the_store_holds_the_project(backend: kg.Project, reference: kg.Project) -> None:
    assert len(backend.store) == len(reference.store)
    assert set(backend.store.named_graphs()) == set(reference.store.named_graphs())


def test_every_named_query_answers_as_in_memory(
    backend: kg.Project, reference: kg.Project, engine: str
) -> None:
    assert reference.named_queries, "the project has named queries"
    known = KNOWN_DIFFERENCES.get(engine, {})
    compared = 0
    for name, query in reference.named_queries.items():
        unordered = _concatenations(query)
        for optional in (False, True):
            params = _example(query, optional=optional)
            if params is None or name in known or (optional and params == _example(query)):
                continue
            expected = reference.query(name, params)
            got = backend.query(name, params)
            assert got.kind == expected.kind, name
            assert got.variables == expected.variables, name
            assert _rows(got, unordered) == _rows(expected, unordered), (name, params)
            assert got.boolean == expected.boolean, name
            compared += not optional
    assert compared >= len(reference.named_queries) - len(known) - 1


def test_ask_and_construct_answer_as_in_memory(backend: kg.Project, reference: kg.Project) -> None:
    ask = "ASK { ?mission a kgo:BusinessMission }"
    assert backend.query(ask).boolean is True
    assert backend.query("ASK { ?x a kgo:NoSuchClass }").boolean is False
    construct = "CONSTRUCT { ?s skos:prefLabel ?l } WHERE { ?s skos:prefLabel ?l }"
    assert set(backend.query(construct).triples) == set(reference.query(construct).triples)


def test_parameters_are_bound_not_pasted(backend: kg.Project) -> None:
    hostile = '"x" } } DROP ALL ; SELECT * { ?s ?p "'
    result = backend.query("SELECT ?s WHERE { ?s skos:prefLabel ?label }", {"label": f'"{hostile}"'})
    assert result.rows == []
    assert len(backend.store) > 0


def test_export_is_isomorphic_to_in_memory(backend: kg.Project, reference: kg.Project, engine: str) -> None:
    lossy = LOSSY_DATATYPES.get(engine, set())

    def dataset(project: kg.Project) -> dict[str, object]:
        by_graph: dict[str, list[Quad]] = {}
        for q in project.quads():
            if isinstance(q.object, Literal) and q.object.datatype.value in lossy:
                continue
            key = "" if isinstance(q.graph_name, DefaultGraph) else str(q.graph_name)
            by_graph.setdefault(key, []).append(q)
        return by_graph  # type: ignore[return-value]

    got, expected = dataset(backend), dataset(reference)
    assert set(got) == set(expected)
    for name, quads in expected.items():
        assert isomorphic(
            triples_to_rdflib(got[name]),  # type: ignore[arg-type]
            triples_to_rdflib(quads),
        ), name  # type: ignore[arg-type]


def test_validation_in_context_matches_in_memory(
    backend: kg.Project, reference: kg.Project, tmp_path: Path
) -> None:
    visit, lonely = tmp_path / "visit.trig", tmp_path / "lonely.trig"
    visit.write_text(VISIT, encoding="utf-8")
    lonely.write_text(LONELY_MEETING, encoding="utf-8")
    for path in (visit, lonely):
        expected = reference.validate([path])
        got = backend.validate([path])
        assert {f.key() for f in got.findings} == {f.key() for f in expected.findings}, path
    assert backend.validate([visit]).conforms
    assert not backend.validate([visit], standalone=True).conforms
    assert not backend.validate([lonely]).conforms


def test_add_writes_the_store_and_data(backend: kg.Project, tmp_path: Path) -> None:
    visit = tmp_path / "visit.trig"
    visit.write_text(VISIT, encoding="utf-8")
    before = len(backend.store)
    quads = len(parse_file(visit))
    outcome = backend.add([visit])
    assert outcome.quads == quads
    assert len(backend.store) == before + quads
    result = backend.query(
        "SELECT ?day WHERE { kgr:second-meeting-minsk-city-technopark kgo:missionDay ?day }"
    )
    assert result.table() == [("4",)]
    assert (backend.files.data_dir / "visit.trig").is_file()


def test_a_refused_add_changes_nothing(backend: kg.Project, tmp_path: Path) -> None:
    lonely = tmp_path / "lonely.trig"
    lonely.write_text(LONELY_MEETING, encoding="utf-8")
    before = sorted(map(str, backend.store.quads()))
    with pytest.raises(kg.errors.ValidationFailed):
        backend.add([lonely])
    assert sorted(map(str, backend.store.quads())) == before
    assert not (backend.files.data_dir / "lonely.trig").exists()


def test_each_fact_is_seen_once(backend: kg.Project, reference: kg.Project) -> None:
    """A fact stated by several sentences lives in several graphs, and a query without
    DISTINCT still sees it once, on every engine (the facts view)."""
    names = "SELECT ?name WHERE { ?p a foaf:Person ; foaf:name ?name }"
    got = [row[0].value for row in backend.query(names).rows if row[0] is not None]
    assert got and len(got) == len(set(got))
    assert sorted(got) == sorted(r[0].value for r in reference.query(names).rows if r[0])
    shared = backend.query(
        "SELECT ?s ?p ?o WHERE { GRAPH ?g1 { ?s ?p ?o } GRAPH ?g2 { ?s ?p ?o } FILTER(?g1 != ?g2) } LIMIT 1"
    ).rows
    assert shared, "the project states some fact in two sentences"
    s, p, o = shared[0]
    count = backend.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {s} {p} {o} }}").rows[0][0]
    assert count is not None and int(count.value) == 1
    assert backend.stats().triples == reference.stats().triples


def test_an_endpoint_without_a_facts_view_is_an_error_not_an_empty_answer(
    oxigraph_stock_endpoint: SparqlServer,
) -> None:
    from kg.errors import EndpointError
    from kg.terms import Literal, NamedNode, Quad

    store = RemoteStore(oxigraph_stock_endpoint.query_url, **oxigraph_stock_endpoint.store_options())
    store.clear()
    foreign = (
        "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> "
        '<http://example.org/p> "written by another tool" } }'
    )
    store.update(foreign)
    try:
        with pytest.raises(EndpointError, match="no facts view"):
            store.query("SELECT * WHERE { ?s ?p ?o }")
        store.clear()
        store.change(
            [
                Quad(
                    NamedNode("http://example.org/s"),
                    NamedNode("http://example.org/p"),
                    Literal("written by kg"),
                    NamedNode("http://example.org/g"),
                )
            ]
        )
        fresh = RemoteStore(oxigraph_stock_endpoint.query_url, **oxigraph_stock_endpoint.store_options())
        assert len(fresh.query("SELECT * WHERE { ?s ?p ?o }").rows) == 1
    finally:
        store.clear()


def test_a_remote_build_is_seen_whole_by_readers(
    oxigraph_stock_endpoint: SparqlServer, project_dir: Path
) -> None:
    """Readers see the endpoint before the build or after it, never empty or half built: the
    project is staged first and switched in with one update request."""
    import threading

    files = ProjectFiles(project_dir)
    store = RemoteStore(oxigraph_stock_endpoint.query_url, **oxigraph_stock_endpoint.store_options())
    rebuild(store, files)
    whole = store.fact_count()
    seen: list[int] = []
    done = threading.Event()

    def read() -> None:
        reader = RemoteStore(oxigraph_stock_endpoint.query_url)
        deadline = time.monotonic() + 60
        while not done.is_set() and len(seen) < 2000 and time.monotonic() < deadline:
            seen.append(reader.fact_count())

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for _ in range(3):
            rebuild(store, files)
    finally:
        done.set()
        thread.join(timeout=120)
    assert seen and set(seen) == {whole}
