"""A writing `kg serve` killed with SIGKILL leaves its on-disk store exactly as it was before or
after each write, never between; the store opens again without repair and the server restarts.

The server is a real process on a loopback port, with ``--allow-updates --token``; a client sends
SPARQL Updates and Graph Store Protocol writes one after another, and the server is killed at a
seeded random moment. The expected store is kept by applying every acknowledged write to an
in-memory model: after a kill the store must equal the model, or the model with the one write
that was in flight. The server writes the store, never ``data/``: its files must be untouched.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph
import pytest

from conftest import tree_bytes
from kg.store.disk import DiskStore, open_disk_store
from kg.store.generations import GENERATIONS

TOKEN = "crash-test-token"
ROUNDS = 6
SEED = 20261124
MAX_WRITES = 12
"""Writes per round at most: every round's kill comes before that."""
SERVE = """
import os, signal, sys
import kg.store.generations as disk

when, _, number = sys.argv.pop(1).partition(":")
original = disk.write_head

def publishing(root, name):
    publishing.calls += 1
    if when == "before" and publishing.calls == int(number):
        os.kill(os.getpid(), signal.SIGKILL)
    original(root, name)
    if when == "after" and publishing.calls == int(number):
        os.kill(os.getpid(), signal.SIGKILL)

publishing.calls = 0
disk.write_head = publishing
from kg.cli import main
main(sys.argv[1:])
"""
"""``kg serve``, which kills itself (SIGKILL) just ``before`` or just ``after`` the N-th time it
publishes a generation (moves ``HEAD``), if asked to: ``before:N``, ``after:N`` or ``never``."""

PROLOGUE = """PREFIX kgr: <https://kg.example.org/id/>
PREFIX kgg: <https://kg.example.org/graph/>
PREFIX kgo: <https://kg.example.org/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
GSP_GRAPH = "https://kg.example.org/graph/crash-gsp"


@dataclass(frozen=True)
class Write:
    """One write, as the server gets it and as the model applies it."""

    label: str
    method: str
    params: dict[str, str]
    body: str
    content_type: str
    model_update: str


def insert_graph(n: int) -> Write:
    """A new reference record with a meeting: 8 quads added."""
    sparql = (
        PROLOGUE
        + f"""INSERT DATA {{ GRAPH kgg:crash-{n}-s01 {{
  kgg:crash-{n}-s01 a kgo:ReferenceRecord ;
    kgo:sentenceText "On day {n} the delegation met Minsk City Technopark again."@en ;
    prov:wasDerivedFrom kgr:source-akitrf-ru .
  kgr:crash-meeting-{n} a kgo:Meeting ; skos:prefLabel "Meeting {n}"@en ; kgo:missionDay {n} ;
    schema:participant kgr:minsk-city-technopark, kgr:actp-rf-business-mission-results.delegation . }} }}"""
    )
    return Write(f"insert {n}", "POST", {}, sparql, "application/sparql-update", sparql)


def put_graph(version: int) -> Write:
    """Graph Store Protocol PUT: the graph's old triples replaced by new ones."""
    triples = _alt_labels(version)
    model = f"DROP SILENT GRAPH <{GSP_GRAPH}> ; INSERT DATA {{ GRAPH <{GSP_GRAPH}> {{ {triples} }} }}"
    return Write(f"put v{version}", "PUT", {"graph": GSP_GRAPH}, triples, "application/n-triples", model)


def post_graph(version: int) -> Write:
    """Graph Store Protocol POST: three triples added to a graph."""
    triples = _alt_labels(version)
    return Write(
        f"post v{version}",
        "POST",
        {"graph": GSP_GRAPH},
        triples,
        "application/n-triples",
        f"INSERT DATA {{ GRAPH <{GSP_GRAPH}> {{ {triples} }} }}",
    )


def delete_graph() -> Write:
    """Graph Store Protocol DELETE: a graph removed."""
    return Write("delete", "DELETE", {"graph": GSP_GRAPH}, "", "text/plain", f"DROP GRAPH <{GSP_GRAPH}>")


def drop_sentence(n: int) -> Write:
    """A reference record removed by a SPARQL Update: 8 quads removed."""
    sparql = PROLOGUE + f"DELETE WHERE {{ GRAPH kgg:crash-{n}-s01 {{ ?s ?p ?o }} }}"
    return Write(f"drop {n}", "POST", {}, sparql, "application/sparql-update", sparql)


def _alt_labels(version: int) -> str:
    source = (
        f"<{GSP_GRAPH}> <http://www.w3.org/ns/prov#wasDerivedFrom> "
        "<https://kg.example.org/id/actp-rf-business-mission-results> .\n"
    )
    return source + "".join(
        f"<https://kg.example.org/id/actp-rf> <http://www.w3.org/2004/02/skos/core#altLabel> "
        f'"ACTP {version}.{i}"@en .\n'
        for i in range(3)
    )


class Writes:
    """An endless, seeded mix of writes that add or remove: new sentence graphs, sentence graphs
    dropped, triples posted to a graph, that graph deleted. (Writes that do both are the second
    test's.)"""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.sentences: list[int] = []
        self.created = 0
        self.posted = False
        self.version = 0
        self._before: tuple[list[int], int, bool] = ([], 0, False)

    def next(self) -> Write:
        self._before = (list(self.sentences), self.created, self.posted)
        self.version += 1
        choice = self.rng.random()
        if choice < 0.4 or not self.sentences:
            self.created += 1
            self.sentences.append(self.created)
            return insert_graph(self.created)
        if choice < 0.55:
            return drop_sentence(self.sentences.pop(self.rng.randrange(len(self.sentences))))
        if choice < 0.85 or not self.posted:
            self.posted = True
            return post_graph(self.version)
        self.posted = False
        return delete_graph()

    def forget_last(self) -> None:
        """The last write never happened (a kill came first): what exists is as before it."""
        sentences, self.created, self.posted = self._before
        self.sentences = list(sentences)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(death: str, project: Path, store: Path) -> Iterator[tuple[subprocess.Popen[bytes], httpx.Client]]:
    """``kg serve`` in a session of its own (the server and its workers); killed at the end."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            SERVE,
            death,
            "--project",
            str(project),
            "--store",
            str(store),
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
            "--allow-updates",
            "--token",
            TOKEN,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    client = httpx.Client(
        base_url=f"http://127.0.0.1:{port}", timeout=120, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if client.get("/sparql", params={"query": "ASK {}"}).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"kg serve did not start: {_stop(process)}")
            time.sleep(0.1)
        yield process, client
    finally:
        client.close()
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> str:
    """SIGKILL the server's session (the server and its query workers); its stderr."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    _, err = process.communicate(timeout=60)
    return err.decode(errors="replace")


def send(client: httpx.Client, write: Write) -> httpx.Response:
    path = "/rdf-graphs/service" if "graph" in write.params else "/sparql"
    return client.request(
        write.method,
        path,
        params=write.params,
        content=write.body,
        headers={"Content-Type": write.content_type},
    )


def store_state(path: Path) -> set[str]:
    """The store's quads; opening it (read-only, as any reader) needs no repair."""
    with DiskStore(path, read_only=True) as store:
        return {str(q) for q in store.quads()}


def model_state(model: pyoxigraph.Store) -> set[str]:
    return {str(q) for q in model.quads_for_pattern(None, None, None, None)}


def applied(model: pyoxigraph.Store, write: Write) -> pyoxigraph.Store:
    """A copy of ``model`` with ``write`` applied."""
    copy = pyoxigraph.Store()
    copy.extend(model.quads_for_pattern(None, None, None, None))
    copy.update(write.model_update)
    return copy


@pytest.fixture
def built(project_dir: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store"
    open_disk_store(path, project_dir).close()
    return path


def test_a_server_killed_while_writing_leaves_each_write_whole_or_absent(
    project_dir: Path, built: Path
) -> None:
    """Each round kills the server at a seeded random moment, or just before or just after it
    publishes a seeded random write's generation; the server is then started again on the
    same store."""
    rng = random.Random(SEED)
    data_before = tree_bytes(project_dir / "data")
    model = pyoxigraph.Store()
    with DiskStore(built, read_only=True) as store:
        model.extend(store.quads())
    writes = Writes(rng)
    acknowledged = 0
    outcomes: list[str] = []
    for _round in range(ROUNDS):
        how = rng.choice(["any moment", "before", "after"])
        death = "never" if how == "any moment" else f"{how}:{rng.randint(1, 4)}"
        with serving(death, project_dir, built) as (process, client):
            killer = threading.Timer(
                rng.uniform(0.2, 2.5) if how == "any moment" else 600,
                lambda: os.killpg(process.pid, signal.SIGKILL),
            )
            killer.start()
            try:
                for _ in range(MAX_WRITES):
                    write = writes.next()
                    try:
                        response = send(client, write)
                    except httpx.TransportError:
                        break  # the kill: this write was in flight
                    assert response.status_code in (200, 201), (write.label, response.text)
                    model = applied(model, write)
                    acknowledged += 1
                else:
                    pytest.fail(f"the server was not killed within {MAX_WRITES} writes")
            finally:
                killer.cancel()
                killer.join()
            assert process.wait(timeout=60) == -signal.SIGKILL
        actual = store_state(built)
        before, after = model_state(model), model_state(applied(model, write))
        assert actual in (before, after), (
            f"{write.label} in flight: {len(actual - before)} quads more and "
            f"{len(before - actual)} fewer than before it; "
            f"{len(actual - after)} more and {len(after - actual)} fewer than after it"
        )
        if how == "before":
            assert actual == before, f"{write.label}: killed before publishing, yet applied"
        if how == "after":
            assert actual == after, f"{write.label}: killed after publishing, yet absent"
        if actual == after:
            model = applied(model, write)
        else:
            writes.forget_last()
        outcomes.append(f"{how}: {write.label} {'applied' if actual == after else 'absent'}")
        assert tree_bytes(project_dir / "data") == data_before, "the server never writes data/"
    with open_disk_store(built, project_dir) as store:  # not stale, and no repair needed
        assert {str(q) for q in store.quads()} == model_state(model)
    with DiskStore(built):  # a writer opens it and removes what the kills left
        pass
    assert len(list((built / GENERATIONS).iterdir())) == 1
    print(
        f"\nserver crashes: {ROUNDS} SIGKILLs, {acknowledged} acknowledged writes all kept; "
        f"the write in flight at each kill: {'; '.join(outcomes)}"
    )
    assert acknowledged >= 1, "writes were acknowledged before the kills"


def test_a_server_killed_inside_a_write_that_adds_and_removes_leaves_it_whole_or_absent(
    project_dir: Path, built: Path
) -> None:
    """The kill comes at the second publication of a generation since the server started:
    inside the first write if that write takes two steps, else inside the second write."""
    model = pyoxigraph.Store()
    with DiskStore(built, read_only=True) as store:
        model.extend(store.quads())
    first = put_graph(1)
    second = put_graph(2)
    with serving("never", project_dir, built) as (process, client):
        assert send(client, first).status_code in (200, 201)  # the graph exists, to be replaced
    model = applied(model, first)
    with serving("before:2", project_dir, built) as (process, client):
        third = put_graph(3)
        outcomes = []
        for write in (second, third):
            try:
                outcomes.append(send(client, write).status_code)
            except httpx.TransportError:
                break
        assert process.wait(timeout=60) == -signal.SIGKILL
    states = [
        model_state(model),
        model_state(applied(model, second)),
        model_state(applied(applied(model, second), third)),
    ]
    assert store_state(built) in states, "a write was applied in part"
