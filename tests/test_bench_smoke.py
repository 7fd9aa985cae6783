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
    "10k: the streamed canonical TriG export is byte-identical",
    "## Start-up (whole process, median)",
    "| `kg query visited-sites` (bundled project) |",
    "| `oxigraph query` (the same query and data) |",
    "| `kg load` (command) |",
    "| kg library, facts view switched off |",
    "| raw `pyoxigraph.Store(path).bulk_load` |",
    "| raw pyoxigraph + facts view (same bulk stream) |",
    "| the facts view's cost in kg's load |",
    "| visited-sites |",
    "| `kg export` canonical TriG (command) |",
    "| pyoxigraph `Store.dump` TriG, not canonical |",
    "| `kg validate --standalone FILE` (command) |",
    "| `kg validate --all` on the store (command) |",
    "| pyrudof (Rust), N-Triples file → report |",
    "| pyshacl-turbo (Rust), N-Triples file → report |",
    "| pySHACL on an `rdflib.Graph` |",
    "| delta validation, API `Project.validate` |",
    "| `kg add CHANGE` (command: judged, written, published) |",
    "| the facts view's cost in `kg add` |",
    "## SPARQL server on loopback",
    "## Targets",
    "| `kg query visited-sites` ≤ 0.12 s (whole process, median) |",
]


@pytest.mark.slow
def test_bench_writes_the_table(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--sizes",
            "10k",
            "--repetitions",
            "1",
            "--check-size",
            "2k",
            "--server-seconds",
            "0",
            "--output",
            str(results),
            "--workdir",
            str(tmp_path / "work"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
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
