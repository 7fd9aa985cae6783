"""Fixtures of the security suite: live servers on loopback, and the listener they must never
reach. Servers are shared by the whole session (each takes a few seconds to start)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from security.live import LiveServer, copy_project, serving
from security.loopback import Listener

HOSTILE_LINKS = """\
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .

<https://kg.example.org/graph/hostile-links> {
    <https://kg.example.org/graph/hostile-links>
        prov:wasDerivedFrom <javascript:alert(document.domain)> .
    <https://kg.example.org/id/hostile-links>
        skos:prefLabel "Hostile links"@en ;
        schema:url <javascript:alert(1)> ,
            <data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==> ,
            <vbscript:msgbox> ,
            <mailto:press@example.org> ,
            <https://example.org/fine> .
}
"""
"""An entity whose values are links of every kind: only https and mailto may become links."""

DEFAULT_TIMEOUT = 3.0
CLIENT_TIMEOUT = 2.0
ALLOWED_HOST = "kg.example.test"


@pytest.fixture(scope="session")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("hostile") / "project", {"hostile-links.trig": HOSTILE_LINKS})


@pytest.fixture(scope="session")
def server(hostile_project: Path) -> Iterator[LiveServer]:
    """The default read-only server, with short limits so that tests end quickly."""
    with serving(
        hostile_project,
        "--timeout",
        str(DEFAULT_TIMEOUT),
        "--client-timeout",
        str(CLIENT_TIMEOUT),
        "--worker-memory",
        "512",
        "--allowed-host",
        ALLOWED_HOST,
    ) as running:
        yield running


@pytest.fixture(scope="session")
def writable_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server that accepts guarded writes with the token (over its own project copy)."""
    project = copy_project(tmp_path_factory.mktemp("writable") / "project")
    with serving(
        project, "--allow-updates", "--timeout", str(DEFAULT_TIMEOUT), "--write-timeout", "60"
    ) as running:
        yield running


@pytest.fixture
def listener() -> Iterator[Listener]:
    with Listener() as listening:
        yield listening
