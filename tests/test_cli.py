"""The command line: each command and flag, and one-line errors with documented exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from pyld import jsonld  # noqa: F401  (the JSON-LD tests use it; here it proves it installed)
from tests.conftest import ROOT, run_kg, run_kg_process, tree_bytes


def test_queries_lists_names_titles_and_parameters() -> None:
    result = run_kg("queries")
    assert result.returncode == 0
    assert "visited-sites" in result.stdout
    assert "evidence" in result.stdout and "entity: iri" in result.stdout


def test_named_query_prints_a_table() -> None:
    result = run_kg("query", "visited-sites")
    assert result.returncode == 0, result.stderr
    assert "Great Stone Industrial Park" in result.stdout
    assert "5 row(s)" in result.stdout


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml", "text/csv", "application/sparql-results+json"])
def test_results_formats(fmt: str) -> None:
    result = run_kg("query", "visited-sites", "--format", fmt)
    assert result.returncode == 0, result.stderr
    if fmt in ("csv", "text/csv"):
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert len(rows) == 6
    elif fmt == "tsv":
        assert result.stdout.splitlines()[0].startswith("?")
        assert len(result.stdout.splitlines()) == 6
    elif "json" in fmt:
        assert len(json.loads(result.stdout)["results"]["bindings"]) == 5
    else:
        assert result.stdout.count("<result>") == 5


def test_construct_gives_rdf_and_ask_gives_yes_or_no() -> None:
    construct = run_kg(
        "query",
        "-e",
        "CONSTRUCT { ?s a org:Site } WHERE { ?s a/rdfs:subClassOf* org:Site }",
        "--format",
        "nt",
    )
    assert construct.returncode == 0, construct.stderr
    assert construct.stdout.count("<http://www.w3.org/ns/org#Site>") == 5
    ask = run_kg("query", "-e", "ASK { kgr:actp-rf a ?t }")
    assert ask.stdout.strip() == "yes"


def test_query_file_with_parameter(tmp_path: Path) -> None:
    path = tmp_path / "names.rq"
    path.write_text(
        "# title: Names\n# param: who iri required — a person\n"
        "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
        "SELECT DISTINCT ?name WHERE { ?who foaf:name ?name }\n"
    )
    result = run_kg("query", path, "--param", "who=kgr:mikhail-labudin", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["name", "Mikhail Labudin"]


def test_output_file(tmp_path: Path) -> None:
    out = tmp_path / "sites.json"
    assert run_kg("query", "visited-sites", "-f", "json", "-o", out).returncode == 0
    assert len(json.loads(out.read_text())["results"]["bindings"]) == 5


def test_export_format_from_output_extension(tmp_path: Path) -> None:
    out = tmp_path / "graph.nq"
    assert run_kg("export", "-o", out).returncode == 0
    assert out.read_text().count(" .\n") > 100
    assert "@prefix" not in out.read_text()


def test_stats() -> None:
    result = run_kg("stats")
    assert result.returncode == 0
    assert "triples in" in result.stdout
    assert "kgo:SiteVisit" in result.stdout and "5" in result.stdout


def test_validate_exit_codes(tmp_path: Path) -> None:
    from tests.test_validate_context import BROKEN_POST, NEW_POST

    good, bad = tmp_path / "good.trig", tmp_path / "bad.trig"
    good.write_text(NEW_POST)
    bad.write_text(BROKEN_POST)
    assert run_kg("validate", good).returncode == 0
    assert run_kg("validate", "--standalone", good).returncode == 1
    result = run_kg("validate", bad, "--format", "json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["conforms"] is False
    assert "sh:ValidationReport" in run_kg("validate", bad, "--format", "ttl").stdout


BAD_INPUTS = {
    "malformed.ttl": ('@prefix ex: <http://e/> .\nex:a ex:b "oops .\n', r"malformed\.ttl:2:\d+: "),
    "unknown.yaml": ("a: b\n", "cannot tell the RDF format"),
    "empty.jsonld": ("", r"empty\.jsonld:1:1: empty file"),
    "remote.jsonld": ('{"@context": "http://127.0.0.1:9/c", "@id": "http://a"}', "never fetches"),
    "xxe.rdf": (
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
        "DOCTYPE or entity declaration is refused",
    ),
}


@pytest.mark.parametrize("command", ["validate", "add"])
@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    project_dir: Path, tmp_path: Path, command: str, name: str
) -> None:
    text, pattern = BAD_INPUTS[name]
    path = tmp_path / name
    path.write_text(text)
    before = tree_bytes(project_dir)
    result = run_kg("--project", project_dir, command, path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: ")
    import re

    assert re.search(pattern, lines[0]), lines[0]
    assert tree_bytes(project_dir) == before


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (["query", "no-such-query"], "no named query 'no-such-query'"),
        (["query", "evidence"], "needs --param entity=VALUE"),
        (["query", "visited-sites", "--param", "colour=red"], "has no parameter 'colour'"),
        (["query", "evidence", "--param", "entity=not an iri"], "not an IRI"),
        (["query", "-e", "SELECT * WHERE { ?s ?p }"], r"<query>:1:\d+: "),
        (["query", "-e", "DELETE WHERE { ?s ?p ?o }"], "SPARQL Update; queries are read-only"),
        (["query", "visited-sites", "--format", "yaml"], "unknown results format"),
        (["export", "--format", "yaml"], "unknown RDF format"),
        (["--project", "/nonexistent/folder", "stats"], "no such project folder"),
        (["validate", "/nonexistent/file.ttl"], "no such file"),
    ],
)
def test_usage_errors_are_one_line_exit_2(args: list[str], pattern: str) -> None:
    import re

    result = run_kg(*args)
    assert result.returncode == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert re.search(pattern, lines[0]), lines[0]
    assert "Traceback" not in result.stderr


def test_a_folder_that_is_not_a_project(tmp_path: Path) -> None:
    result = run_kg("--project", tmp_path, "queries")
    assert result.returncode == 2
    assert "not a kg project (missing ontology/ and data/)" in result.stderr


def test_debug_shows_the_traceback() -> None:
    result = run_kg_process("--debug", "query", "no-such-query")
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_update_via_query_does_not_change_the_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_kg("--store", store, "stats").returncode == 0
    before = run_kg("--store", store, "export", "-f", "nq").stdout
    assert run_kg("--store", store, "query", "-e", "DROP ALL").returncode == 2
    assert run_kg("--store", store, "export", "-f", "nq").stdout == before


def test_works_from_any_directory(tmp_path: Path) -> None:
    result = run_kg("query", "visited-sites", "-f", "csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 6
    assert ROOT.exists()
