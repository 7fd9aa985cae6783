"""The command line keeps one set of habits, those of riot, Oxigraph's CLI and pySHACL.

``-f/--format`` is always what a command writes, ``-i/--input-format`` what it reads; the
formats are named from one list, the same in every help text and every message; every command
that reads RDF takes ``--base IRI``; every ``--help`` ends with examples and names the
variables it reads; reports print CURIEs; the exit codes relate to pySHACL's exactly as the
documentation says.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from tests.conftest import ROOT, run_kg

from kg.cli import cli
from kg.cli.reference import _help as reference_help
from kg.formats import RDF_FORMAT_NAMES, listed

RDF_LIST = listed(RDF_FORMAT_NAMES)  # "ttl, trig, nt, nq, jsonld, rdf"
READS_RDF = ("load", "validate", "add")
EXAMPLE = ROOT / "examples" / "new-post.trig"


def _help(name: str | None = None) -> str:
    """A command's ``--help``, as ``kg`` prints it (and as docs/cli.md shows it)."""
    if name is None:
        return reference_help(cli, ["kg"])
    return reference_help(cli.commands[name], ["kg", name])


def _option(command: click.Command, flag: str) -> click.Option | None:
    return next((p for p in command.params if isinstance(p, click.Option) and flag in p.opts), None)


# -- -f is what a command writes, -i what it reads -----------------------------------------------
@pytest.mark.parametrize("name", sorted(cli.commands))
def test_f_is_always_the_output_format(name: str) -> None:
    option = _option(cli.commands[name], "-f")
    if option is None or option.hidden:
        return
    assert option.opts == ["-f", "--format"]
    assert "input" not in (option.help or "").lower()
    assert re.match(r"^(Output|Report|Review summary) format", option.help or ""), option.help


@pytest.mark.parametrize("name", READS_RDF)
def test_every_command_that_reads_rdf_takes_i_and_base(name: str) -> None:
    command = cli.commands[name]
    reads = _option(command, "--input-format")
    assert reads is not None and reads.opts == ["-i", "--input-format"]
    assert RDF_LIST in (reads.help or "")
    assert _option(command, "--base") is not None


def test_no_other_command_has_an_input_format() -> None:
    others = [n for n, c in cli.commands.items() if n not in READS_RDF and _option(c, "--input-format")]
    assert others == []


def test_the_old_load_f_is_refused_with_the_new_name(tmp_path: Path) -> None:
    store = tmp_path / "graph.db"
    assert run_kg("--store", store, "build").returncode == 0
    done = run_kg("--store", store, "load", "-f", "ttl", EXAMPLE)
    assert done.returncode == 2
    assert done.stderr.startswith("kg: error: ")
    assert "-i/--input-format" in done.stderr and len(done.stderr.splitlines()) == 1
    assert run_kg("--store", store, "load", "-i", "trig", EXAMPLE).returncode == 0


# -- one list of formats --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["export", "--format", "yaml"],
        ["validate", "--input-format", "yaml", str(EXAMPLE)],
        ["query", "-e", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "--format", "yaml"],
    ],
)
def test_an_unknown_format_is_told_with_the_one_list(args: list[str]) -> None:
    done = run_kg(*args)
    assert done.returncode == 2
    assert RDF_LIST in done.stderr, done.stderr


def test_an_unknown_extension_names_the_list_and_the_option(tmp_path: Path) -> None:
    data = tmp_path / "facts.data"
    data.write_bytes(EXAMPLE.read_bytes())
    done = run_kg("validate", "--standalone", data)
    assert done.returncode == 2
    assert f"give -i/--input-format ({RDF_LIST})" in done.stderr
    assert run_kg("validate", "--standalone", "-i", "trig", data).returncode == 1  # read: not conforming


def test_help_texts_name_the_formats_from_the_same_list() -> None:
    def text(name: str) -> str:
        return " ".join(_help(name).split())

    assert f"Output format: {RDF_LIST}" in text("export")
    assert RDF_LIST in text("query") and "table, json, xml, csv, tsv" in text("query")
    for name in READS_RDF:
        assert RDF_LIST in text(name)


# -- --base ---------------------------------------------------------------------------------------
RELATIVE = EXAMPLE.read_text(encoding="utf-8").replace("https://example.org/", "")


def test_validate_resolves_relative_iris_against_base(tmp_path: Path) -> None:
    data = tmp_path / "relative.trig"
    data.write_text(RELATIVE, encoding="utf-8")
    without = run_kg("validate", data)
    assert without.returncode == 2
    assert "relative IRI" in without.stderr and "--base IRI" in without.stderr
    based = run_kg("validate", "--base", "https://example.org/", data, "--format", "json")
    absolute = run_kg("validate", EXAMPLE, "--format", "json")
    assert based.returncode == absolute.returncode == 0
    assert json.loads(based.stdout)["findings"] == json.loads(absolute.stdout)["findings"]


def test_add_takes_base(project_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "relative.trig"
    data.write_text(RELATIVE, encoding="utf-8")
    done = run_kg("--project", project_dir, "add", "--base", "https://example.org/", data)
    assert done.returncode == 0, done.stderr
    found = run_kg(
        "--project",
        project_dir,
        "query",
        "-e",
        "SELECT ?who WHERE { <https://example.org/id/post-press-secretary> org:heldBy ?who }",
        "--format",
        "csv",
    )
    assert found.stdout.splitlines()[1:] == ["https://example.org/id/anna-example"]


def test_load_takes_base_and_build_keeps_it(tmp_path: Path) -> None:
    store = tmp_path / "graph.db"
    data = tmp_path / "relative.trig"
    data.write_text(RELATIVE, encoding="utf-8")
    assert run_kg("--store", store, "build").returncode == 0
    refused = run_kg("--store", store, "load", data)
    assert refused.returncode == 2 and "--base IRI" in refused.stderr
    assert run_kg("--store", store, "load", "--base", "https://example.org/", data).returncode == 0
    ask = "ASK { <https://example.org/id/anna-example> foaf:name ?n }"
    assert run_kg("--store", store, "query", "-e", ask).stdout.strip() == "yes"
    assert run_kg("--store", store, "build").returncode == 0  # loaded files are loaded again...
    assert run_kg("--store", store, "query", "-e", ask).stdout.strip() == "yes"  # ...with their base


# -- kg load DIR ----------------------------------------------------------------------------------
def test_load_a_folder_loads_every_rdf_file_under_it(tmp_path: Path) -> None:
    store = tmp_path / "graph.db"
    folder = tmp_path / "extra"
    (folder / "deeper").mkdir(parents=True)
    shutil.copy(EXAMPLE, folder / "post.trig")
    (folder / "deeper" / "more.nt").write_text(
        '<https://example.org/id/x> <http://xmlns.com/foaf/0.1/name> "X" <https://example.org/g> .\n'.replace(
            " <https://example.org/g> .", " ."
        ),
        encoding="utf-8",
    )
    (folder / "README.txt").write_text("not RDF", encoding="utf-8")
    assert run_kg("--store", store, "build").returncode == 0
    done = run_kg("--store", store, "load", folder)
    assert done.returncode == 0, done.stderr
    assert "from 2 file(s)" in done.stdout
    for ask in (
        "ASK { <https://example.org/id/anna-example> foaf:name ?n }",
        'ASK { <https://example.org/id/x> foaf:name "X" }',
    ):
        assert run_kg("--store", store, "query", "-e", ask).stdout.strip() == "yes"


def test_load_a_folder_without_rdf_says_so(tmp_path: Path) -> None:
    store = tmp_path / "graph.db"
    empty = tmp_path / "notes"
    empty.mkdir()
    (empty / "a.txt").write_text("x", encoding="utf-8")
    assert run_kg("--store", store, "build").returncode == 0
    done = run_kg("--store", store, "load", empty)
    assert done.returncode == 2
    assert f"{empty}: no RDF files under this folder (by extension: {RDF_LIST})" in done.stderr


# -- kg stats --format ----------------------------------------------------------------------------
def test_stats_as_json_and_as_a_table(project: object) -> None:
    as_json = run_kg("stats", "--format", "json")
    assert as_json.returncode == 0
    numbers = json.loads(as_json.stdout)
    assert numbers == project.stats().as_dict()  # type: ignore[attr-defined]
    assert numbers["triples"] > 0 and numbers["entities_by_class"]
    table = run_kg("stats", "-f", "table")
    assert table.stdout.startswith(f"{numbers['triples']} triples in {numbers['named_graphs']} named graphs")
    assert run_kg("stats", "--format", "yaml").returncode == 2


# -- help -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [None, *sorted(cli.commands)])
def test_every_help_ends_with_one_or_two_examples(name: str | None) -> None:
    lines = _help(name).rstrip().splitlines()
    heading = max(i for i, line in enumerate(lines) if line.strip() in ("Example:", "Examples:"))
    examples = [line.strip() for line in lines[heading + 1 :]]
    assert 1 <= len(examples) <= 2, examples
    assert len(examples) == 1 or lines[heading].strip() == "Examples:"
    assert all(re.match(r"^(KG_[A-Z]+=\S+ )?kg( |$)", e) for e in examples), examples


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_option_has_help(name: str) -> None:
    missing = [
        p.opts
        for p in cli.commands[name].params
        if isinstance(p, click.Option) and not p.hidden and not p.help
    ]
    assert missing == []


def test_the_variables_are_in_the_help() -> None:
    group = _help()
    for variable in ("KG_STORE", "KG_ENDPOINT", "KG_PROJECT", "KG_USER", "KG_PASSWORD"):
        assert f"[env: {variable}]" in group
    assert "[env: KG_TOKEN]" in _help("serve")


# -- reports --------------------------------------------------------------------------------------
def test_the_human_report_prints_curies() -> None:
    done = run_kg("validate", "--standalone", EXAMPLE)
    assert done.returncode == 1
    assert "Violation: org:postIn = kgr:actp-rf:" in done.stdout
    assert "<http://www.w3.org/ns/org#postIn>" not in done.stdout
    assert "schema:datePublished" in done.stdout and "<https://schema.org/" not in done.stdout
    assert "<https://example.org/id/post-press-secretary>" in done.stdout  # no prefix covers it


# -- exit codes as they relate to pySHACL's ----------------------------------------------------------
SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:severity sh:Warning ] ;
    sh:property [ sh:path ex:note ; sh:minCount 1 ; sh:severity sh:Info ] .
"""
FACTS = {
    "warning": '<https://example.org/x> a <https://example.org/Thing> ; <https://example.org/note> "n" .',
    "info": '<https://example.org/x> a <https://example.org/Thing> ; <https://example.org/name> "x" .',
    "nothing": '<https://example.org/x> a <https://example.org/Thing> ; <https://example.org/name> "x" ; '
    '<https://example.org/note> "n" .',
}


def _pyshacl(data: Path, shapes: Path, *flags: str) -> int:
    done = subprocess.run(
        [sys.executable, "-m", "pyshacl", "-s", str(shapes), *flags, str(data)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done.returncode


@pytest.mark.parametrize("finding", sorted(FACTS))
def test_exit_codes_as_the_documentation_relates_them_to_pyshacl(finding: str, tmp_path: Path) -> None:
    target = tmp_path / "project"
    assert run_kg("init", target).returncode == 0
    shapes = target / "ontology" / "shapes.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    plain = tmp_path / "data.ttl"
    plain.write_text(FACTS[finding] + "\n", encoding="utf-8")
    contribution = tmp_path / "data.trig"
    contribution.write_text(
        "<https://example.org/g> { <https://example.org/g> <http://www.w3.org/ns/prov#wasDerivedFrom> "
        f"<https://example.org/source> . {FACTS[finding]} }}\n",
        encoding="utf-8",
    )

    def kg_exit(*flags: str) -> int:
        done = run_kg("--project", target, "validate", "--standalone", *flags, contribution)
        assert done.returncode in (0, 1), done.stderr
        return done.returncode

    # pySHACL's default fails on any finding: kg's --fail-on info
    assert _pyshacl(plain, shapes) == kg_exit("--fail-on", "info") == (0 if finding == "nothing" else 1)
    # pySHACL --allow-info: kg's --fail-on warning
    assert (
        _pyshacl(plain, shapes, "--allow-info")
        == kg_exit("--fail-on", "warning")
        == (1 if finding == "warning" else 0)
    )
    # pySHACL --allow-warnings: kg's default, --fail-on violation
    assert _pyshacl(plain, shapes, "--allow-warnings") == kg_exit() == 0


def test_the_exit_code_documentation_says_what_the_test_shows() -> None:
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "`--fail-on info` gives pySHACL's default" in readme
    assert "`--fail-on warning` gives pySHACL's `--allow-info`" in readme
    assert "kg's default (`--fail-on violation`) is pySHACL's `--allow-warnings`" in readme
