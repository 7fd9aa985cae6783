"""Query parameters that try to inject SPARQL are bound as values, or refused: never pasted.

A string parameter comes back from the engine exactly as given (so no quote, brace, ``#`` or
newline in it ended the literal); an IRI parameter with ``>``, spaces or braces is refused with a
:class:`ParameterError`; neither adds rows nor changes the store or the files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import run_kg, tree_bytes

import kg
from kg.binding import bind
from kg.errors import ParameterError
from kg.queries import parse_value
from kg.terms import Literal, NamedNode

HOSTILE_STRINGS = [
    '" } ; DROP ALL ; #',
    "' } ; DROP ALL ; #",
    '""" } DROP ALL #',
    "''' } DROP ALL #",
    '\\" } UNION { ?s ?p ?o } #',
    'x" } } UNION { ?thing ?p ?name } #',
    "a\n} DROP ALL\n#",
    '"@en } DROP ALL #',
    '"^^<http://example.org/t> } #',
    "\\u0022 } DROP ALL #",
    "}}}}}}",
    "# only a comment",
    "VALUES ?text { 'x' }",
]

HOSTILE_IRIS = [
    "<http://example.org/a> } ; DROP ALL ; #",
    "http://example.org/a> } DROP ALL {",
    "<http://example.org/a>b>",
    "http://example.org/a b",
    "http://example.org/{a}",
    'http://example.org/"a"',
    "http://example.org/a\nb",
    "<http://example.org/a\\u003E>",
    "kgr:a> } DROP ALL",
    "no-scheme",
]

ECHO = """# title: Echo
# description: Gives back its parameters.
# param: text string optional — Any text.
# param: thing iri optional — Any IRI.
SELECT ?text ?thing WHERE { }
"""


@pytest.fixture
def echo_project(project_dir: Path) -> kg.Project:
    (project_dir / "queries" / "echo.rq").write_text(ECHO)
    return kg.open_project(project_dir)


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_a_hostile_string_is_bound_as_one_literal(echo_project: kg.Project, value: str) -> None:
    before = set(echo_project.store.quads())
    result = echo_project.query("echo", {"text": value})
    assert result.rows == [(Literal(value), None)]
    assert set(echo_project.store.quads()) == before


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_a_hostile_search_text_finds_nothing_and_adds_no_rows(echo_project: kg.Project, value: str) -> None:
    assert echo_project.query("label-search", {"text": "Minsk"}).rows  # the query works
    assert echo_project.query("label-search", {"text": value}).rows == []


@pytest.mark.parametrize("value", HOSTILE_IRIS)
def test_a_hostile_iri_is_refused(echo_project: kg.Project, value: str) -> None:
    with pytest.raises(ParameterError, match=r"parameter 'thing': .* is not an IRI"):
        echo_project.query("echo", {"thing": value})


def test_an_iri_parameter_is_bound_as_the_iri_it_names(echo_project: kg.Project) -> None:
    result = echo_project.query("echo", {"thing": "kgr:actp-rf"})
    assert result.rows == [(None, NamedNode("https://kg.example.org/id/actp-rf"))]


def test_ad_hoc_query_parameters_are_bound_or_refused_too(echo_project: kg.Project) -> None:
    value = '" } ; DROP ALL ; #'
    assert echo_project.query("SELECT ?v WHERE { }", {"v": value}).rows == [(Literal(value),)]
    with pytest.raises(ParameterError, match="is not an IRI"):
        echo_project.query("SELECT ?v WHERE { }", {"v": "<http://example.org/a> } #"})


@pytest.mark.parametrize("value, kind", [('""@A', "string"), ('"x"@a', "term"), ("x@a", "langstring")])
def test_an_invalid_language_tag_is_a_parameter_error(value: str, kind: str) -> None:
    # found by the fuzz test: it was a bare ValueError from the engine's Literal
    with pytest.raises(ParameterError, match=r"parameter 'p': '[aA]' is not a language tag"):
        parse_value(value, kind, "p")


def test_bind_puts_the_value_in_one_values_block() -> None:
    text = bind("SELECT ?x WHERE { ?x ?p ?v }", {"v": Literal('" } ; DROP ALL ; #')})
    assert text == 'SELECT ?x WHERE { VALUES ?v { "\\" } ; DROP ALL ; #" } ?x ?p ?v }'


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(max_size=40) | st.text(alphabet="\"'\\{}<>#@^ \n.;", max_size=20))
def test_any_string_is_one_value_never_query_text(echo_project: kg.Project, value: str) -> None:
    # A value written as an RDF literal ('"Minsk"@en', '"3"^^xsd:integer') is read as one;
    # any other text is the string itself, surrounding spaces dropped.
    try:
        result = echo_project.query("echo", {"text": value})
    except ParameterError:
        return  # e.g. '"x"^^xsd:integer' with a lexical form that is not an integer
    (row,) = result.rows
    assert isinstance(row[0], Literal) and row[1] is None
    if not value.strip().startswith('"'):
        assert row[0] == Literal(value.strip())


# -- through the command line ---------------------------------------------------------------


def test_the_cli_binds_a_hostile_string_as_a_literal(echo_project: kg.Project) -> None:
    root = echo_project.files.root
    before = tree_bytes(root)
    value = '" } ; DROP ALL ; #'
    done = run_kg("--project", root, "query", "echo", "--param", f"text={value}", "-f", "json")
    assert done.returncode == 0, done.stderr
    bindings = json.loads(done.stdout)["results"]["bindings"]
    assert bindings == [{"text": {"type": "literal", "value": value}}]
    assert tree_bytes(root) == before


def test_the_cli_refuses_a_hostile_iri_with_exit_2(echo_project: kg.Project) -> None:
    root = echo_project.files.root
    done = run_kg(
        "--project", root, "query", "echo", "--param", "thing=<http://example.org/a> } ; DROP ALL ; #"
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert re.fullmatch(r"kg: error: parameter 'thing': .* is not an IRI.*\n", done.stderr)
    assert done.stdout == ""


def test_the_cli_search_with_injected_union_adds_no_rows(echo_project: kg.Project) -> None:
    done = run_kg(
        "--project",
        echo_project.files.root,
        "query",
        "label-search",
        "--param",
        'text=x" } } UNION { ?thing ?p ?name } #',
        "-f",
        "csv",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines() == ["thing,label,match,type"]
