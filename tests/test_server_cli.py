"""``kg serve`` from the command line: a real process, asked with curl."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KG = [str(Path(sys.executable).parent / "kg")]  # the installed console script


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "KG_TOKEN": "from-the-environment"}
    process = subprocess.Popen(
        [
            *KG,
            "--project",
            str(ROOT),
            "serve",
            "--port",
            str(port),
            "--timeout",
            "3",
            "--max-rows",
            "2",
            "--allow-updates",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"kg serve did not start: {process.communicate()[1]}")
            time.sleep(0.1)
    yield url
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def curl(*args: str) -> tuple[str, str]:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    done = subprocess.run(
        ["curl", "-sS", "--max-time", "60", "-w", "\n%{http_code}", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=90,
    )
    body, status = done.stdout.rsplit("\n", 1)
    return body, status


def test_serve_answers_sparql_with_its_options(server: str) -> None:
    body, status = curl(
        "-G",
        server + "/sparql",
        "--data-urlencode",
        "query=SELECT * WHERE { ?s ?p ?o }",
        "-H",
        "Accept: application/sparql-results+json",
    )
    assert status == "200"
    assert len(json.loads(body)["results"]["bindings"]) == 2  # --max-rows 2


def test_serve_takes_the_token_from_the_environment(server: str) -> None:
    update = (
        "INSERT DATA { GRAPH <https://kg.example.org/graph/cli-test> { "
        "<https://kg.example.org/graph/cli-test> <http://www.w3.org/ns/prov#wasDerivedFrom> "
        "<https://kg.example.org/id/actp-rf-business-mission-results> . "
        "<https://kg.example.org/id/actp-rf> "
        '<http://www.w3.org/2004/02/skos/core#altLabel> "ACTP (CLI)"@en } }'
    )
    _, refused = curl(
        server + "/sparql",
        "-H",
        "Content-Type: application/sparql-update",
        "-H",
        "Authorization: Bearer wrong",
        "--data-binary",
        update,
    )
    body, accepted = curl(
        server + "/sparql",
        "-H",
        "Content-Type: application/sparql-update",
        "-H",
        "Authorization: Bearer from-the-environment",
        "--data-binary",
        update,
    )
    assert refused == "401"
    assert accepted == "200", body
    assert json.loads(body)["added"] == 2  # the fact and its graph's source


def test_entity_page_over_curl(server: str) -> None:
    body, status = curl(server + "/id/great-stone-industrial-park", "-H", "Accept: text/html")
    assert status == "200"
    assert "Great Stone Industrial Park" in body


def test_allow_updates_without_token_is_a_usage_error() -> None:
    env = {k: v for k, v in os.environ.items() if k != "KG_TOKEN"}
    done = subprocess.run(
        [*KG, "--project", str(ROOT), "serve", "--allow-updates"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert "token" in done.stderr
