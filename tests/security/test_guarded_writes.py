"""A guarded write is judged by its whole effect: a removal that leaves other nodes
non-conforming is refused (422) and nothing is applied.

``DELETE WHERE { GRAPH ?g { kgr:actp-rf a ?t } }`` removes ACTP RF's types: the posts whose
``org:postIn`` is ACTP RF and the mission it organizes stop conforming, though the deleted
triples touch neither.
"""

from __future__ import annotations

import httpx

from security.live import TOKEN, LiveServer

JSON = {"Accept": "application/sparql-results+json"}
BREAKING = "PREFIX kgr: <https://kg.example.org/id/> DELETE WHERE { GRAPH ?g { kgr:actp-rf a ?t } }"


def _state(client: httpx.Client) -> tuple[int, bool]:
    count = client.get(
        "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}, headers=JSON
    )
    typed = client.get("/sparql", params={"query": "ASK { kgr:actp-rf a ?t }"}, headers=JSON)
    return int(count.json()["results"]["bindings"][0]["n"]["value"]), typed.json()["boolean"]


def test_a_delete_that_breaks_other_nodes_is_refused_and_changes_nothing(writable_server: LiveServer) -> None:
    with writable_server.client() as client:
        before = _state(client)
        assert before[1], "ACTP RF should be typed to begin with"
        response = client.post(
            "/sparql", data={"update": BREAKING}, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert response.status_code == 422, response.text[:500]
        report = response.json()["error"]["report"]
        assert not report["conforms"]
        assert _state(client) == before
