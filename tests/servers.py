"""Real SPARQL servers for tests: Oxigraph server and OpenLink Virtuoso, each on a free loopback
port in a temporary directory, stopped afterwards.

Use the session fixtures ``oxigraph_server`` and ``virtuoso_server`` (import them into a test
module, or list this module in ``pytest_plugins``). A missing program skips the test with the
reason, or fails it under ``CI=true`` (see ``conftest.require``). Virtuoso takes seconds to
start, so one instance serves the whole session; tests clear it before use.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import require

STARTUP_LIMIT = 120.0
"""Seconds a server may take to answer its first query before the fixture gives up: a limit
that only a broken server reaches, not a timing the tests depend on."""


@dataclass(frozen=True)
class SparqlServer:
    """A running SPARQL server: where to query and update it."""

    name: str
    query_url: str
    update_url: str
    log: Path
    gsp_url: str | None = None

    def store_options(self) -> dict[str, str]:
        """Keyword arguments for :class:`kg.store.remote.RemoteStore` (after the query URL)."""
        options = {"update_endpoint": self.update_url}
        if self.gsp_url is not None:
            options["gsp_endpoint"] = self.gsp_url
        return options

    def cli_args(self) -> list[str]:
        args = ["--endpoint", self.query_url, "--update-endpoint", self.update_url]
        if self.gsp_url is not None:
            args += ["--gsp-endpoint", self.gsp_url]
        return args


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def program(name: str, *alternatives: str) -> str | None:
    """The path of a program: beside this Python first (console scripts of the venv), then PATH."""
    for candidate in (name, *alternatives):
        beside = Path(sys.executable).parent / candidate
        if beside.is_file():
            return str(beside)
        found = shutil.which(candidate)
        if found:
            return found
    return None


def _answers_sparql(query_url: str) -> bool:
    data = urllib.parse.urlencode({"query": "ASK {}"}).encode()
    request = urllib.request.Request(
        query_url, data=data, headers={"Accept": "application/sparql-results+json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return "boolean" in json.loads(response.read())
    except (OSError, ValueError):
        return False


def wait_until_ready(process: subprocess.Popen[bytes], query_url: str, log: Path) -> None:
    """Poll until the server answers ``ASK {}``; fail with its log if it dies or never does."""
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{_tail(log)}")
        if _answers_sparql(query_url):
            return
        time.sleep(0.2)
    pytest.fail(f"the server did not answer within {STARTUP_LIMIT:g} s:\n{_tail(log)}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask the server to stop (SIGTERM), and kill it if it does not."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@contextmanager
def oxigraph_server(folder: Path, *, union: bool = True) -> Iterator[SparqlServer]:
    """``oxigraph serve`` on a free port; with ``union``, its default graph the union of all
    graphs (``--union-default-graph``), else its own (the stock setting)."""
    binary = program("oxigraph")
    require(binary is not None, "the Oxigraph server (`oxigraph`, PyPI package oxigraph) is not installed")
    assert binary is not None
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = folder / "oxigraph.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                binary,
                "serve",
                "--location",
                str(folder / "data"),
                "--bind",
                f"127.0.0.1:{port}",
                *(["--union-default-graph"] if union else []),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(process, f"{base}/query", log)
        yield SparqlServer("oxigraph", f"{base}/query", f"{base}/update", log)
    finally:
        stop(process)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 10
ServerThreads = 10
EnabledDavVSP = 0
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[SparqlServer]:
    """Virtuoso Open Source in the foreground, with SPARQL Update granted to its anonymous
    SPARQL user (a test instance on loopback only; never do this on a public one)."""
    binary = program("virtuoso-t")
    isql = program("isql-vt", "isql")
    require(
        binary is not None and isql is not None,
        "OpenLink Virtuoso (`virtuoso-t`, `isql-vt`; Debian package virtuoso-opensource) is not installed",
    )
    assert binary is not None and isql is not None
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, sql_port=sql_port, http_port=http_port))
    log = folder / "console.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(ini)], cwd=folder, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        wait_until_ready(process, url, log)
        grant = subprocess.run(
            [
                isql,
                f"127.0.0.1:{sql_port}",
                "dba",
                "dba",
                "exec=GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if grant.returncode != 0 or "Error" in grant.stdout + grant.stderr:
            pytest.fail(f"granting SPARQL_UPDATE failed:\n{grant.stdout}\n{grant.stderr}")
        # Writes go through the Graph Store Protocol: Virtuoso's SPARQL compiler refuses some
        # literals in INSERT DATA (xsd:duration) that its RDF loader takes.
        yield SparqlServer(
            "virtuoso", url, url, log, gsp_url=f"http://127.0.0.1:{http_port}/sparql-graph-crud"
        )
    finally:
        stop(process)


@pytest.fixture(scope="session")
def oxigraph_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-server")) as server:
        yield server


@pytest.fixture(scope="session")
def oxigraph_stock_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    """Oxigraph server as it starts by default: its default graph is not the union."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-stock"), union=False) as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server
