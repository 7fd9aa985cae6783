"""The SPARQL 1.1 Protocol endpoint, driven over HTTP by SPARQLWrapper and by curl."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections.abc import Iterator

import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, JSONLD, N3, TSV, TURTLE, XML, SPARQLWrapper

from kg.server import Settings
from test_server_support import GREAT_STONE, Served, fresh_project, running

LABELS = {"Great Stone Industrial Park", "Великий камень", "Вялікі камень"}
SELECT = f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label WHERE {{ <{GREAT_STONE}> skos:prefLabel ?label }} ORDER BY ?label"""
CONSTRUCT = f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
CONSTRUCT {{ <{GREAT_STONE}> skos:prefLabel ?label }} WHERE {{ <{GREAT_STONE}> skos:prefLabel ?label }}"""


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with running(fresh_project(), Settings(max_rows=50)) as server:
        yield server


def wrapper(served: Served, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(served.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


# -- SPARQLWrapper, every results format ------------------------------------------------------
def test_sparqlwrapper_json(served: Served) -> None:
    result = wrapper(served, SELECT, JSON).query().convert()
    assert result["head"]["vars"] == ["label"]
    bindings = result["results"]["bindings"]
    assert {b["label"]["value"] for b in bindings} == LABELS
    assert {b["label"]["xml:lang"] for b in bindings} == {"en", "ru", "be"}


def test_sparqlwrapper_xml(served: Served) -> None:
    document = wrapper(served, SELECT, XML).query().convert()
    literals = document.getElementsByTagName("literal")
    assert {node.firstChild.data for node in literals} == LABELS
    assert {node.getAttribute("xml:lang") for node in literals} == {"en", "ru", "be"}


def test_sparqlwrapper_csv(served: Served) -> None:
    body = wrapper(served, SELECT, CSV).query().convert()
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[0] == ["label"]
    assert {row[0] for row in rows[1:]} == LABELS


def test_sparqlwrapper_tsv(served: Served) -> None:
    body = wrapper(served, SELECT, TSV).query().convert()
    lines = body.decode().splitlines()
    assert lines[0] == "?label"
    assert set(lines[1:]) == {'"Great Stone Industrial Park"@en', '"Великий камень"@ru', '"Вялікі камень"@be'}


def test_sparqlwrapper_ask(served: Served) -> None:
    query = f"ASK {{ <{GREAT_STONE}> ?p ?o }}"
    assert wrapper(served, query, JSON).query().convert()["boolean"] is True
    document = wrapper(served, query, XML).query().convert()
    assert document.getElementsByTagName("boolean")[0].firstChild.data == "true"


# SPARQLWrapper converts RDF into an rdflib ConjunctiveGraph, which rdflib 7 deprecates.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("fmt", [TURTLE, N3, XML, JSONLD])
def test_sparqlwrapper_construct(served: Served, fmt: str) -> None:
    converted = wrapper(served, CONSTRUCT, fmt).query().convert()
    graph = (
        converted
        if isinstance(converted, rdflib.Graph)
        else rdflib.Graph().parse(data=converted, format="turtle")
    )
    assert {str(o) for o in graph.objects()} == LABELS
    assert len(graph) == 3


def test_sparqlwrapper_post(served: Served) -> None:
    client = wrapper(served, SELECT, JSON)
    client.setMethod("POST")
    result = client.query().convert()
    assert {b["label"]["value"] for b in result["results"]["bindings"]} == LABELS


# -- content negotiation over plain HTTP -----------------------------------------------------
@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ],
)
def test_select_media_types(served: Served, accept: str, media: str) -> None:
    with served.client() as client:
        response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert "Great Stone Industrial Park" in response.text


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_media_types(served: Served, accept: str, fmt: str) -> None:
    with served.client() as client:
        response = client.post(
            "/sparql",
            content=CONSTRUCT.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": accept},
        )
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    graph = rdflib.Graph().parse(data=response.content, format=fmt)
    assert {str(o) for o in graph.objects()} == LABELS


def test_unacceptable_format_is_406(served: Served) -> None:
    with served.client() as client:
        response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.json()["error"]["status"] == 406


def test_service_description(served: Served) -> None:
    with served.client() as client:
        response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = rdflib.URIRef(served.url + "/sparql")
    assert (service, rdflib.RDF.type, sd.Service) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Update) not in graph


def test_bad_query_is_400_with_the_parser_message(served: Served) -> None:
    with served.client() as client:
        response = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?p }"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert error["detail"].startswith("<query>:1:")
    assert "expected" in error["detail"]


def test_update_sent_as_query_is_refused(served: Served) -> None:
    with served.client() as client:
        response = client.get("/sparql", params={"query": "DROP ALL"})
    assert response.status_code == 400
    assert "Update" in response.json()["error"]["detail"]


def test_service_clause_refused_by_default(served: Served) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    with served.client() as client:
        response = client.get("/sparql", params={"query": query})
        quoted = client.get(
            "/sparql", params={"query": 'SELECT ?service WHERE { BIND("SERVICE LOAD" AS ?service) }'}
        )
    assert response.status_code == 403
    assert "SERVICE" in response.json()["error"]["detail"]
    assert quoted.status_code == 200  # the words inside a string or a variable are data


def test_rows_are_capped(served: Served) -> None:
    with served.client() as client:
        response = client.get(
            "/sparql",
            params={"query": "SELECT * WHERE { ?s ?p ?o }"},
            headers={"Accept": "application/sparql-results+json"},
        )
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 50
    assert response.headers["kg-results-truncated"] == "50"


def test_browser_is_sent_to_the_query_page(served: Served) -> None:
    with served.client() as client:
        response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/html"})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/query?query=")


# -- curl as a client ------------------------------------------------------------------------
def curl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["curl", "-sS", "--max-time", "60", *args], capture_output=True, text=True, check=False, timeout=90
    )


@pytest.fixture
def has_curl() -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")


@pytest.mark.usefixtures("has_curl")
def test_curl_get_json(served: Served) -> None:
    done = curl(
        "-G",
        served.url + "/sparql",
        "--data-urlencode",
        f"query={SELECT}",
        "-H",
        "Accept: application/sparql-results+json",
    )
    assert done.returncode == 0, done.stderr
    values = {b["label"]["value"] for b in json.loads(done.stdout)["results"]["bindings"]}
    assert values == LABELS


@pytest.mark.usefixtures("has_curl")
def test_curl_post_form_csv(served: Served) -> None:
    done = curl(
        served.url + "/sparql",
        "--data-urlencode",
        f"query={SELECT}",
        "-H",
        "Accept: text/csv",
        "-w",
        "\n%{content_type}",
    )
    body, content_type = done.stdout.rsplit("\n", 1)
    assert content_type.startswith("text/csv")
    assert set(body.replace("\r", "").split("\n")[1:]) - {""} == LABELS


@pytest.mark.usefixtures("has_curl")
def test_curl_post_direct_turtle(served: Served) -> None:
    done = curl(
        served.url + "/sparql",
        "-H",
        "Content-Type: application/sparql-query",
        "-H",
        "Accept: text/turtle",
        "--data-binary",
        CONSTRUCT,
    )
    graph = rdflib.Graph().parse(data=done.stdout, format="turtle")
    assert {str(o) for o in graph.objects()} == LABELS


@pytest.mark.usefixtures("has_curl")
def test_curl_bad_query_status(served: Served) -> None:
    done = curl("-G", served.url + "/sparql", "--data-urlencode", "query=ASK {", "-w", "\n%{http_code}")
    body, status = done.stdout.rsplit("\n", 1)
    assert status == "400"
    assert json.loads(body)["error"]["detail"].startswith("<query>:1:")
