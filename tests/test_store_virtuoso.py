"""What kg sends Virtuoso instead of a query it evaluates wrongly (kg.store.virtuoso), and how it
reads Virtuoso's answers.

Each rewrite must be the same question: the rewritten query, run on the embedded store, gives
the original's answer, its closures computed one step at a time from the same data. A query
the rewrite does not follow is sent as written; no other engine is sent a rewritten query; and
on Virtuoso itself, queries of the shapes it gets wrong give the embedded store's answers."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import kg
from conftest import ROOT
from kg.binding import bind
from kg.namespaces import PREFIXES, XSD
from kg.project import ProjectFiles
from kg.results import QueryResult, Row
from kg.store import virtuoso
from kg.store.base import QueryRequest
from kg.store.bulk import rebuild
from kg.store.patterns import read
from kg.store.remote import RemoteStore
from kg.terms import BlankNode, Literal, NamedNode, Quad, Term
from servers import SparqlServer, oxigraph_endpoint, virtuoso_endpoint
from test_store_backends import _example

__all__ = ["oxigraph_endpoint", "virtuoso_endpoint"]  # fixtures, used by name

KGR = "https://kg.example.org/id/"
MISSION = NamedNode(KGR + "actp-rf-business-mission-results.mission")
BOOLEAN = NamedNode(XSD + "boolean")


@pytest.fixture(scope="module")
def reference() -> kg.Project:
    return kg.open_project(ROOT)


class Oracle:
    """Closure steps answered by the embedded store; it counts the requests."""

    def __init__(self, project: kg.Project) -> None:
        self.project = project
        self.asked = 0

    def __call__(self, pattern: str, variables: Sequence[str], limit: int | None) -> list[Row]:
        self.asked += 1
        head = " ".join(f"?{v}" for v in variables)
        tail = "" if limit is None else f" LIMIT {limit}"
        return self.project.store.query(f"SELECT DISTINCT {head} WHERE {{ {pattern} }}{tail}").rows


def _bag(result: QueryResult) -> Counter[tuple[str | None, ...]]:
    return Counter(tuple(None if t is None else str(t) for t in row) for row in result.rows)


def _run(project: kg.Project, text: str, fresh: frozenset[str] = frozenset()) -> QueryResult:
    return virtuoso.normalized(project.store.query(QueryRequest(text, prefixes=PREFIXES)), fresh)


def _same_answer(
    project: kg.Project, sparql: str, bindings: Mapping[str, Term] | None = None, *, found: bool = True
) -> str:
    """Rewrite ``sparql``, check that the embedded store answers both alike (and, with ``found``,
    finds something), return the rewrite."""
    text = bind(sparql, bindings or {})
    done = virtuoso.rewrite(text, bindings or {}, dict(PREFIXES), Oracle(project))
    before, after = _run(project, text), _run(project, done.sparql, done.fresh)
    assert after.variables == before.variables
    assert _bag(after) == _bag(before), done.sparql
    assert after.boolean == before.boolean
    assert not found or before.rows or before.boolean is not None, "the query finds nothing"
    return done.sparql


# -- every rewrite is the same question ----------------------------------------------------------
OTHER_VALUES = {
    "lang": "ru",
    "org": "kgr:actp-rf",
    "site": "kgr:great-stone-industrial-park-site",
    "person": "kgr:mikhail-labudin",
    "type": "kgst:technopark",
    "mission": "kgr:actp-rf-annual-general-meeting.general-meeting",
}


def test_the_named_queries_rewritten_ask_the_same(reference: kg.Project) -> None:
    changed = set()
    for name, query in reference.named_queries.items():
        example = _example(query)
        assert example is not None, name
        for extra in [
            {},
            *({p.name: OTHER_VALUES[p.name]} for p in query.parameters if p.name in OTHER_VALUES),
        ]:
            bindings = query.bindings({**example, **extra})
            text = _same_answer(reference, query.text, bindings, found=False)
            if text != bind(query.text, bindings):
                changed.add(name)
    assert {
        "sites-by-type",
        "mission-timeline",
        "site-locations",
        "people-posts",
        "evidence",
        "visited-sites",
        "representatives",
        "partners-of",
    } <= changed


SHAPES = {
    "a class and the classes below it, beside a filtered OPTIONAL": """
        SELECT ?site ?label WHERE {
          ?site a/rdfs:subClassOf* org:Site ; kgo:siteType ?type .
          OPTIONAL { ?site skos:prefLabel ?label FILTER(LANG(?label) = "en") } }""",
    "SELECT * shows no added variable": "SELECT * WHERE { ?x a/rdfs:subClassOf+ foaf:Agent }",
    "the classes below one": "SELECT ?c WHERE { ?c rdfs:subClassOf* schema:Event }",
    "the classes above one": "SELECT ?c WHERE { kgo:Meeting rdfs:subClassOf* ?c }",
    "a sub-property closure": """
        SELECT ?e ?p WHERE { ?e ?p kgr:actp-rf . ?p rdfs:subPropertyOf* schema:organizer }""",
    "both ends open, one step or more (every pair)": """
        SELECT ?site ?place WHERE { ?site schema:containedInPlace+ ?place }""",
    "an alternative of a step and an inverse step": """
        SELECT ?e WHERE { kgr:actp-rf-business-mission-results.mission
                          (schema:subEvent|^schema:superEvent)+ ?e }""",
    "a closure in a UNION branch, in a MINUS": """
        SELECT ?x WHERE { { ?x a/rdfs:subClassOf* org:Site } UNION { ?x rdfs:subClassOf* foaf:Agent }
                          MINUS { ?x rdfs:subClassOf* org:Organization } }""",
    "a closure in an EXISTS (its own variable only)": """
        SELECT ?p WHERE { ?p org:heldBy ?who FILTER EXISTS { ?p a/rdfs:subClassOf* org:Post } }""",
    "computed booleans": """
        SELECT ?s ?contained ?iri ?either WHERE { ?s a kgo:InfrastructureSite
          BIND(EXISTS { ?s schema:containedInPlace ?o } AS ?contained)
          BIND(isIRI(?s) AS ?iri) BIND(?s = kgr:x || true AS ?either) }""",
    "a computed boolean in the projection": """
        SELECT ?s (isIRI(?s) AS ?iri) (?s != kgr:x AS ?other) WHERE { ?s a kgo:InfrastructureSite }""",
}


@pytest.mark.parametrize("sparql", SHAPES.values(), ids=SHAPES.keys())
def test_a_shape_rewritten_asks_the_same(reference: kg.Project, sparql: str) -> None:
    assert _same_answer(reference, sparql) != sparql


PARAMETERS = {
    "from a parameter, in the top group": (
        "SELECT ?e WHERE { ?m (schema:subEvent|^schema:superEvent)+ ?e }",
        {"m": MISSION},
    ),
    "in an OPTIONAL part that binds from it": (
        """SELECT ?e ?p ?n WHERE { ?e schema:superEvent ?x
             OPTIONAL { ?m (schema:subEvent|^schema:superEvent)* ?p . ?e schema:superEvent ?p
                        BIND(STR(?m) AS ?n) } }""",
        {"m": MISSION},
    ),
    "in a nested group": ("SELECT ?e WHERE { { ?m schema:subEvent* ?e FILTER(BOUND(?m)) } }", {"m": MISSION}),
    "in a UNION branch": (
        "SELECT ?e WHERE { { ?m schema:subEvent+ ?e } UNION { ?e schema:superEvent ?m } }",
        {"m": MISSION},
    ),
    "in a MINUS (taken as it is)": (
        "SELECT ?e WHERE { ?e schema:superEvent ?x MINUS { ?m schema:subEvent+ ?e } }",
        {"m": MISSION},
    ),
    "in an OPTIONAL nested deeper (taken as it is)": (
        """SELECT ?e ?y WHERE { ?e a kgo:SiteVisit
             OPTIONAL { ?e schema:location ?y OPTIONAL { ?m schema:subEvent* ?e } } }""",
        {"m": MISSION},
    ),
    "a hostile value written into an OPTIONAL part's filter stays one term": (
        """SELECT ?s ?l WHERE { ?s a kgo:InfrastructureSite
             OPTIONAL { ?s skos:prefLabel ?l FILTER(LANG(?l) != ?lang) } }""",
        {"lang": Literal('x") || true) } } DROP ALL ; SELECT * { ?s ?p "')},
    ),
    "a parameter in an OPTIONAL part's filter": (
        """SELECT ?s ?l WHERE { ?s a kgo:InfrastructureSite
             OPTIONAL { ?s skos:prefLabel ?l FILTER(!BOUND(?lang) || LANG(?l) = ?lang) } }""",
        {"lang": Literal("ru")},
    ),
}


@pytest.mark.parametrize(("sparql", "bindings"), PARAMETERS.values(), ids=PARAMETERS.keys())
def test_a_parameter_keeps_its_meaning(reference: kg.Project, sparql: str, bindings: dict[str, Term]) -> None:
    _same_answer(reference, sparql, bindings)


# -- what it leaves alone ------------------------------------------------------------------------
UNCHANGED = {
    "no closure, no boolean": "SELECT ?s WHERE { ?s a org:Site ; skos:prefLabel ?l }",
    "DISTINCT *": "SELECT DISTINCT * WHERE { ?s a/rdfs:subClassOf* org:Site }",
    "CONSTRUCT WHERE": "CONSTRUCT WHERE { ?s rdfs:subClassOf* org:Site }",
    "its own dataset": "SELECT ?s FROM <urn:x> WHERE { ?s a/rdfs:subClassOf* org:Site }",
    "another graph": "SELECT ?s WHERE { GRAPH ?g { ?s a/rdfs:subClassOf* org:Site } }",
    "both ends open, zero steps or more": "SELECT ?a ?b WHERE { ?a rdfs:subClassOf* ?b }",
    "a path it does not read": "SELECT ?s WHERE { ?s (a/rdfs:subClassOf)* org:Site }",
    "an object list": "SELECT ?s WHERE { ?s rdfs:subClassOf* org:Site, foaf:Agent }",
    "a blank node's brackets": "SELECT ?s WHERE { [] rdfs:subClassOf* ?s }",
    "a relative IRI": "SELECT ?s WHERE { ?s rdfs:subClassOf* <Site> }",
    "an unknown prefix": "SELECT ?s WHERE { ?s rdfs:subClassOf* nope:Site }",
    "an EXISTS that would bind an outer variable": (
        "SELECT ?u WHERE { ?u a org:OrganizationalUnit FILTER EXISTS { ?u org:unitOf* kgr:actp-rf } }"
    ),
    "not SPARQL": "SELECT ?s WHERE { ?s rdfs:subClassOf* org:Site",
    "an update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
}


@pytest.mark.parametrize("sparql", UNCHANGED.values(), ids=UNCHANGED.keys())
def test_what_it_does_not_follow_is_sent_as_written(reference: kg.Project, sparql: str) -> None:
    oracle = Oracle(reference)
    done = virtuoso.rewrite(sparql, {}, dict(PREFIXES), oracle)
    assert done.sparql == sparql
    assert done.fresh == frozenset()


def test_the_reading_gives_up_on_what_it_does_not_follow() -> None:
    for sparql in (
        "SELECT DISTINCT * WHERE { ?s ?p ?o }",
        "CONSTRUCT WHERE { ?s ?p ?o }",
        "SELECT ?s FROM <urn:x> WHERE { ?s ?p ?o }",
        "SELECT ?s WHERE { ?s ?p ?o",
        "SELECT ?s WHERE { FILTER(?s = { }) }",
        "DESCRIBE *",
    ):
        assert read(sparql, PREFIXES) is None, sparql
    reading = read('SELECT ?s WHERE { ?s ?p "FILTER {" . ?s ?q 1.5 . ?s ?r "x"@values }', PREFIXES)
    assert reading is not None and reading.statements == ()


def test_a_closure_too_large_is_left_to_the_engine(
    reference: kg.Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    sparql = "SELECT ?c WHERE { ?c rdfs:subClassOf* foaf:Agent }"
    assert virtuoso.rewrite(sparql, {}, dict(PREFIXES), Oracle(reference)).sparql != sparql
    monkeypatch.setattr(virtuoso, "MAX_TERMS", 3)
    assert virtuoso.rewrite(sparql, {}, dict(PREFIXES), Oracle(reference)).sparql == sparql


def test_a_closure_through_blank_nodes_is_left_to_the_engine() -> None:
    project = kg.open_project(ROOT)
    subclass = NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    site = NamedNode("http://www.w3.org/ns/org#Site")
    project.store.change([Quad(BlankNode(), subclass, site, NamedNode("urn:test"))])
    sparql = "SELECT ?c WHERE { ?c rdfs:subClassOf* org:Site }"
    assert virtuoso.rewrite(sparql, {}, dict(PREFIXES), Oracle(project)).sparql == sparql


def test_a_cycle_ends(reference: kg.Project) -> None:
    """Along a step and its inverse every node leads back: the closure still ends."""
    oracle = Oracle(reference)
    sparql = """SELECT ?e WHERE { kgr:actp-rf-business-mission-results.mission
                  (schema:subEvent|^schema:subEvent)* ?e .
                  ?e (schema:superEvent|^schema:superEvent)+ kgr:actp-rf-business-mission-results.mission }"""
    assert _same_answer(reference, sparql) != sparql
    virtuoso.rewrite(sparql, {}, dict(PREFIXES), oracle)
    assert 0 < oracle.asked < 40


# -- Virtuoso's answers, read as written ---------------------------------------------------------
def test_booleans_are_read_as_written_and_added_variables_left_out() -> None:
    one, zero = Literal("1", datatype=BOOLEAN), Literal("0", datatype=BOOLEAN)
    number = Literal("1", datatype=NamedNode(XSD + "integer"))
    result = QueryResult(
        kind="select",
        variables=["b", "_kg1", "n"],
        rows=[(one, NamedNode("urn:c"), number), (zero, None, None)],
    )
    read_back = virtuoso.normalized(result, frozenset({"_kg1"}))
    assert read_back.variables == ["b", "n"]
    assert read_back.rows == [
        (Literal("true", datatype=BOOLEAN), number),
        (Literal("false", datatype=BOOLEAN), None),
    ]


# -- only Virtuoso is sent a rewritten query ----------------------------------------------------
class Recorder:
    """A SPARQL endpoint on loopback that answers every query with no solution, names itself
    as ``server``, and records the queries it is sent."""

    def __init__(self, server: str) -> None:
        self.queries: list[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                query = form.get("query", [""])[0]
                recorder.queries.append(query)
                if query.lstrip().upper().startswith("ASK"):
                    body = {"head": {}, "boolean": True}
                else:
                    body = {"head": {"vars": ["n"]}, "results": {"bindings": []}}
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                if server:
                    self.send_header("Server", server)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http.daemon_threads = True
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.http.server_port}/sparql"


@pytest.fixture
def recorder() -> Iterator[Callable[[str], Recorder]]:
    made: list[Recorder] = []

    def start(server: str) -> Recorder:
        made.append(Recorder(server))
        return made[-1]

    yield start
    for one in made:
        one.http.shutdown()
        one.http.server_close()


@pytest.mark.parametrize(
    ("server", "rewritten"), [("Virtuoso/07.20.3240 (Linux)", True), ("oxigraph", False), ("", False)]
)
def test_only_virtuoso_is_sent_a_rewritten_query(
    recorder: Callable[[str], Recorder], server: str, rewritten: bool
) -> None:
    endpoint = recorder(server)
    sparql = "SELECT ?s WHERE { ?s a/rdfs:subClassOf* <http://www.w3.org/ns/org#Site> }"
    RemoteStore(endpoint.url).query(QueryRequest(sparql, prefixes=PREFIXES))
    main = [q for q in endpoint.queries if "?s" in q and "SELECT ?s" in q]
    assert len(main) == 1
    assert ("subClassOf*" not in main[0]) is rewritten
    assert any("VALUES ?c" in q for q in endpoint.queries) is rewritten  # the closure's steps


# -- on the engines themselves -------------------------------------------------------------------
USERS_QUERIES = [
    SHAPES["a class and the classes below it, beside a filtered OPTIONAL"],
    SHAPES["SELECT * shows no added variable"],
    "SELECT ?s ?direct WHERE { ?s a kgo:InfrastructureSite "
    "BIND(EXISTS { ?s schema:containedInPlace kgr:belarus } AS ?direct) }",
    "SELECT ?s ?iri ?either WHERE { ?s a kgo:InfrastructureSite BIND(isIRI(?s) AS ?iri) "
    "BIND(?s = kgr:x || true AS ?either) }",
    SHAPES["a computed boolean in the projection"],
    SHAPES["both ends open, one step or more (every pair)"],
    "SELECT ?q ?b WHERE { ?q kgo:isIncomplete ?b }",
    "ASK { kgr:fez-minsk-site a/rdfs:subClassOf* org:Site }",
    "CONSTRUCT { ?s a org:Site } WHERE { ?s a/rdfs:subClassOf* org:Site }",
]


@pytest.fixture(scope="module", params=["virtuoso_endpoint", "oxigraph_endpoint"])
def remote(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[kg.Project]:
    server: SparqlServer = request.getfixturevalue(request.param)
    store = RemoteStore(server.query_url, **server.store_options())
    rebuild(store, ProjectFiles(ROOT))
    with store:
        yield kg.open_project(ROOT, store=store)


@pytest.mark.parametrize("sparql", USERS_QUERIES)
def test_a_users_query_answers_as_in_memory(remote: kg.Project, reference: kg.Project, sparql: str) -> None:
    expected, got = reference.query(sparql), remote.query(sparql)
    assert expected.rows or expected.triples or expected.boolean is not None
    assert got.variables == expected.variables
    assert _bag(got) == _bag(expected)
    assert set(got.triples) == set(expected.triples)
    assert got.boolean == expected.boolean
