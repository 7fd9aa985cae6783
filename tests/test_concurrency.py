"""Readers beside a writer on the on-disk store: queries never see half of a `kg add`.

Reader processes query the store in a loop, opening it afresh each time (so that each sees the
generation current at that moment) while a writer runs `kg add` several times, each adding one
graph of the same number of facts. Every observation must be exactly the store after some number
of whole adds: each contributed graph is empty or full, the full ones are the first added, the
total is the built store plus those graphs, and no reader ever goes back in time. Readers open
the store three ways: read-only (``DiskStore(path, read_only=True)``), the command line's way
(``open_disk_store``, which checks freshness and locks only to write), and `kg query` itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import run_kg_process
from kg.errors import UsageError
from kg.store.disk import DiskStore, open_disk_store

ADDS = 6
READERS = 3
MAX_READS = 3000
"""Each reader's bound; readers stop earlier, when the writer is done."""

CONTRIBUTION = """\
@prefix kgo: <https://kg.example.org/ontology#> .
@prefix kgr: <https://kg.example.org/id/> .
@prefix kgg: <https://kg.example.org/graph/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

kgg:concurrent-{n}-s01 {{
    kgg:concurrent-{n}-s01 a kgo:ReferenceRecord ;
        kgo:sentenceText "On day {n} the delegation met Minsk City Technopark again."@en ;
        prov:wasDerivedFrom kgr:source-akitrf-ru .
    kgr:concurrent-meeting-{n} a kgo:Meeting ;
        skos:prefLabel "Meeting number {n} with Minsk City Technopark"@en ;
        kgo:missionDay {n} ;
        schema:participant kgr:minsk-city-technopark, kgr:actp-rf-business-mission-results.delegation .
}}
"""
FACTS_PER_ADD = 8
"""Quads in each contribution's graph."""


def graph(n: int) -> str:
    return f"https://kg.example.org/graph/concurrent-{n}-s01"


COUNTS = (
    "SELECT ?g (COUNT(*) AS ?n) WHERE { VALUES ?g { "
    + " ".join(f"<{graph(n)}>" for n in range(1, ADDS + 1))
    + " } GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
)

READER = """
import json, sys, time
from pathlib import Path
from kg.errors import UsageError
from kg.store.disk import DiskStore, open_disk_store

store_path, project, stop, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
counts_query = sys.argv[5]
with open(out, "w") as log:
    for number in range({max_reads}):
        if stop.exists():
            break
        try:
            if number % 2:
                store = open_disk_store(store_path, project)
            else:
                store = DiskStore(store_path, read_only=True)
            with store:
                rows = store.query(counts_query).rows
                observed = {{row[0].value: int(row[1].value) for row in rows}}
                total = len(store)
            log.write(json.dumps({{"counts": observed, "total": total}}) + "\\n")
        except Exception as error:
            log.write(json.dumps({{"error": f"{{type(error).__name__}}: {{error}}"}}) + "\\n")
"""


def state_after(adds: int, base: int) -> tuple[dict[str, int], int]:
    """The store after the first ``adds`` contributions: their graphs full, the rest absent."""
    counts = {graph(n): FACTS_PER_ADD for n in range(1, adds + 1)}
    return counts, base + adds * FACTS_PER_ADD


def which_state(observation: dict[str, object], base: int) -> int | None:
    """How many whole adds ``observation`` shows, or ``None`` if it is no such state."""
    for adds in range(ADDS + 1):
        counts, total = state_after(adds, base)
        if observation.get("counts") == counts and observation.get("total") == total:
            return adds
    return None


@pytest.fixture
def store_path(project_dir: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store"
    open_disk_store(path, project_dir).close()
    return path


def test_readers_see_each_add_whole_or_not_at_all(
    project_dir: Path, store_path: Path, tmp_path: Path
) -> None:
    with DiskStore(store_path, read_only=True) as store:
        base = len(store)
    sources = []
    for n in range(1, ADDS + 1):
        source = tmp_path / f"meeting-{n}.trig"
        source.write_text(CONTRIBUTION.format(n=n), encoding="utf-8")
        sources.append(source)
    stop = tmp_path / "stop"
    logs = [tmp_path / f"reader-{i}.jsonl" for i in range(READERS)]
    script = READER.format(max_reads=MAX_READS)
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(store_path), str(project_dir), str(stop), str(log), COUNTS],
            stderr=subprocess.PIPE,
            text=True,
        )
        for log in logs
    ]
    cli_observations: list[dict[str, object]] = []

    def query_with_the_command_line() -> None:
        while not stop.exists():
            result = run_kg_process(
                "--project", project_dir, "--store", store_path, "query", "-e", COUNTS, "-f", "json"
            )
            if result.returncode != 0:
                cli_observations.append({"error": result.stderr.strip()})
                continue
            rows = json.loads(result.stdout)["results"]["bindings"]
            cli_observations.append({"counts": {row["g"]["value"]: int(row["n"]["value"]) for row in rows}})
            stats = run_kg_process("--project", project_dir, "--store", store_path, "stats")
            if stats.returncode != 0:
                cli_observations.append({"error": stats.stderr.strip()})

    cli_reader = threading.Thread(target=query_with_the_command_line)
    try:
        cli_reader.start()
        adds = [
            run_kg_process("--project", project_dir, "--store", store_path, "add", source)
            for source in sources
        ]
    finally:
        stop.touch()
        cli_reader.join(timeout=120)
        errors = [reader.communicate(timeout=120)[1] for reader in readers]
    assert [a.returncode for a in adds] == [0] * ADDS, [a.stderr for a in adds]
    assert [r.returncode for r in readers] == [0] * READERS, errors

    reads = violations = 0
    seen_between = set()
    for log in logs:
        previous = 0
        for line in log.read_text(encoding="utf-8").splitlines():
            observation = json.loads(line)
            assert "error" not in observation, observation["error"]
            state = which_state(observation, base)
            reads += 1
            if state is None or state < previous:
                violations += 1
                continue
            previous = state
            if 0 < state < ADDS:
                seen_between.add(state)
    for observation in cli_observations:
        assert "error" not in observation, observation["error"]
        counts = observation["counts"]
        assert isinstance(counts, dict)
        whole = sorted(counts) == sorted(graph(n) for n in range(1, len(counts) + 1))
        if not whole or any(value != FACTS_PER_ADD for value in counts.values()):
            violations += 1
    print(
        f"\nreaders beside a writer: {reads} library reads by {READERS} processes, "
        f"{len(cli_observations)} `kg query` + `kg stats` runs, {ADDS} adds, "
        f"states seen between adds: {sorted(seen_between)}, violations: {violations}"
    )
    assert violations == 0
    assert reads >= READERS, "every reader read"
    assert seen_between, "some reads happened while the adds went on (else this shows nothing)"
    with DiskStore(store_path, read_only=True) as store:
        final = {
            "counts": {row[0].value: int(row[1].value) for row in store.query(COUNTS).rows},
            "total": len(store),
        }
    assert which_state(final, base) == ADDS


def test_a_reader_keeps_its_generation_whole_while_writers_replace_it(store_path: Path) -> None:
    from kg.terms import Literal, NamedNode, Quad

    def fact(n: int) -> Quad:
        return Quad(
            NamedNode(f"http://example.com/s{n}"),
            NamedNode("http://example.com/p"),
            Literal(str(n)),
            NamedNode("http://example.com/g"),
        )

    reader = DiskStore(store_path, read_only=True)
    before = sorted(map(str, reader.quads()))
    with DiskStore(store_path) as writer:
        for n in range(3):
            writer.add_quads([fact(n)])
        assert sorted(map(str, reader.quads())) == before, "the reader's view does not move"
        held = store_path / "generations" / reader.generation
        assert held.is_dir(), "a generation a reader holds is not removed"
        reader.close()
        writer.add_quads([fact(3)])
        assert not held.exists(), "once released, the next write removes it"
        assert len(list((store_path / "generations").iterdir())) == 1
    with DiskStore(store_path, read_only=True) as again:
        assert len(again) == len(before) + 4


def test_the_command_line_reads_beside_a_writer_but_a_second_writer_is_refused(
    project_dir: Path, store_path: Path, tmp_path: Path
) -> None:
    source = tmp_path / "meeting-1.trig"
    source.write_text(CONTRIBUTION.format(n=1), encoding="utf-8")
    with DiskStore(store_path):  # a writer holds the store
        query = run_kg_process(
            "--project", project_dir, "--store", store_path, "query", "-e", COUNTS, "-f", "json"
        )
        export = run_kg_process("--project", project_dir, "--store", store_path, "export", "-f", "nq")
        stats = run_kg_process("--project", project_dir, "--store", store_path, "stats")
        add = run_kg_process("--project", project_dir, "--store", store_path, "add", source)
    assert query.returncode == 0, query.stderr
    assert export.returncode == 0 and export.stdout.count("\n") > 700, export.stderr
    assert stats.returncode == 0 and "triples in" in stats.stdout, stats.stderr
    assert json.loads(query.stdout)["results"]["bindings"] == []
    assert add.returncode == 3
    assert "only one writer at a time" in add.stderr
    with DiskStore(store_path, read_only=True) as reader, pytest.raises(UsageError, match="open read-only"):
        reader.add_quads([])
