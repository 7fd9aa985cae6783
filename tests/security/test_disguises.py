"""No request makes the server fetch a URL: SERVICE and LOAD in every disguise, on every route.

Each request aims at a loopback listener that answers like a SPARQL endpoint; over the whole
corpus it must receive no connection. A control server started with ``--allow-service`` proves
that each disguise marked as fetching really does make Oxigraph connect, so the zero above is
the defences' doing, not the corpus being harmless.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator

import httpx
import pytest

import kg
from security.corpus import DECOYS, QUERIES, UPDATES, Disguise
from security.live import ROOT, TOKEN, LiveServer, copy_project, serving
from security.loopback import Listener

JSON = {"Accept": "application/sparql-results+json"}
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FETCHING_QUERIES = [d for d in QUERIES if d.fetches]
FETCHING_UPDATES = [d for d in UPDATES if d.fetches]


def test_the_corpus_is_large_and_mostly_real() -> None:
    assert len(QUERIES) + len(UPDATES) >= 50
    assert len(FETCHING_QUERIES) + len(FETCHING_UPDATES) >= 45


def _query_routes(client: httpx.Client, text: str) -> Iterator[tuple[str, httpx.Response]]:
    """The query on every route that takes SPARQL from a client: the protocol endpoint by GET,
    by form and by direct POST, and the SPARQL page by GET and by form."""
    yield "GET /sparql", client.get("/sparql", params={"query": text}, headers=JSON)
    yield "POST form /sparql", client.post("/sparql", data={"query": text}, headers=JSON)
    yield (
        "POST /sparql",
        client.post(
            "/sparql", content=text.encode(), headers={**JSON, "Content-Type": "application/sparql-query"}
        ),
    )
    yield "GET /query", client.get("/query", params={"query": text}, headers={"Accept": "text/html"})
    yield "POST form /query", client.post("/query", data={"query": text}, headers={"Accept": "text/html"})


def _refused(route: str, response: httpx.Response, disguise: Disguise) -> bool:
    """Whether the route refused the request, and said why."""
    if route.endswith("/query"):  # the page shows the error under the form
        return response.status_code == 400 and (
            "is disabled on this server" in response.text or "could not be checked" in response.text
        )
    expected = 403 if disguise.parses else 400
    return response.status_code == expected and response.json()["error"]["status"] == expected


@pytest.mark.parametrize("disguise", QUERIES, ids=str)
def test_a_disguised_service_is_refused_on_every_query_route(
    server: LiveServer, listener: Listener, disguise: Disguise
) -> None:
    text = disguise.text(listener.port)
    with server.client() as client:
        for route, response in _query_routes(client, text):
            assert _refused(route, response, disguise), (route, response.status_code, response.text[:300])
    assert listener.wait_for(1, 0.1) == 0


@pytest.mark.parametrize("disguise", DECOYS, ids=str)
def test_a_decoy_that_only_looks_like_service_is_answered(
    server: LiveServer, listener: Listener, disguise: Disguise
) -> None:
    with server.client() as client:
        for route, response in _query_routes(client, disguise.text(listener.port)):
            assert response.status_code == 200, (route, response.text[:300])
    assert listener.connections == 0


@pytest.mark.parametrize("disguise", UPDATES, ids=str)
def test_a_disguised_load_or_service_in_an_update_is_refused_with_the_token(
    writable_server: LiveServer, listener: Listener, disguise: Disguise
) -> None:
    text = disguise.text(listener.port)
    expected = 403 if disguise.parses else 400
    with writable_server.client() as client:
        before = _triples(client)
        form = client.post("/sparql", data={"update": text}, headers=AUTH)
        direct = client.post(
            "/sparql", content=text.encode(), headers={**AUTH, "Content-Type": "application/sparql-update"}
        )
        for response in (form, direct):
            assert response.status_code == expected, response.text[:300]
        assert _triples(client) == before
    assert listener.wait_for(1, 0.1) == 0


def _triples(client: httpx.Client) -> int:
    answer = client.get(
        "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}, headers=JSON
    )
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_an_update_by_get_is_never_run(server: LiveServer, listener: Listener) -> None:
    with server.client() as client:
        response = client.get("/sparql", params={"update": f"LOAD <{listener.base}>"})
    assert response.status_code == 400
    assert listener.connections == 0


def test_named_query_parameters_cannot_carry_a_service(server: LiveServer, listener: Listener) -> None:
    hostile = [
        f"<{listener.base}sparql>",
        f'"x" }} SERVICE <{listener.base}> {{ ?a ?b ?c',
        f"> }} SERVICE <{listener.base}sparql> {{ ?a ?b ?c }} #",
    ]
    queries = kg.open_project(ROOT).named_queries.values()
    answered = 0
    with server.client() as client:
        for named, value in itertools.product(queries, hostile):
            chosen = {p.name: value for p in named.parameters}
            for response in (
                client.get(
                    f"/queries/{named.name}", params={**chosen, "run": "1"}, headers={"Accept": "text/html"}
                ),
                client.get(f"/queries/{named.name}.json", params=chosen),
                client.get(f"/queries/{named.name}.csv", params=chosen),
            ):
                assert response.status_code in (200, 400), response.text[:300]
                answered += response.status_code == 200
    assert answered > 0, "no named query ran at all: the test would prove nothing"
    assert listener.wait_for(1, 0.1) == 0


def test_uploads_to_validate_never_fetch(server: LiveServer, listener: Listener) -> None:
    remote_context = json.dumps(
        {"@context": f"{listener.base}context.jsonld", "@id": "https://kg.example.org/id/x", "name": "x"}
    )
    entity = (
        f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "{listener.base}e">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&e;</rdf:RDF>'
    )
    service_text = (
        f"<https://kg.example.org/graph/g> {{ <https://kg.example.org/id/x> "
        f"<https://schema.org/url> <{listener.base}sparql> }}"
    )
    with server.client() as client:
        assert client.get("/validate", headers={"Accept": "text/html"}).status_code == 200
        for data, fmt in ((remote_context, "jsonld"), (entity, "xml"), (service_text, "trig")):
            by_file = client.post(
                "/validate",
                files={"file": (f"upload.{fmt}", data.encode())},
                data={"format": fmt},
                headers={"Accept": "application/json"},
            )
            by_text = client.post(
                "/validate", data={"text": data, "format": fmt}, headers={"Accept": "application/json"}
            )
            for response in (by_file, by_text):
                assert response.status_code in (200, 400), response.text[:300]
    assert listener.wait_for(1, 0.1) == 0


@pytest.fixture(scope="module")
def control(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    project = copy_project(tmp_path_factory.mktemp("control") / "project")
    with serving(project, "--allow-service", "--allow-updates", "--timeout", "10") as running:
        yield running


@pytest.mark.parametrize("disguise", FETCHING_QUERIES + FETCHING_UPDATES, ids=str)
def test_control_each_fetching_disguise_reaches_the_listener_when_allowed(
    control: LiveServer, listener: Listener, disguise: Disguise
) -> None:
    text = disguise.text(listener.port)
    with control.client() as client:
        if disguise.kind == "query":
            client.get("/sparql", params={"query": text}, headers=JSON)
        else:
            client.post("/sparql", data={"update": text}, headers=AUTH)
    assert listener.wait_for(1, 5) >= 1


@pytest.mark.parametrize("disguise", [d for d in QUERIES + UPDATES if not d.fetches], ids=str)
def test_control_disguises_marked_harmless_do_not_fetch_even_when_allowed(
    control: LiveServer, listener: Listener, disguise: Disguise
) -> None:
    text = disguise.text(listener.port)
    with control.client() as client:
        if disguise.kind == "query":
            client.get("/sparql", params={"query": text}, headers=JSON)
        else:
            client.post("/sparql", data={"update": text}, headers=AUTH)
    assert listener.wait_for(1, 0.3) == 0


def test_listener_counts_connections(listener: Listener) -> None:
    with httpx.Client(timeout=5) as client:
        assert client.get(listener.base).status_code == 200
    assert listener.connections == 1
