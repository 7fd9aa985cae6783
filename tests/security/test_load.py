"""No request stalls the server: cliques, huge results, slow uploads and looping runaway queries
end at ``--timeout`` or at a size cap, in a worker, while other clients are answered.

Clients are told apart by address, as the server shares its workers: the attacker speaks from
127.0.0.1, the others from 127.0.0.2 and 127.0.0.3 (all loopback).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from security.conftest import DEFAULT_TIMEOUT
from security.live import LiveServer

JSON = {"Accept": "application/sparql-results+json"}
CHEAP = "SELECT ?label WHERE { <https://kg.example.org/id/actp-rf> skos:prefLabel ?label }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def clique_construct(size: int) -> str:
    """The issue's CONSTRUCT: a complete bipartite graph of blank nodes, K(size, size)."""
    values = " ".join(str(i) for i in range(size))
    return (
        "CONSTRUCT { ?a <http://127.0.0.1:1/p> ?b } WHERE { "
        f"{{ SELECT ?i (BNODE() AS ?a) WHERE {{ VALUES ?i {{ {values} }} }} }} "
        f"{{ SELECT ?j (BNODE() AS ?b) WHERE {{ VALUES ?j {{ {values} }} }} }} }}"
    )


def doubled(times: int) -> str:
    """BINDs that double a one-character string ``times`` times (2**times characters)."""
    return " ".join(f"BIND(CONCAT(?s{k}, ?s{k}) AS ?s{k + 1})" for k in range(times))


HUGE = (
    "SELECT ?big WHERE { VALUES ?i { " + " ".join(str(i) for i in range(400)) + " } "
    'BIND("x" AS ?s0) ' + doubled(20) + " BIND(CONCAT(?s20, STR(?i)) AS ?big) }"
)
"""400 rows of 1 MiB strings: a 420 MB response."""
GIANT = 'SELECT (STRLEN(?s29) AS ?n) WHERE { BIND("x" AS ?s0) ' + doubled(29) + " }"
"""One value of 512 MiB, built in the engine: past the workers' memory ceiling."""


@dataclass
class Timed:
    status: int = 0
    seconds: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    failed: str = ""


def timed(server: LiveServer, source: str, query: str, accept: str, out: Timed) -> None:
    start = time.monotonic()
    try:
        with server.client(source=source, timeout=60) as client:
            response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
            out.status = response.status_code
            out.headers = dict(response.headers)
    except httpx.HTTPError as error:
        out.failed = repr(error)
    out.seconds = time.monotonic() - start


def cheap_latencies(
    server: LiveServer, source: str, busy: list[threading.Thread], limit: float = 40.0
) -> list[float]:
    """A cheap query asked again and again while any of ``busy`` runs (bounded)."""
    latencies: list[float] = []
    deadline = time.monotonic() + limit
    with server.client(source=source, timeout=30) as client:
        for _ in range(400):
            if not any(t.is_alive() for t in busy) or time.monotonic() > deadline:
                break
            start = time.monotonic()
            response = client.get("/sparql", params={"query": CHEAP}, headers=JSON)
            latencies.append(time.monotonic() - start)
            assert response.status_code == 200, response.text[:200]
            assert response.json()["results"]["bindings"], "an empty answer"
            time.sleep(0.05)
    return latencies


def test_while_a_clique_a_huge_result_and_a_runaway_run_another_client_is_answered(
    server: LiveServer,
) -> None:
    clique, huge, runaway = Timed(), Timed(), Timed()
    attacks = [
        threading.Thread(
            target=timed, args=(server, "127.0.0.1", clique_construct(8), "text/turtle", clique)
        ),
        threading.Thread(
            target=timed, args=(server, "127.0.0.1", HUGE, "application/sparql-results+json", huge)
        ),
        threading.Thread(
            target=timed, args=(server, "127.0.0.1", RUNAWAY, "application/sparql-results+json", runaway)
        ),
    ]
    for attack in attacks:
        attack.start()
        time.sleep(0.05)
    latencies = cheap_latencies(server, "127.0.0.2", attacks)
    for attack in attacks:
        attack.join(60)
    assert len(latencies) >= 5, latencies
    assert max(latencies) < 1.0, latencies
    limit = DEFAULT_TIMEOUT + 1.0
    assert not (clique.failed or huge.failed or runaway.failed)
    # K8,8: past the labelling budget, answered with the engine's labels (or cut at --timeout)
    assert (clique.status, clique.headers.get("kg-canonical")) in ((200, "false"), (504, None))
    assert clique.seconds < limit, clique
    # the attacker's requests share one worker: each ends at its size cap or at --timeout
    assert huge.status in (413, 504) and huge.seconds < limit, huge
    assert runaway.status == 504 and DEFAULT_TIMEOUT - 0.5 < runaway.seconds < limit, runaway
    assert server.peak_memory() < 600 * 1024 * 1024, "the server itself held a huge result"
    print(
        f"cheap query while attacked: {len(latencies)} answers, max {max(latencies):.3f} s; "
        f"K8,8 {clique.status} in {clique.seconds:.2f} s, 420 MB query {huge.status} in "
        f"{huge.seconds:.2f} s, runaway {runaway.status} in {runaway.seconds:.2f} s; server "
        f"peak {server.peak_memory() // 2**20} MiB"
    )


def test_a_huge_result_is_cut_at_the_byte_cap_in_the_worker(server: LiveServer) -> None:
    """400 rows of 1 MiB: 413 as soon as the result passes --max-result-bytes, long before
    --timeout, and the server process never holds it."""
    with server.client() as client:
        start = time.monotonic()
        response = client.get("/sparql", params={"query": HUGE}, headers=JSON)
        seconds = time.monotonic() - start
    assert response.status_code == 413, response.text[:300]
    assert "--max-result-bytes" in response.json()["error"]["detail"]
    assert seconds < DEFAULT_TIMEOUT
    assert server.peak_memory() < 600 * 1024 * 1024
    print(f"420 MB query: 413 in {seconds:.2f} s; server peak {server.peak_memory() // 2**20} MiB")


def _third_client_keeps_its_worker(server: LiveServer, attackers_headers: list[dict[str, str]]) -> None:
    """Runaway loops from 127.0.0.1, one per entry of ``attackers_headers`` (the headers each
    sends), while a cheap query from 127.0.0.3 is asked again and again: it is answered
    quickly throughout, and every runaway ends at the timeout."""
    stop = threading.Event()
    outcomes: list[int] = []

    def loop(headers: dict[str, str]) -> None:
        with server.client(source="127.0.0.1", timeout=30, headers=headers) as client:
            for _ in range(3):
                if stop.is_set():
                    return
                outcomes.append(client.get("/sparql", params={"query": RUNAWAY}).status_code)

    attackers = [threading.Thread(target=loop, args=(headers,)) for headers in attackers_headers]
    for attacker in attackers:
        attacker.start()
    time.sleep(0.3)
    latencies = cheap_latencies(server, "127.0.0.3", attackers, limit=2 * DEFAULT_TIMEOUT + 1)
    stop.set()
    for attacker in attackers:
        attacker.join(30)
    assert len(latencies) >= 5
    assert max(latencies) < 1.0, latencies
    assert outcomes and set(outcomes) <= {504}


def test_two_clients_looping_runaway_queries_do_not_starve_a_third(server: LiveServer) -> None:
    # both attackers speak from one address, as two pages in one browser would
    _third_client_keeps_its_worker(server, [{}, {}])


def test_a_forwarded_for_header_does_not_make_one_client_many(server: LiveServer) -> None:
    """Two loops from one address, each claiming another origin with ``X-Forwarded-For``: the
    server still counts them as one client (it believes no proxy header), so a third client
    keeps its worker."""
    _third_client_keeps_its_worker(
        server, [{"X-Forwarded-For": "127.0.0.10"}, {"X-Forwarded-For": "127.0.0.11"}]
    )


def test_a_worker_past_its_memory_ceiling_is_stopped_and_replaced(server: LiveServer) -> None:
    with server.client() as client:
        start = time.monotonic()
        response = client.get("/sparql", params={"query": GIANT}, headers=JSON)
        seconds = time.monotonic() - start
        assert response.status_code == 413, response.text[:300]
        assert "more memory than a query worker may use" in response.json()["error"]["detail"]
        assert seconds < DEFAULT_TIMEOUT + 1.0
        assert client.get("/sparql", params={"query": CHEAP}, headers=JSON).status_code == 200
    assert len(server.workers()) == 2


def test_an_upload_to_validate_obeys_the_timeout(server: LiveServer, tmp_path: Path) -> None:
    """A 1.9 MB contribution takes seconds to validate in context: cut at --timeout."""
    lines = [
        "@prefix org: <http://www.w3.org/ns/org#> .",
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .",
        "@prefix prov: <http://www.w3.org/ns/prov#> .",
        "<https://kg.example.org/graph/upload> { <https://kg.example.org/graph/upload> "
        "prov:wasDerivedFrom <https://kg.example.org/id/upload-source> .",
    ]
    for i in range(8000):
        lines.append(
            f"<https://kg.example.org/id/post-{i}> a org:Post ; org:postIn "
            f"<https://kg.example.org/id/actp-rf> ; org:heldBy "
            f"<https://kg.example.org/id/person-{i}> . <https://kg.example.org/id/"
            f'person-{i}> a foaf:Person ; foaf:name "Person {i}" .'
        )
    lines.append("}")
    data = "\n".join(lines).encode()
    assert 1_500_000 < len(data) < 2 * 1024 * 1024
    with server.client() as client:
        start = time.monotonic()
        response = client.post(
            "/validate", files={"file": ("upload.trig", data)}, headers={"Accept": "application/json"}
        )
        seconds = time.monotonic() - start
        assert response.status_code in (200, 504), response.text[:300]
        assert seconds < DEFAULT_TIMEOUT + 1.5, seconds
        assert client.get("/sparql", params={"query": CHEAP}, headers=JSON).status_code == 200
