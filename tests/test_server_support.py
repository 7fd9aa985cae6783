"""Helpers for the server tests: a real server on a free loopback port, in a thread.

(No tests here; the server test files import these.)
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette

import kg
from kg.api import Project, build_store
from kg.project import ProjectFiles
from kg.server import Settings, create_app
from kg.store.embedded import EmbeddedStore
from kg.terms import Literal, NamedNode, Quad

ROOT = Path(__file__).resolve().parent.parent
KGR = "https://kg.example.org/id/"
KGG = "https://kg.example.org/graph/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
GREAT_STONE = KGR + "great-stone-industrial-park"
EVIL_LABEL = '<script>alert("kg")</script> & <b>bold</b>'


@dataclass
class Served:
    """A running server: its base URL and the app (for its state)."""

    url: str
    project: Project
    settings: Settings
    app: Starlette

    def worker_pids(self) -> list[int]:
        pids: list[int] = self.app.state.kg.runner.pids()
        return pids

    def client(self, source: str | None = None, **kwargs: object) -> httpx.Client:
        """A client; ``source`` (a loopback address such as 127.0.0.2) makes it another
        client to the server, which shares its workers by client address."""
        if source is not None:
            kwargs["transport"] = httpx.HTTPTransport(local_address=source)
        return httpx.Client(base_url=self.url, timeout=60, **kwargs)  # type: ignore[arg-type]


@contextlib.contextmanager
def running(project: Project, settings: Settings | None = None) -> Iterator[Served]:
    """Serve ``project`` with uvicorn in a thread, on a loopback socket bound beforehand."""
    chosen = settings or Settings()
    app = create_app(project, chosen)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", ws="none", lifespan="on", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield Served(f"http://127.0.0.1:{port}", project, chosen, app)
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


def fresh_project() -> Project:
    """The repository's project in a fresh in-memory store (safe to change)."""
    return kg.open_project(ROOT)


def project_with_evil_label() -> Project:
    """The project plus an entity whose label is markup, to prove pages escape it."""
    project = fresh_project()
    evil = NamedNode(KGR + "label-with-markup")
    graph = NamedNode(KGG + "test-markup")
    project.store.add_quads(
        [
            Quad(evil, NamedNode(SKOS + "prefLabel"), Literal(EVIL_LABEL, language="en"), graph),
            Quad(evil, NamedNode(SKOS + "related"), NamedNode(GREAT_STONE), graph),
        ]
    )
    return project


def empty_project() -> Project:
    """The project's files (queries, shapes) over an empty store, for the protocol tests."""
    files = ProjectFiles(ROOT)
    return Project(files, EmbeddedStore())


def copy_store(project: Project) -> EmbeddedStore:
    store = EmbeddedStore()
    build_store(store, project.files)
    return store
