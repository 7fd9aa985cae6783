"""The benchmark runs end to end at a small size and writes its table (no timing asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import ROOT

EXPECTED_ROWS = [
    "| size | quads | missions |",
    "## Correctness",
    "findings, identical**",
    "10k: kg and pySHACL report the same",
    "| `kg load` (on disk, command) |",
    "| kg library `EmbeddedStore(path).load_file` |",
    "| raw `pyoxigraph.Store(path).bulk_load` |",
    "| rdflib `Dataset.parse` (memory) |",
    "| visited-sites |",
    "Median library overhead over raw pyoxigraph",
    "| kg canonical Turtle |",
    "| rdflib Turtle serializer |",
    "| kg compact JSON-LD |",
    "| kg (shapes compiled to SPARQL, Oxigraph in memory) |",
    "| pySHACL on an `rdflib.Graph` |",
    "| kg `Project.validate` against the on-disk store |",
    "## SPARQL server on loopback",
    "## Targets",
]


@pytest.mark.slow
def test_bench_writes_the_table(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "10k", "--repetitions", "1",
         "--check-size", "2k", "--server-seconds", "0", "--output", str(results),
         "--workdir", str(tmp_path / "work")],
        capture_output=True, text=True, check=False, timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "correctness check passed" in done.stderr
    table = results.read_text()
    missing = [row for row in EXPECTED_ROWS if row not in table]
    assert not missing, missing
    assert "did not finish" not in table


def test_bench_fails_loudly_when_findings_differ(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from run import CheckFailed, check_findings

    ours, theirs = tmp_path / "kg.json", tmp_path / "ref.json"
    ours.write_text('[["ex:a", null, null, "sh:MinCount", "Violation", "ex:S"]]')
    theirs.write_text("[]")
    with pytest.raises(CheckFailed, match="different findings"):
        check_findings(ours, theirs, "test")
