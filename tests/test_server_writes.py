"""Guarded writes: read-only by default; with --allow-updates, a token, and only changes that
keep the graph conforming to the shapes (otherwise 422 with the report, nothing applied)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import rdflib

from kg.server import Settings
from test_server_support import Served, fresh_project, running

TOKEN = "correct horse battery staple"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PROLOGUE = """PREFIX kgr: <https://kg.example.org/id/>
PREFIX kgg: <https://kg.example.org/graph/>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
BREAKING = (
    PROLOGUE
    + """INSERT DATA { GRAPH kgg:test-bad-date {
  kgr:actp-rf schema:foundingDate "sometime in spring" } }"""
)
CONFORMING = (
    PROLOGUE
    + """INSERT DATA { GRAPH kgg:test-alt-label {
  kgg:test-alt-label prov:wasDerivedFrom kgr:actp-rf-business-mission-results .
  kgr:actp-rf skos:altLabel "Cluster association"@en } }"""
)
ASK_ALT = PROLOGUE + 'ASK { kgr:actp-rf skos:altLabel "Cluster association"@en }'
ASK_DATE = PROLOGUE + "ASK { kgr:actp-rf schema:foundingDate ?d }"
GRAPH = "https://kg.example.org/graph/test-gsp"
TURTLE = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://kg.example.org/id/actp-rf> skos:altLabel "ACTP"@en .
<https://kg.example.org/graph/test-gsp> <http://www.w3.org/ns/prov#wasDerivedFrom>
    <https://kg.example.org/id/actp-rf-business-mission-results> .
"""
BAD_TURTLE = """@prefix schema: <https://schema.org/> .
<https://kg.example.org/id/actp-rf> schema:foundingDate "not a date" .
"""


@pytest.fixture(scope="module")
def read_only() -> Iterator[Served]:
    with running(fresh_project()) as server:
        yield server


@pytest.fixture
def writable() -> Iterator[Served]:
    settings = Settings(allow_updates=True, token=TOKEN, write_timeout=120)
    with running(fresh_project(), settings) as server:
        yield server


def ask(served: Served, query: str) -> bool:
    with served.client() as client:
        response = client.get(
            "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
        )
    assert response.status_code == 200
    value: bool = response.json()["boolean"]
    return value


def test_read_only_server_refuses_updates_with_403(read_only: Served) -> None:
    with read_only.client() as client:
        update = client.post(
            "/sparql", content=CONFORMING, headers={"Content-Type": "application/sparql-update", **AUTH}
        )
        form = client.post("/sparql", data={"update": CONFORMING}, headers=AUTH)
        put = client.put(
            "/rdf-graphs/service",
            params={"graph": GRAPH},
            content=TURTLE,
            headers={"Content-Type": "text/turtle", **AUTH},
        )
    for response in (update, form, put):
        assert response.status_code == 403
        assert "read-only" in response.json()["error"]["detail"]
    assert not ask(read_only, ASK_ALT)


def test_missing_or_wrong_token_is_401(writable: Served) -> None:
    with writable.client() as client:
        missing = client.post(
            "/sparql", content=CONFORMING, headers={"Content-Type": "application/sparql-update"}
        )
        wrong = client.post(
            "/sparql",
            content=CONFORMING,
            headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer guess"},
        )
        delete = client.delete("/rdf-graphs/service", params={"graph": GRAPH})
    for response in (missing, wrong, delete):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["error"]["status"] == 401
    assert not ask(writable, ASK_ALT)


def test_shape_breaking_update_is_refused_and_nothing_changes(writable: Served) -> None:
    store = writable.project.store
    before = set(store.quads())
    with writable.client() as client:
        response = client.post(
            "/sparql", content=BREAKING, headers={"Content-Type": "application/sparql-update", **AUTH}
        )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["status"] == 422
    report = error["report"]
    assert report["conforms"] is False
    assert any(
        f["focus"] == "https://kg.example.org/id/actp-rf"
        and f["path"].endswith("foundingDate>")
        and f["severity"] == "Violation"
        for f in report["findings"]
    )
    assert set(store.quads()) == before
    assert not ask(writable, ASK_DATE)


def test_conforming_update_is_applied_and_seen_by_the_next_query(writable: Served) -> None:
    assert not ask(writable, ASK_ALT)
    with writable.client() as client:
        response = client.post("/sparql", data={"update": CONFORMING}, headers=AUTH)
    assert response.status_code == 200, response.text
    assert response.json()["added"] == 2  # the fact and its graph's source
    assert ask(writable, ASK_ALT)
    with writable.client() as client:
        page = client.get("/id/actp-rf", headers={"Accept": "text/html"})
    assert "Cluster association" in page.text


def test_graph_store_put_get_delete(writable: Served) -> None:
    with writable.client() as client:
        put = client.put(
            "/rdf-graphs/service",
            params={"graph": GRAPH},
            content=TURTLE,
            headers={"Content-Type": "text/turtle", **AUTH},
        )
        assert put.status_code == 201, put.text
        got = client.get("/rdf-graphs/service", params={"graph": GRAPH}, headers={"Accept": "text/turtle"})
        assert got.status_code == 200
        graph = rdflib.Graph().parse(data=got.text, format="turtle")
        assert (
            rdflib.URIRef("https://kg.example.org/id/actp-rf"),
            rdflib.SKOS.altLabel,
            rdflib.Literal("ACTP", lang="en"),
        ) in graph
        bad = client.post(
            "/rdf-graphs/service",
            params={"graph": GRAPH},
            content=BAD_TURTLE,
            headers={"Content-Type": "text/turtle", **AUTH},
        )
        assert bad.status_code == 422
        assert bad.json()["error"]["report"]["conforms"] is False
        deleted = client.delete("/rdf-graphs/service", params={"graph": GRAPH}, headers=AUTH)
        assert deleted.status_code == 200
        assert deleted.json()["removed"] == 2
        gone = client.get("/rdf-graphs/service", params={"graph": GRAPH})
        assert gone.status_code == 404
        assert gone.json()["error"]["status"] == 404
    assert not ask(writable, ASK_DATE)


def test_load_is_refused_even_with_the_token(writable: Served) -> None:
    with writable.client() as client:
        response = client.post(
            "/sparql",
            content="LOAD <http://127.0.0.1:9/data.ttl>",
            headers={"Content-Type": "application/sparql-update", **AUTH},
        )
    assert response.status_code == 403
    assert "LOAD" in response.json()["error"]["detail"]


def test_bad_update_syntax_is_400(writable: Served) -> None:
    with writable.client() as client:
        response = client.post(
            "/sparql",
            content="INSERT DATA { <a> ",
            headers={"Content-Type": "application/sparql-update", **AUTH},
        )
    assert response.status_code == 400
    assert response.json()["error"]["detail"].startswith("<query>:1:")


def test_service_description_lists_update_when_allowed(writable: Served) -> None:
    with writable.client() as client:
        text = client.get("/sparql", headers={"Accept": "text/turtle"}).text
    assert "sd:SPARQL11Update" in text
