"""A remote store: what it writes and how, and every way an endpoint can fail, each one line
(``kg: error: ...``, exit 2), never a traceback, and never half a write.

The odd servers are tiny stdlib HTTP servers in a thread; the real one is ``oxigraph serve``."""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import run_kg
from kg.errors import EndpointError, QuerySyntaxError, RdfSyntaxError, ReadOnlyQueryError, UsageError
from kg.store.remote import DEFAULT_GRAPH, RemoteStore
from kg.terms import BlankNode, DefaultGraph, Literal, NamedNode, Quad
from servers import SparqlServer, free_port, oxigraph_endpoint

__all__ = ["oxigraph_endpoint"]  # a fixture, used by name

EX = "http://example.com/"
ASK_TRUE = json.dumps({"head": {}, "boolean": True}).encode()


@dataclass
class Reply:
    status: int = 200
    body: bytes = ASK_TRUE
    media_type: str = "application/sparql-results+json"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class StubEndpoint:
    """An HTTP server whose answers a test chooses; it records what it was sent."""

    url: str
    received: list[dict[str, str]]
    answer: Callable[[dict[str, str]], Reply]


@pytest.fixture
def stub() -> Iterator[Callable[[Callable[[dict[str, str]], Reply]], StubEndpoint]]:
    servers: list[ThreadingHTTPServer] = []
    release = threading.Event()

    def start(answer: Callable[[dict[str, str]], Reply]) -> StubEndpoint:
        received: list[dict[str, str]] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                request = {k: v[0] for k, v in form.items()}
                request["authorization"] = self.headers.get("Authorization", "")
                received.append(request)
                reply = answer(request)
                if reply.status == 0:  # never answer: wait until the test is over
                    release.wait()
                    return
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.media_type)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return StubEndpoint(f"http://127.0.0.1:{server.server_port}/sparql", received, answer)

    yield start
    release.set()
    for server in servers:
        server.shutdown()
        server.server_close()


def _one_line_error(*args: str) -> str:
    result = run_kg(*args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("kg: error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def _always(reply: Reply) -> Callable[[dict[str, str]], Reply]:
    return lambda request: reply


# -- failures ---------------------------------------------------------------------------------
def test_an_unreachable_endpoint() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(EndpointError, match="cannot reach the endpoint"):
        RemoteStore(url).query("ASK {}")
    assert "cannot reach the endpoint" in _one_line_error("--endpoint", url, "stats")


@pytest.mark.parametrize(("status", "said"), [(401, "refused the login"), (403, "refused access")])
def test_a_refused_login(stub: Callable[..., StubEndpoint], status: int, said: str) -> None:
    server = stub(_always(Reply(status, b"Authentication required", "text/plain")))
    with pytest.raises(EndpointError, match=f"{said} \\(HTTP {status}\\).*--user and --password"):
        RemoteStore(server.url, user="me", password="wrong").query("ASK {}")
    assert said in _one_line_error("--endpoint", server.url, "query", "-e", "ASK {}")


def test_credentials_go_as_basic_authentication(stub: Callable[..., StubEndpoint]) -> None:
    expected = "Basic " + base64.b64encode(b"me:secret").decode()
    server = stub(lambda r: Reply() if r["authorization"] == expected else Reply(401, b"no"))
    assert RemoteStore(server.url, user="me", password="secret").query("ASK {}").boolean is True


def test_a_timeout(stub: Callable[..., StubEndpoint]) -> None:
    server = stub(lambda r: Reply(status=0) if "SELECT" in r.get("query", "") else Reply())
    with pytest.raises(EndpointError, match="did not answer within 1 s"):
        RemoteStore(server.url, timeout=1).query("SELECT * WHERE { ?s ?p ?o }")


@pytest.mark.parametrize("status", [400, 404, 500, 503])
def test_an_http_error_carries_the_servers_message(stub: Callable[..., StubEndpoint], status: int) -> None:
    def answer(request: dict[str, str]) -> Reply:
        if request.get("query") == "ASK { }":
            return Reply()
        return Reply(status, b"Virtuoso 37000 Error SP030: the engine's own words", "text/plain")

    server = stub(answer)
    with pytest.raises(EndpointError, match=f"HTTP {status}.*the engine's own words"):
        RemoteStore(server.url).query("SELECT * WHERE { ?s ?p ?o }")


def test_a_web_page_is_not_a_sparql_endpoint(stub: Callable[..., StubEndpoint]) -> None:
    page = b"<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>"
    server = stub(_always(Reply(200, page, "text/html")))
    with pytest.raises(EndpointError, match=r"not a SPARQL endpoint .*text/html"):
        RemoteStore(server.url).query("ASK {}")
    message = _one_line_error("--endpoint", server.url, "query", "-e", "ASK {}")
    assert "not a SPARQL endpoint" in message
    with pytest.raises(EndpointError, match="not a SPARQL endpoint"):
        RemoteStore(server.url).add_quads([_quad(0)])
    assert all("update" not in r for r in server.received), "nothing is written to it"


def test_a_truncated_answer_is_an_error(stub: Callable[..., StubEndpoint]) -> None:
    rows = {
        "head": {"vars": ["s"]},
        "results": {"bindings": [{"s": {"type": "uri", "value": f"{EX}s{i}"}} for i in range(3)]},
    }
    server = stub(
        lambda r: (
            Reply()
            if r.get("query") == "ASK { }"
            else Reply(body=json.dumps(rows).encode(), headers={"X-SPARQL-MaxRows": "3"})
        )
    )
    with pytest.raises(EndpointError, match="cut the answer at 3 rows"):
        RemoteStore(server.url).query("SELECT ?s WHERE { ?s ?p ?o }")


def test_bad_queries_fail_here_not_at_the_server(stub: Callable[..., StubEndpoint]) -> None:
    server = stub(_always(Reply()))
    store = RemoteStore(server.url)
    with pytest.raises(QuerySyntaxError) as error:
        store.query("SELECT ?s WHERE {\n  ?s ?p \n}")
    assert error.value.line == 3
    with pytest.raises(ReadOnlyQueryError):
        store.query("DROP ALL")
    assert server.received == []


def test_only_http_urls() -> None:
    with pytest.raises(UsageError, match="not an http"):
        RemoteStore("file:///etc/passwd")


# -- nothing half-written ---------------------------------------------------------------------
def _quad(i: int, graph: str = "g") -> Quad:
    return Quad(NamedNode(f"{EX}s{i}"), NamedNode(f"{EX}p"), Literal(f"v{i}"), NamedNode(EX + graph))


def test_a_failed_large_add_removes_what_it_staged(stub: Callable[..., StubEndpoint]) -> None:
    updates: list[str] = []

    def answer(request: dict[str, str]) -> Reply:
        if "update" in request:
            updates.append(request["update"])
            if len(updates) == 3:
                return Reply(500, b"disk full", "text/plain")
        return Reply()

    server = stub(answer)
    store = RemoteStore(server.url, batch_size=10)
    with pytest.raises(EndpointError, match=r"disk full.*nothing was added"):
        store.add_quads([_quad(i) for i in range(50)])
    assert all("urn:kg:staging:" in u for u in updates[:3]), "batches went to staging graphs"
    assert updates[-1].startswith("DROP SILENT GRAPH <urn:kg:staging:")
    assert not any(f"GRAPH <{EX}g>" in u for u in updates), "the target graph was not touched"
    assert server.received


def test_a_failed_load_says_what_was_and_was_not_written(
    stub: Callable[..., StubEndpoint], tmp_path: Path
) -> None:
    updates: list[str] = []

    def answer(request: dict[str, str]) -> Reply:
        if "update" in request:
            updates.append(request["update"])
            if len(updates) == 3:
                return Reply(503, b"overloaded", "text/plain")
        return Reply()

    data = tmp_path / "data.nt"
    data.write_text("".join(f'<{EX}s{i}> <{EX}p> "{i}" .\n' for i in range(45)), encoding="utf-8")
    server = stub(answer)
    with pytest.raises(EndpointError) as error:
        RemoteStore(server.url, batch_size=10).load_file(data, "nt")
    assert "stopped after 20 of 45 quads" in str(error.value)
    assert "those 20 were written and stay, the other 25 were not" in str(error.value)


def test_a_syntax_error_in_a_load_writes_nothing(stub: Callable[..., StubEndpoint], tmp_path: Path) -> None:
    data = tmp_path / "data.nt"
    data.write_text("".join(f'<{EX}s{i}> <{EX}p> "{i}" .\n' for i in range(30)) + "oops\n", encoding="utf-8")
    server = stub(_always(Reply()))
    with pytest.raises(RdfSyntaxError, match=r"data\.nt:31"):
        RemoteStore(server.url, batch_size=10).load_file(data, "nt")
    assert all("update" not in r for r in server.received)


# -- against a real engine --------------------------------------------------------------------
@pytest.fixture
def oxigraph(oxigraph_endpoint: SparqlServer) -> Iterator[RemoteStore]:
    store = RemoteStore(oxigraph_endpoint.query_url, **oxigraph_endpoint.store_options())
    store.clear()
    yield store
    store.clear()


def test_named_graphs_and_the_default_graph_round_trip(oxigraph: RemoteStore) -> None:
    bnode = BlankNode("b1")
    quads = [
        _quad(1, "g1"),
        _quad(2, "g2"),
        Quad(NamedNode(EX + "g1"), NamedNode(EX + "from"), NamedNode(EX + "src"), DefaultGraph()),
        Quad(NamedNode(EX + "s3"), NamedNode(EX + "p"), bnode, NamedNode(EX + "g1")),
        Quad(bnode, NamedNode(EX + "p"), Literal("deep", language="en"), NamedNode(EX + "g1")),
    ]
    assert oxigraph.add_quads(quads) == 5
    assert set(oxigraph.named_graphs()) == {NamedNode(EX + "g1"), NamedNode(EX + "g2")}
    got = list(oxigraph.quads())
    assert {
        q for q in got if not isinstance(q.object, BlankNode) and not isinstance(q.subject, BlankNode)
    } == set(quads[:3])
    [link] = [q for q in got if isinstance(q.object, BlankNode)]
    [deep] = [q for q in got if isinstance(q.subject, BlankNode)]
    assert link.object == deep.subject, "a blank node stays one node"
    assert list(oxigraph.quads(DefaultGraph())) == [quads[2]]
    assert len(oxigraph) == 5
    assert oxigraph.query(f"ASK {{ GRAPH <{DEFAULT_GRAPH}> {{ ?s ?p ?o }} }}").boolean


def test_a_large_add_is_staged_and_lands_whole(oxigraph: RemoteStore) -> None:
    oxigraph.batch_size = 7
    assert oxigraph.add_quads([_quad(i, f"g{i % 3}") for i in range(50)]) == 50
    assert len(oxigraph) == 50
    assert not [g for g in oxigraph.named_graphs() if "staging" in g.value]


def test_writes_through_the_graph_store_protocol(oxigraph_endpoint: SparqlServer, tmp_path: Path) -> None:
    base = oxigraph_endpoint.query_url.rsplit("/", 1)[0]
    store = RemoteStore(
        oxigraph_endpoint.query_url,
        gsp_endpoint=f"{base}/store",
        **oxigraph_endpoint.store_options(),
        batch_size=4,
    )
    store.clear()
    data = tmp_path / "data.nq"
    data.write_text(
        "".join(f'<{EX}s{i}> <{EX}p> "{i}" <{EX}g{i % 2}> .\n' for i in range(9)), encoding="utf-8"
    )
    seen: list[int] = []
    assert store.load_file(data, "nq", progress=seen.append) == 9
    assert seen[-1] == 9
    assert store.add_quads([_quad(100)]) == 1
    assert len(store) == 10
    store.clear()


def test_the_cli_loads_and_dumps_an_endpoint(
    oxigraph: RemoteStore, oxigraph_endpoint: SparqlServer, tmp_path: Path
) -> None:
    data = tmp_path / "data.nq"
    data.write_text("".join(f'<{EX}s{i}> <{EX}p> "{i}" <{EX}g> .\n' for i in range(12)), encoding="utf-8")
    loaded = run_kg(*oxigraph_endpoint.cli_args(), "load", data)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.startswith("loaded 12 quads")
    dumped = run_kg(*oxigraph_endpoint.cli_args(), "dump")
    assert dumped.returncode == 0, dumped.stderr
    assert sorted(dumped.stdout.splitlines()) == sorted(data.read_text().splitlines())
