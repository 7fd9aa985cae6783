"""The smaller holes: bad IRIs in paths, links with hostile schemes, endless or blocking input
files, blank-node cliques handed to ``kg add``, and snapshot folders left by killed servers."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import httpx
import psutil
import pytest

from security.live import KG, TOKEN, copy_project, serving

BAD_PATHS = ["a%20b", "%3C", "%22", "%7B", "%5C", "%60", "%00", "a%3Eb", "x%7Cy", "%5E"]


@pytest.mark.parametrize("path", BAD_PATHS)
@pytest.mark.parametrize("prefix", ["/id/", "/graph/"])
def test_a_bad_iri_in_a_path_is_not_found(server: object, prefix: str, path: str) -> None:
    with server.client() as client:  # type: ignore[attr-defined]
        for accept in ("application/json", "text/turtle", "text/html"):
            response = client.get(prefix + path, headers={"Accept": accept})
            assert response.status_code == 404, (prefix + path, accept, response.text[:200])


HREF = re.compile(r"""href\s*=\s*["']?\s*([a-z][a-z0-9+.-]*):""", re.IGNORECASE)


def test_only_http_and_mailto_values_become_links(server: object) -> None:
    with server.client() as client:  # type: ignore[attr-defined]
        page = client.get("/id/hostile-links", headers={"Accept": "text/html"})
    assert page.status_code == 200
    schemes = {m.group(1).lower() for m in HREF.finditer(page.text)}
    assert schemes <= {"http", "https", "mailto"}, schemes
    assert "mailto" in schemes and "https" in schemes  # the harmless ones still link
    for shown in (
        "javascript:alert(1)",
        "vbscript:msgbox",
        "data:text/html;base64",
        "javascript:alert(document.domain)",
    ):
        assert shown in page.text, f"{shown} is not shown as text"


def _kg(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KG, "--project", str(project), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=project,
    )


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def clique_file(size: int) -> str:
    """A conforming contribution whose facts are a K(size, size) clique of blank nodes."""
    lines = [
        "@prefix prov: <http://www.w3.org/ns/prov#> . <https://kg.example.org/graph/clique> "
        "{ <https://kg.example.org/graph/clique> prov:wasDerivedFrom "
        "<https://kg.example.org/id/clique-source> ."
    ]
    lines += [
        f"  _:a{i} <https://kg.example.org/id/linked> _:b{j} ." for i in range(size) for j in range(size)
    ]
    lines.append("}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: "), result.stderr
    return lines[0]


def test_kg_add_of_a_hostile_clique_is_one_error_and_changes_nothing(project: Path) -> None:
    source = project / "clique.trig"
    source.write_text(clique_file(7))
    assert len(source.read_text().splitlines()) == 51
    before = _tree(project / "data")
    start = time.monotonic()
    result = _kg(project, "add", str(source))
    assert time.monotonic() - start < 30
    assert result.returncode == 2
    assert "interchangeable" in _one_error_line(result)
    assert _tree(project / "data") == before


def test_kg_add_of_a_small_clique_is_labelled_and_added(project: Path) -> None:
    """The bound refuses only what cannot be labelled in time: K3,3 goes in, canonically."""
    source = project / "small-clique.trig"
    source.write_text(clique_file(3))
    result = _kg(project, "add", str(source))
    assert result.returncode == 0, result.stderr
    written = (project / "data" / "small-clique.trig").read_text()
    assert "_:c14n0" in written and "_:c14n5" in written


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("command", ["add", "validate"])
def test_a_device_as_input_is_one_error(project: Path, device: str, command: str) -> None:
    before = _tree(project / "data")
    result = _kg(project, command, "--input-format", "trig", device)
    assert result.returncode == 2
    assert "is a device" in _one_error_line(result)
    assert _tree(project / "data") == before


def test_a_fifo_as_input_is_refused_without_waiting_for_a_writer(project: Path) -> None:
    fifo = project / "pipe.trig"
    os.mkfifo(fifo)
    start = time.monotonic()
    result = _kg(project, "add", str(fifo))
    assert time.monotonic() - start < 30
    assert result.returncode == 2
    assert "FIFO" in _one_error_line(result)


def test_an_input_over_the_byte_cap_is_refused(tmp_path: Path) -> None:
    from kg.errors import UnsafeInputError
    from kg.rdfio import parse_file

    big = tmp_path / "big.nt"
    big.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n" * 1000)
    assert parse_file(big, max_bytes=26_000)
    with pytest.raises(UnsafeInputError, match=r"than the 25999-byte limit .*\(max_bytes=\)") as caught:
        parse_file(big, max_bytes=25_999)
    assert "(--max-input-bytes)" in caught.value.cli_message  # the option's name on the command line


def _generations(store: Path) -> list[str]:
    return sorted(p.name for p in (store / "generations").iterdir())


def _trials(store: Path) -> list[str]:
    folder = store / "trials"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


UPDATE = (
    "INSERT DATA { GRAPH <https://kg.example.org/graph/leftover-test> { "
    "<https://kg.example.org/graph/leftover-test> <http://www.w3.org/ns/prov#wasDerivedFrom> "
    "<https://kg.example.org/id/actp-rf-business-mission-results> . "
    "<https://kg.example.org/id/actp-rf> <http://www.w3.org/2004/02/skos/core#altLabel> "
    '"Left over"@en } }'
)


def test_a_killed_servers_leftovers_are_cleaned_at_the_next_start(project: Path) -> None:
    """Workers read the generation the store was at when they started, and a write judges its
    change in a private folder: a server killed after a write leaves the old generation (its
    workers held it) and whatever trial it was judging. The next writer removes both."""
    store = project.parent / "graph.db"
    built = _kg(project, "--store", str(store), "build")
    assert built.returncode == 0, built.stderr
    with serving(project, "--allow-updates", store=store) as first:
        written = httpx.post(
            f"{first.url}/sparql",
            content=UPDATE,
            timeout=60,
            headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
        )
        assert written.status_code == 200, written.text
        workers = first.workers()
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=30)
    _, alive = psutil.wait_procs(workers, timeout=10)  # they die with it (parent-death signal)
    assert not alive
    head = (store / "HEAD").read_text().strip()
    # what a kill at another moment leaves: a generation being written, a trial being judged
    (store / "generations" / "killed-while-written" / "oxigraph").mkdir(parents=True)
    (store / "trials" / "killed-mid-write" / "oxigraph").mkdir(parents=True)
    assert len(_generations(store)) >= 2 and _trials(store)
    with serving(project, "--allow-updates", store=store):
        assert _generations(store) == [head]
        assert _trials(store) == []


def test_the_input_cap_is_an_option_of_add_and_validate(project: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.trig"
    big.write_text("<urn:g> { <urn:a> <urn:b> <urn:c> . }\n" * 100)
    before = {p: p.read_bytes() for p in (project / "data").rglob("*") if p.is_file()}
    for command in ("validate", "add"):
        done = _kg(project, command, "--max-input-bytes", "1000", str(big))
        assert done.returncode == 2, done.stderr
        assert "--max-input-bytes" in done.stderr and done.stderr.count("\n") == 1
    assert {p: p.read_bytes() for p in (project / "data").rglob("*") if p.is_file()} == before
