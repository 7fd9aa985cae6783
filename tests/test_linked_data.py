"""Linked data that resolves, as the field's own clients ask for it.

rdflib reads the service description in each RDF format and SPARQLWrapper checks what it
claims; curl negotiates entities and vocabulary terms by ``Accept`` and by extension; every
term of ``ontology/`` and every SKOS concept dereferences to a page and to RDF; predicates are
shown by their labels with the CURIE on hover; every source of a record is shown.

Terms and concepts are read from the ontology files, records with several sources found by a
query: the tests name no data IRI but ``kgr:actp-rf`` and the vocabulary's own classes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from html import unescape

import pyoxigraph
import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper
from tests.conftest import ROOT, require

from kg.namespaces import KGO, ONTOLOGY_GRAPH, PREFIXES, shorten
from kg.server.description import Service, description_triples
from kg.server.views import term_name
from test_server_support import Served, fresh_project, running

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = rdflib.Namespace("https://schema.org/")
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
ACTP = "https://kg.example.org/id/actp-rf"


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with running(fresh_project()) as server:
        yield server


def _ontology() -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        if path.name != "shapes.ttl":
            store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    return store


def _select(store: pyoxigraph.Store, query: str) -> list[str]:
    prologue = "".join(f"PREFIX {p}: <{i}>\n" for p, i in PREFIXES.items())
    return sorted(row[0].value for row in store.query(prologue + query))  # type: ignore[union-attr, index]


ONTOLOGY = _ontology()
TERMS = _select(ONTOLOGY, f'SELECT DISTINCT ?t WHERE {{ ?t ?p ?o FILTER(STRSTARTS(STR(?t), "{KGO}")) }}')
CONCEPTS = _select(ONTOLOGY, "SELECT DISTINCT ?c WHERE { ?c a skos:Concept }")
CLASSES = _select(
    ONTOLOGY, f'SELECT DISTINCT ?c WHERE {{ ?c a owl:Class FILTER(STRSTARTS(STR(?c), "{KGO}")) }}'
)


def _page(served: Served, path: str) -> str:
    with served.client() as client:
        response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    return response.text


def curl(*args: str) -> tuple[str, str, bytes]:
    """(status, content type, body) of a curl request."""
    require(shutil.which("curl") is not None, "the content negotiation tests need curl")
    done = subprocess.run(
        ["curl", "-sS", "--max-time", "60", "-o", "-", "-w", "\n%{http_code} %{content_type}", *args],
        capture_output=True,
        check=False,
        timeout=90,
    )
    body, _, tail = done.stdout.rpartition(b"\n")
    status, _, media = tail.decode().partition(" ")
    return status, media.split(";")[0], body


# -- the service description ------------------------------------------------------------------------
@pytest.mark.parametrize("media", sorted(RDFLIB_FORMATS))
def test_rdflib_reads_the_service_description_in_every_format(served: Served, media: str) -> None:
    status, got, body = curl("-H", f"Accept: {media}", served.url + "/sparql")
    assert (status, got) == ("200", media)
    graph = rdflib.Graph().parse(data=body, format=RDFLIB_FORMATS[media])
    service = rdflib.URIRef(served.url + "/sparql")
    assert (service, rdflib.RDF.type, SD.Service) in graph
    dataset = graph.value(service, SD.defaultDataset)
    store = served.project.store
    named = {graph.value(n, SD.name) for n in graph.objects(dataset, SD.namedGraph)}
    assert named == {rdflib.URIRef(g.value) for g in store.named_graphs()}
    assert int(graph.value(dataset, VOID.triples)) == store.fact_count()
    declared = {
        str(graph.value(d, SH.prefix)): str(graph.value(d, SH.namespace))
        for d in graph.objects(service, SH.declare)
    }
    assert declared == dict(PREFIXES)
    partitions = {
        str(graph.value(p, VOID["class"])): int(graph.value(p, VOID.entities))
        for p in graph.objects(dataset, VOID.classPartition)
    }
    assert partitions == dict(served.project.stats().entities_by_class)


def test_rdflib_negotiates_the_description_by_itself(served: Served) -> None:
    graph = rdflib.Graph().parse(served.url + "/sparql")  # rdflib's own Accept header
    assert (rdflib.URIRef(served.url + "/sparql"), rdflib.RDF.type, SD.Service) in graph


def test_sparqlwrapper_finds_what_the_description_claims(served: Served) -> None:
    graph = rdflib.Graph().parse(data=curl(served.url + "/sparql")[2], format="turtle")
    service = rdflib.URIRef(served.url + "/sparql")
    dataset = graph.value(service, SD.defaultDataset)
    client = SPARQLWrapper(served.url + "/sparql")
    client.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    client.setReturnFormat(JSON)
    counted = int(client.queryAndConvert()["results"]["bindings"][0]["n"]["value"])  # type: ignore[index, call-overload]
    assert counted == int(graph.value(dataset, VOID.triples))
    for described in graph.objects(dataset, SD.namedGraph):
        name, size = (
            graph.value(described, SD.name),
            graph.value(graph.value(described, SD.graph), VOID.triples),
        )
        client.setQuery(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
        assert int(client.queryAndConvert()["results"]["bindings"][0]["n"]["value"]) == int(size)  # type: ignore[index, call-overload]
    # the predeclared prefixes work without PREFIX lines, as the description says
    client.setQuery("SELECT ?c WHERE { ?c rdfs:subClassOf org:FormalOrganization } LIMIT 1")
    assert client.queryAndConvert()["results"]["bindings"]  # type: ignore[index, call-overload]
    formats = {str(f).rsplit("/", 1)[-1] for f in graph.objects(service, SD.resultFormat)}
    for name, wrapper_format in (
        ("SPARQL_Results_XML", XML),
        ("SPARQL_Results_CSV", CSV),
        ("SPARQL_Results_TSV", TSV),
    ):
        assert name in formats
        client.setQuery("SELECT ?s WHERE { ?s a skos:Concept } LIMIT 1")
        client.setReturnFormat(wrapper_format)
        assert client.query().response.status == 200
    client.setQuery("CONSTRUCT WHERE { ?s a skos:Concept } LIMIT 2")
    client.setReturnFormat(TURTLE)
    assert (
        "Turtle" in formats and len(rdflib.Graph().parse(data=client.queryAndConvert(), format="turtle")) == 2
    )  # type: ignore[arg-type]


def test_many_named_graphs_are_counted_not_listed(served: Served) -> None:
    project = served.project
    triples = description_triples(project, Service("http://127.0.0.1/sparql"), max_listed=5)
    names = {t.predicate.value.rsplit("#", 1)[-1] for t in triples}
    assert "namedGraph" not in names
    counts = [t.object.value for t in triples if t.predicate.value == str(SCHEMA.numberOfItems)]
    assert counts == [str(len(project.store.named_graphs()))] and len(project.store.named_graphs()) > 5


def test_a_browser_asking_for_the_description_gets_the_query_page(served: Served) -> None:
    status, media, _ = curl("-L", "-H", "Accept: text/html", served.url + "/sparql")
    assert (status, media) == ("200", "text/html")
    assert curl("-H", "Accept: image/png", served.url + "/sparql")[0] == "406"


# -- entities by Accept and by extension --------------------------------------------------------------
@pytest.mark.parametrize("media", sorted(RDFLIB_FORMATS))
def test_an_entity_in_every_rdf_format_by_accept(served: Served, media: str) -> None:
    status, got, body = curl("-H", f"Accept: {media}", served.url + "/id/actp-rf")
    assert (status, got) == ("200", media)
    graph = rdflib.Graph().parse(data=body, format=RDFLIB_FORMATS[media])
    assert set(graph.subjects()) == {rdflib.URIRef(ACTP)}
    assert len(graph) == len(served.project.query(f"SELECT DISTINCT ?p ?o WHERE {{ <{ACTP}> ?p ?o }}"))


@pytest.mark.parametrize(
    ("ext", "media"),
    [
        ("rdf", "application/rdf+xml"),
        ("json", "application/ld+json"),
        ("jsonld", "application/ld+json"),
        ("ttl", "text/turtle"),
        ("nt", "application/n-triples"),
        ("html", "text/html"),
    ],
)
def test_an_entity_by_extension_whatever_accept_says(served: Served, ext: str, media: str) -> None:
    status, got, body = curl("-H", "Accept: text/html", f"{served.url}/id/actp-rf.{ext}")
    assert (status, got) == ("200", media)
    if media in RDFLIB_FORMATS:
        graph = rdflib.Graph().parse(data=body, format=RDFLIB_FORMATS[media])
        assert (rdflib.URIRef(ACTP), None, None) in graph
    else:
        assert b'<h1 id="title">' in body
    assert curl(f"{served.url}/id/actp-rf.xlsx")[0] == "404"


def test_the_entity_page_links_its_alternates(served: Served) -> None:
    done = subprocess.run(
        ["curl", "-sS", "-D", "-", "-o", "/dev/null", "-H", "Accept: text/html", served.url + "/id/actp-rf"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    link = next(line for line in done.stdout.splitlines() if line.lower().startswith("link:"))
    assert '</id/actp-rf.rdf>; rel="alternate"; type="application/rdf+xml"' in link


# -- the vocabulary -----------------------------------------------------------------------------------
def _fragment(iri: str) -> str:
    return iri.split("#", 1)[1]


def test_every_term_of_the_ontology_has_a_section_of_its_document(served: Served) -> None:
    assert len(TERMS) > 30
    status, media, body = curl("-H", "Accept: text/html", served.url + "/ontology")
    assert (status, media) == ("200", "text/html")
    page = body.decode()
    anchors = set(re.findall(r'<section class="term" id="([^"]+)"', page))
    assert anchors == {_fragment(t) for t in TERMS}
    for term in TERMS:  # each section names its term's label and CURIE
        section = page.split(f'id="{_fragment(term)}"', 1)[1].split("</section>", 1)[0]
        assert shorten(term) in section
        labels = list(
            ONTOLOGY.quads_for_pattern(
                pyoxigraph.NamedNode(term), pyoxigraph.NamedNode(str(rdflib.RDFS.label)), None, None
            )
        )
        assert all(unescape(q.object.value) in unescape(section) for q in labels)


@pytest.mark.parametrize("cls", CLASSES[:40])
def test_a_class_shows_its_superclasses_subclasses_and_instances_with_counts(
    served: Served, cls: str
) -> None:
    page = _page(served, "/ontology")
    section = page.split(f'id="{_fragment(cls)}"', 1)[1].split("</section>", 1)[0]
    for superclass in _select(ONTOLOGY, f"SELECT ?s WHERE {{ <{cls}> rdfs:subClassOf ?s }}"):
        assert f'title="{shorten(superclass)}"' in section.split("subclass of", 1)[1].split("</tr>", 1)[0]
    for subclass in _select(ONTOLOGY, f"SELECT ?s WHERE {{ ?s rdfs:subClassOf <{cls}> }}"):
        assert f'title="{shorten(subclass)}"' in section.split("superclass of", 1)[1].split("</tr>", 1)[0]
    every = served.project.query(
        f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a/rdfs:subClassOf* <{cls}> }}"
    )
    count = int(every.rows[0][0].value)  # type: ignore[union-attr]
    if count:
        assert re.search(rf'<span class="count">{count}</span> instances?', section)
    for domain_of in _select(ONTOLOGY, f"SELECT ?p WHERE {{ ?p rdfs:domain <{cls}> }}"):
        assert f'title="{shorten(domain_of)}"' in section.split("domain of", 1)[1].split("</tr>", 1)[0]


def test_a_property_shows_its_domain_range_and_use(served: Served) -> None:
    properties = _select(
        ONTOLOGY,
        f'SELECT ?p WHERE {{ ?p rdfs:domain ?d ; rdfs:range ?r FILTER(STRSTARTS(STR(?p), "{KGO}")) }}',
    )
    page = _page(served, "/ontology")
    for prop in properties:
        section = page.split(f'id="{_fragment(prop)}"', 1)[1].split("</section>", 1)[0]
        for kind in ("domain", "range"):
            row = section.split(f'<td class="predicate">{kind}</td>', 1)[1].split("</tr>", 1)[0]
            for value in _select(ONTOLOGY, f"SELECT ?v WHERE {{ <{prop}> rdfs:{kind} ?v }}"):
                assert f'title="{shorten(value)}"' in row
        uses = len(served.project.query(f"SELECT ?s ?o WHERE {{ ?s <{prop}> ?o }}"))
        assert f'Used in <span class="count">{uses}</span> statement' in section


@pytest.mark.parametrize("concept", CONCEPTS)
def test_every_skos_concept_has_a_page_and_rdf(served: Served, concept: str) -> None:
    path = "/" + concept.removeprefix("https://kg.example.org/")
    status, media, body = curl("-H", "Accept: text/html", served.url + path)
    assert (status, media) == ("200", "text/html")
    page = unescape(body.decode())
    for row in ONTOLOGY.query(
        f"SELECT ?l WHERE {{ <{concept}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?l "
        f"FILTER(LANG(?l) = 'en') }}"
    ):
        assert f'<h1 id="title">{row[0].value}</h1>' in page  # type: ignore[index]
    for broader in _select(ONTOLOGY, f"SELECT ?b WHERE {{ <{concept}> skos:broader ?b }}"):
        assert f'title="{shorten(broader)}"' in page
    for narrower in _select(ONTOLOGY, f"SELECT ?n WHERE {{ ?n skos:broader <{concept}> }}"):
        assert f'title="{shorten(narrower)}"' in page.split("narrower", 1)[1]
    users = len(
        served.project.query(
            f"SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ ?x ?p <{concept}> }} "
            f"FILTER(?g != <{ONTOLOGY_GRAPH}>) }}"
        )
    )
    if users:
        assert f'Used by <span class="count">{users}</span>' in page
    for media in RDFLIB_FORMATS:
        status, got, body = curl("-H", f"Accept: {media}", served.url + path)
        assert (status, got) == ("200", media)
        graph = rdflib.Graph().parse(data=body, format=RDFLIB_FORMATS[media])
        expected = {
            (q.predicate.value, q.object.value)
            for q in ONTOLOGY.quads_for_pattern(pyoxigraph.NamedNode(concept), None, None, None)
        }
        assert {(str(p), str(o)) for p, o in graph.predicate_objects(rdflib.URIRef(concept))} == expected


def test_the_ontology_in_rdf_by_accept_and_extension(served: Served) -> None:
    for args in (["-H", "Accept: text/turtle", served.url + "/ontology"], [served.url + "/ontology.ttl"]):
        status, media, body = curl(*args)
        assert (status, media) == ("200", "text/turtle")
        graph = rdflib.Graph().parse(data=body, format="turtle")
        assert {str(s) for s in graph.subjects() if str(s).startswith(KGO)} == set(TERMS)


def test_class_links_on_entity_pages_lead_to_their_vocabulary_section(served: Served) -> None:
    with served.client() as client:
        page = client.get("/id/actp-rf", headers={"Accept": "text/html"}).text
        types = re.findall(r'<span class="badge"><a href="(/ontology#[^"]+)"', page)
        assert types, "a kgo class of ACTP RF links to the vocabulary"
        vocabulary = client.get("/ontology", headers={"Accept": "text/html"}).text
    for href in types:
        assert f'<section class="term" id="{href.split("#", 1)[1]}">' in vocabulary


def test_an_unknown_path_under_the_base_is_404(served: Served) -> None:
    with served.client() as client:
        for path in ("/site-type/no-such-concept", "/ontology/0.1.0", "/nothing", "/%00"):
            assert client.get(path, headers={"Accept": "text/html"}).status_code == 404, path
            assert client.get(path, headers={"Accept": "text/turtle"}).json()["error"]["status"] == 404


# -- predicates by label, every source -------------------------------------------------------------------
def test_predicates_by_label_with_the_curie_on_hover_everywhere(served: Served) -> None:
    page = _page(served, "/id/actp-rf")
    cells = re.findall(r'<td class="predicate"><a href="[^"]*" title="([^"]+)"[^>]*>([^<]+)</a>', page)
    assert len(cells) > 5
    names = served.project.labels({f"{PREFIXES[c.split(':')[0]]}{c.split(':', 1)[1]}" for c, _ in cells})
    for curie, text in cells:
        iri = PREFIXES[curie.split(":")[0]] + curie.split(":", 1)[1]
        assert unescape(text) == term_name(iri, names)  # the label, never the CURIE itself
        assert not re.fullmatch(r"[a-z-]+:\S+", unescape(text))
    edges = re.findall(r'<g class="edge"><title>([^<]+)</title>.*?<text[^>]*>(.*?)</text>', page)
    shown = dict(cells)
    assert edges
    for titles, text in edges:  # the diagram says the same words as the tables, CURIEs on hover
        words = unescape(re.sub(r"<[^>]+>", " ", text)).split()
        assert words == ", ".join(unescape(shown[t]) for t in titles.split(", ")).split()


def test_every_source_of_a_record_is_shown(served: Served) -> None:
    found = served.project.query("""
        SELECT ?g ?entity (COUNT(DISTINCT ?doc) AS ?n) WHERE {
          ?g prov:wasDerivedFrom ?doc .
          GRAPH ?g { ?entity ?p ?o FILTER(?entity != ?g && STRSTARTS(STR(?entity), STR(kgr:))) }
        } GROUP BY ?g ?entity HAVING(COUNT(DISTINCT ?doc) > 1) ORDER BY DESC(?n) ?g ?entity LIMIT 1""")
    assert found.rows, "the graph has a record with several sources"
    graph, entity, _ = (t.value for t in found.rows[0])  # type: ignore[union-attr]
    documents = [
        r[0].value
        for r in served.project.query(f"SELECT ?d WHERE {{ <{graph}> prov:wasDerivedFrom ?d }}").rows
    ]  # type: ignore[union-attr]
    page = _page(served, "/" + entity.removeprefix("https://kg.example.org/"))
    item = page.split(f">{graph}</a>", 1)[1].split("</li>", 1)[0]
    linked = re.findall(r'<a href="([^"]+)" class="document">', item)
    assert sorted(unescape(h) for h in linked) == sorted(
        "/" + d.removeprefix("https://kg.example.org/") for d in documents
    )
