"""Limits: the query timeout, the body cap, no paths outside the routes, CORS off by default."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator

import httpx
import psutil
import pytest

from kg.server import Settings
from test_server_support import Served, fresh_project, running

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
QUICK = "SELECT ?label WHERE { <https://kg.example.org/id/actp-rf> skos:prefLabel ?label }"


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with running(fresh_project(), Settings(timeout=2, workers=2, max_body=4096)) as server:
        yield server


def test_runaway_query_is_cut_while_another_client_is_served(served: Served) -> None:
    before = set(served.worker_pids())
    outcome: dict[str, httpx.Response] = {}

    def runaway() -> None:
        with served.client() as client:
            outcome["runaway"] = client.get("/sparql", params={"query": RUNAWAY})

    thread = threading.Thread(target=runaway)
    thread.start()
    served_meanwhile = 0
    with served.client(source="127.0.0.2") as client:  # another client: another address
        while thread.is_alive():
            response = client.get(
                "/sparql", params={"query": QUICK}, headers={"Accept": "application/sparql-results+json"}
            )
            assert response.status_code == 200
            labels = {b["label"]["value"] for b in response.json()["results"]["bindings"]}
            assert labels, "the other client got an empty answer"
            if thread.is_alive():
                served_meanwhile += 1
    thread.join()
    cut = outcome["runaway"]
    assert cut.status_code == 504
    assert cut.json()["error"]["status"] == 504
    assert "stopped" in cut.json()["error"]["detail"]
    assert served_meanwhile >= 1
    after = set(served.worker_pids())
    killed = before - after
    assert len(killed) == 1, "the worker running the runaway query was replaced"
    assert not any(psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie" for pid in killed)
    assert len(after) == 2
    with served.client() as client:
        assert client.get("/sparql", params={"query": QUICK}).status_code == 200


PATHOLOGICAL_PATHS = """SELECT (COUNT(*) AS ?n) WHERE {
  ?a (!<urn:x:none>|^!<urn:x:none>)* ?b .
  ?c (!<urn:x:none>|^!<urn:x:none>)* ?d .
  ?e (!<urn:x:none>|^!<urn:x:none>)* ?f .
}"""


def test_a_pathological_property_path_is_stopped_by_the_timeout(served: Served) -> None:
    # every node reaches every other along any link, three times over: far beyond any timeout
    with served.client() as client:
        cut = client.get("/sparql", params={"query": PATHOLOGICAL_PATHS})
        assert cut.status_code == 504
        assert cut.json()["error"]["status"] == 504
        assert client.get("/sparql", params={"query": QUICK}).status_code == 200
    assert len(served.worker_pids()) == 2


def test_declared_oversized_body_is_413(served: Served) -> None:
    with served.client() as client:
        response = client.post("/sparql", data={"query": "ASK {}" + " " * 5000})
    assert response.status_code == 413
    assert response.json() == {
        "error": {
            "status": 413,
            "title": "Request Entity Too Large",
            "detail": "the request body is larger than the server accepts (4096 bytes, --max-body)",
        }
    }


def test_streamed_oversized_body_is_413(served: Served) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"ASK {}"
        for _ in range(10):
            yield b" " * 1000

    with served.client() as client:
        response = client.post(
            "/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"}
        )
    assert response.status_code == 413
    assert response.json()["error"]["status"] == 413


def test_oversized_upload_on_the_validation_page_is_413(served: Served) -> None:
    with served.client() as client:
        response = client.post(
            "/validate", files={"file": ("big.ttl", b"#" * 10_000)}, headers={"Accept": "text/html"}
        )
    assert response.status_code == 413
    assert "Too large" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/static/../app.py",
        "/static/../../../../etc/passwd",
        "/static/",
        "/static",
        "/templates/base.html",
        "/id/../../etc/passwd",
        "/src/kg/server/app.py",
        "/.git/config",
    ],
)
def test_no_path_outside_the_routes(served: Served, path: str) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    done = subprocess.run(
        ["curl", "-sS", "--path-as-is", "-o", "/dev/stdout", "-w", "\n%{http_code}", served.url + path],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    body, status = done.stdout.rsplit("\n", 1)
    assert status in ("404", "307"), body
    assert "root:" not in body and "import" not in body and "[core]" not in body


def test_cors_is_off_by_default(served: Served) -> None:
    with served.client() as client:
        response = client.get(
            "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://elsewhere.example"}
        )
    assert "access-control-allow-origin" not in response.headers


def test_cors_origin_can_be_allowed() -> None:
    origin = "https://app.example"
    with running(fresh_project(), Settings(cors_origin=(origin,))) as served, served.client() as client:
        allowed = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": origin})
        other = client.get(
            "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://elsewhere.example"}
        )
    assert allowed.headers["access-control-allow-origin"] == origin
    assert "access-control-allow-origin" not in other.headers
