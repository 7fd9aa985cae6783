"""A `kg load` or `kg add` killed with SIGKILL part-way leaves the on-disk store exactly as it was
before it began, and the store opens again without repair.

The kills are real: the command runs in its own process and dies by SIGKILL, either sent by the
test while the command is blocked reading its input (a named pipe that never ends), or sent by
the command to itself at a chosen point inside the write (injected by wrapping one function of
``kg.store.disk`` before the command line runs)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, tree_bytes
from kg.errors import StaleStoreError
from kg.store.disk import DiskStore, open_disk_store
from kg.store.generations import GENERATIONS

KG = [sys.executable, "-c", "import sys; from kg.cli import main; main(sys.argv[1:])"]
"""The command line, in a process of its own."""

DIE_WRITING = """
import os, signal, sys
import kg.store.engine as engine

original = engine.with_facts

def dying(quads):
    calls = dying.calls
    dying.calls += 1
    for number, quad in enumerate(original(quads)):
        if calls == {file_number} and number == 2 * {after}:
            os.kill(os.getpid(), signal.SIGKILL)
        yield quad

dying.calls = 0
engine.with_facts = dying
from kg.cli import main
main(sys.argv[1:])
"""
"""Dies by SIGKILL after ``after`` quads of the ``file_number``-th write into the store."""

DIE_PUBLISHING = """
import os, signal, sys
import kg.store.generations as generations

def dying(root, name):
    os.kill(os.getpid(), signal.SIGKILL)

generations.write_head = dying
from kg.cli import main
main(sys.argv[1:])
"""
"""Dies by SIGKILL when the new generation is complete and only ``HEAD`` remains to change."""


def ntriples(path: Path, subjects: range) -> Path:
    path.write_text(
        "".join(f'<http://example.com/s{i}> <http://example.com/p> "value {i}" .\n' for i in subjects),
        encoding="utf-8",
    )
    return path


def _open_for_writing(pipe: Path, process: subprocess.Popen[bytes]) -> int:
    """Open the writing end of ``pipe`` once ``process`` has opened it for reading."""
    while True:
        try:
            descriptor = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # ENXIO: no reader yet
            if process.poll() is not None:
                _, err = process.communicate()
                pytest.fail(f"the load ended before reading the pipe: {err.decode()}")
            time.sleep(0.05)
            continue
        os.set_blocking(descriptor, True)  # writes now wait for the loader to read
        return descriptor


def _data_files(project: Path) -> dict[str, bytes]:
    """The project's data files and their bytes (a killed writer's hidden ``.tmp`` files are not
    data files: nothing reads them, and the next write of the same file replaces them)."""
    return {name: data for name, data in tree_bytes(project / "data").items() if not name.endswith(".tmp")}


def snapshot(store_path: Path) -> tuple[list[str], str]:
    """The store's quads and manifest; opening it is itself the check that it needs no repair."""
    with DiskStore(store_path) as store:
        return sorted(map(str, store.quads())), store.manifest.to_json()


def run_child(script: str, *args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def built_store(project_dir: Path, tmp_path: Path) -> Path:
    """An on-disk store built from a copy of the project, closed again."""
    path = tmp_path / "store"
    open_disk_store(path, project_dir).close()
    return path


def test_load_killed_while_reading_leaves_the_store_as_it_was(
    project_dir: Path, built_store: Path, tmp_path: Path
) -> None:
    before = snapshot(built_store)
    first = ntriples(tmp_path / "first.nt", range(5000))
    pipe = tmp_path / "endless.nt"
    os.mkfifo(pipe)
    process = subprocess.Popen(
        [
            *KG,
            "--project",
            str(project_dir),
            "--store",
            str(built_store),
            "load",
            "--input-format",
            "nt",
            str(first),
            str(pipe),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        # the pipe opens once the loader reaches it, the first file being written into the new
        # generation by then; the loader then waits for the rest of the second file, forever
        writer = _open_for_writing(pipe, process)
        with os.fdopen(writer, "w", encoding="utf-8") as out:
            out.write(
                "".join(f'<http://example.com/t{i}> <http://example.com/p> "{i}" .\n' for i in range(2000))
            )
            out.flush()
            generations = list((built_store / GENERATIONS).iterdir())
            assert len(generations) == 2, "the load has begun a new generation"
            process.send_signal(signal.SIGKILL)
            assert process.wait(timeout=60) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
    assert snapshot(built_store) == before
    assert len(list((built_store / GENERATIONS).iterdir())) == 1, "the debris is gone"


@pytest.mark.parametrize("file_number", [0, 1], ids=["in-the-first-file", "in-the-second-file"])
def test_load_killed_while_writing_leaves_the_store_as_it_was(
    project_dir: Path, built_store: Path, tmp_path: Path, file_number: int
) -> None:
    before = snapshot(built_store)
    first = ntriples(tmp_path / "first.nt", range(20_000))
    second = ntriples(tmp_path / "second.nt", range(20_000, 40_000))
    script = DIE_WRITING.format(after=10_000, file_number=file_number)
    result = run_child(script, "--project", project_dir, "--store", built_store, "load", first, second)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert snapshot(built_store) == before


def test_the_same_load_uninterrupted_changes_the_store(
    project_dir: Path, built_store: Path, tmp_path: Path
) -> None:
    """The control for the tests above: without the kill, the load does write."""
    before = snapshot(built_store)
    first = ntriples(tmp_path / "first.nt", range(20_000))
    result = run_child(
        DIE_WRITING.format(after=10**9, file_number=0),
        "--project",
        project_dir,
        "--store",
        built_store,
        "load",
        first,
    )
    assert result.returncode == 0, result.stderr
    quads, _ = snapshot(built_store)
    assert len(quads) == len(before[0]) + 20_000


CONTRIBUTION = """\
@prefix kgo: <https://kg.example.org/ontology#> .
@prefix kgr: <https://kg.example.org/id/> .
@prefix kgg: <https://kg.example.org/graph/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

kgg:kill-test-s01 {
    kgg:kill-test-s01 a kgo:ReferenceRecord ;
        kgo:sentenceText "On the fourth day the delegation met Minsk City Technopark again."@en ;
        prov:wasDerivedFrom kgr:source-akitrf-ru .
    kgr:kill-test-meeting a kgo:Meeting ;
        skos:prefLabel "Second meeting with Minsk City Technopark"@en ;
        kgo:missionDay 4 ;
        schema:participant kgr:minsk-city-technopark, kgr:actp-rf-business-mission-results.delegation .
}
"""


def test_add_killed_while_writing_leaves_store_and_data_as_they_were(
    project_dir: Path, built_store: Path, tmp_path: Path
) -> None:
    contribution = tmp_path / "meeting.trig"
    contribution.write_text(CONTRIBUTION, encoding="utf-8")
    before, data_before = snapshot(built_store), _data_files(project_dir)
    result = run_child(
        DIE_WRITING.format(after=3, file_number=0),
        "--project",
        project_dir,
        "--store",
        built_store,
        "add",
        contribution,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert snapshot(built_store) == before
    assert _data_files(project_dir) == data_before
    open_disk_store(built_store, project_dir).close()  # not stale: data/ is as it was


def test_add_killed_before_publishing_leaves_the_store_as_it_was_and_says_it_is_stale(
    project_dir: Path, built_store: Path, tmp_path: Path
) -> None:
    contribution = tmp_path / "meeting.trig"
    contribution.write_text(CONTRIBUTION, encoding="utf-8")
    before = snapshot(built_store)
    result = run_child(DIE_PUBLISHING, "--project", project_dir, "--store", built_store, "add", contribution)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert snapshot(built_store) == before
    # data/ has the new file but the store does not: that is reported, never served
    assert (project_dir / "data" / "meeting.trig").is_file()
    with pytest.raises(StaleStoreError, match=r"meeting\.trig is new.*kg --store .* build"):
        open_disk_store(built_store, project_dir)


def test_the_same_add_uninterrupted_changes_store_and_data(
    project_dir: Path, built_store: Path, tmp_path: Path
) -> None:
    contribution = tmp_path / "meeting.trig"
    contribution.write_text(CONTRIBUTION, encoding="utf-8")
    before = snapshot(built_store)
    result = run_child(
        DIE_WRITING.format(after=10**9, file_number=0),
        "--project",
        project_dir,
        "--store",
        built_store,
        "add",
        contribution,
    )
    assert result.returncode == 0, result.stderr
    assert len(snapshot(built_store)[0]) > len(before[0])
    open_disk_store(built_store, project_dir).close()  # the manifest knows the new file
