"""The library in a notebook: errors in the API's terms, useful reprs and HTML, data frames that
keep languages and datatypes, keyword parameters, tables that print as tables."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
from tests.conftest import ROOT

import kg
from kg.display import ResultTable
from kg.errors import KgError, ParameterError, RdfSyntaxError, UsageError

EXAMPLE = ROOT / "examples" / "new-post.trig"
VALUES = """SELECT ?city ?name ?pop ?founded ?capital WHERE { VALUES (?city ?name ?pop ?founded ?capital) {
  (kgr:minsk "Minsk"@en 1996553 "1067-01-01"^^xsd:date true)
  (kgr:gomel "Гомель"@ru UNDEF UNDEF false)
  (kgr:brest "Brest" 340141 "1019-01-01"^^xsd:date UNDEF) } }"""


# -- errors in the API's terms ----------------------------------------------------------------------
def test_a_missing_parameter_is_named_as_a_parameter(project: kg.Project) -> None:
    with pytest.raises(ParameterError) as missing:
        project.query("evidence")
    assert "--" not in str(missing.value)
    assert "parameter 'entity'" in str(missing.value)


def test_relative_iris_without_a_base_name_base_not_the_option(project: kg.Project) -> None:
    with pytest.raises(RdfSyntaxError) as refused:
        project.validate(data="<post> a <http://www.w3.org/ns/org#Post> .", fmt="ttl")
    assert "base=" in str(refused.value) and "--base" not in str(refused.value)
    assert "--base IRI" in refused.value.cli_message


def test_an_unknown_extension_names_the_argument_not_the_option(project: kg.Project, tmp_path: Path) -> None:
    data = tmp_path / "facts.data"
    data.write_bytes(EXAMPLE.read_bytes())
    with pytest.raises(UsageError) as refused:
        project.validate(str(data))
    assert "--" not in str(refused.value)
    assert project.validate(str(data), fmt="trig", standalone=True).findings  # read once named


def test_no_library_message_speaks_of_options(project: kg.Project, tmp_path: Path) -> None:
    """Every error the library raises on purpose below mentions no ``--option``."""
    data = tmp_path / "facts.data"
    data.write_bytes(EXAMPLE.read_bytes())
    attempts = [
        lambda: project.query("evidence"),
        lambda: project.query("visited-sites", nope="x"),
        lambda: project.validate(str(data)),
        lambda: project.validate(data="<a> <b> <c> .", fmt="ttl"),
        lambda: project.export("yaml"),
        lambda: project.query("visited-sites", {"lang": "en"}, lang="ru"),
    ]
    for attempt in attempts:
        with pytest.raises(KgError) as caught:
            attempt()
        assert not re.search(r"(^|\s)--[a-z]", str(caught.value)), str(caught.value)


# -- keyword parameters ----------------------------------------------------------------------------
def test_parameters_as_keywords_or_a_mapping(project: kg.Project) -> None:
    by_keyword = project.query("visited-sites", lang="ru")
    by_mapping = project.query("visited-sites", {"lang": "ru"})
    assert by_keyword.rows == by_mapping.rows and by_keyword.rows
    labels = [row[by_keyword.variables.index("label")] for row in by_keyword.rows]
    assert all(label is None or label.language == "ru" for label in labels)
    assert project.query("visited-sites", lang="en").rows != by_keyword.rows


def test_a_parameter_given_twice_is_refused(project: kg.Project) -> None:
    with pytest.raises(UsageError, match="'lang' is given twice"):
        project.query("visited-sites", {"lang": "en"}, lang="ru")


# -- reprs and HTML --------------------------------------------------------------------------------
def test_reprs_say_what_the_object_is(project: kg.Project) -> None:
    assert re.fullmatch(r"<kg\.Project .+ on in-memory: \d+ named queries>", repr(project))
    result = project.query("SELECT ?x WHERE { VALUES ?x { 1 2 3 } }")
    assert repr(result) == "<QueryResult select: 3 row(s) of x>"
    assert repr(project.query("ASK { ?s ?p ?o }")) == "<QueryResult ask: true>"
    assert repr(project.query("CONSTRUCT { kgr:a kgr:b 1 } WHERE {}")) == "<QueryResult graph: 1 triple(s)>"
    report = project.validate(EXAMPLE, standalone=True)
    counts = report.counts()
    assert repr(report) == (
        f"<ValidationReport: does not conform (alone): {counts['Violation']} violation(s), "
        f"{counts['Warning']} warning(s), {counts['Info']} info>"
    )


def _cells(markup: str) -> list[str]:
    return [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", markup)]


def test_results_reports_and_projects_show_as_html_tables(project: kg.Project) -> None:
    result = project.query(VALUES)
    markup = result._repr_html_()
    assert list(re.findall(r"<th>(.*?)</th>", markup)) == result.variables
    cells = _cells(markup)
    assert "kgr:minsk" in cells and "Minsk @en" in cells and "1996553 ^^xsd:integer" in cells
    report = project.validate(EXAMPLE, standalone=True)
    shown = report._repr_html_()
    assert "Does not conform" in shown and "org:postIn" in _cells(shown)
    assert "kgr:actp-rf" in _cells(shown)
    facts = _cells(project._repr_html_())
    assert str(project.store.fact_count()) in facts and "visited-sites" in ", ".join(facts)


def test_html_escapes_values(project: kg.Project) -> None:
    markup = project.query('SELECT ?x WHERE { VALUES ?x { "<script>alert(1)</script>" } }')._repr_html_()
    assert "<script>" not in markup and "&lt;script&gt;" in markup


def test_html_shows_the_first_rows_and_counts_the_rest(project: kg.Project) -> None:
    many = project.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    markup = many._repr_html_()
    assert markup.count("<tr>") == 101  # the header and 100 rows
    assert f"… and {len(many) - 100} more rows" in markup


# -- .table() --------------------------------------------------------------------------------------
def test_table_prints_as_a_table_and_stays_rows(project: kg.Project) -> None:
    result = project.query(VALUES)
    table = result.table()
    assert isinstance(table, list) and isinstance(table, ResultTable)
    assert table == [tuple(None if t is None else t.value for t in row) for row in result.rows]
    assert table[1] == ("https://kg.example.org/id/gomel", "Гомель", None, None, "false")
    lines = str(table).splitlines()
    assert lines[0].split() == result.variables
    assert set(lines[1]) == {"-", " "}
    starts = [m.start() for m in re.finditer(r"\S+", lines[0])]
    for line in lines[2:]:  # every value starts in its column
        inside = [s for s in starts[1:] if s <= len(line)]
        assert [line[s - 1] for s in inside] == [" "] * len(inside)
    assert repr(table) == str(table)
    assert "<table>" in table._repr_html_()


# -- data frames -----------------------------------------------------------------------------------
def test_dataframe_keeps_language_and_datatype_in_extra_columns(project: kg.Project) -> None:
    frame = project.query(VALUES).to_dataframe()
    assert list(frame.columns) == [
        "city",
        "name",
        "name_lang",
        "pop",
        "pop_datatype",
        "founded",
        "founded_datatype",
        "capital",
        "capital_datatype",
    ]
    assert list(frame["name_lang"]) == ["en", "ru", None]
    assert frame.loc[0, "pop_datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    assert frame.loc[0, "pop"] == 1996553 and frame.loc[1, "pop"] is None
    assert all(frame[c].dtype == object for c in frame.columns)


def test_dataframe_typed_by_choice(project: kg.Project) -> None:
    frame = project.query(VALUES).to_dataframe(typed=True)
    assert str(frame["pop"].dtype) == "Int64" and pd.isna(frame.loc[1, "pop"])
    assert str(frame["founded"].dtype).startswith("datetime64")
    assert frame.loc[0, "founded"].year == 1067
    assert str(frame["capital"].dtype) == "boolean" and list(frame["capital"][:2]) == [True, False]
    assert "pop_datatype" not in frame.columns and "name_lang" in frame.columns


def test_empty_columns_stay_objects(project: kg.Project) -> None:
    frame = project.query("SELECT ?x ?iri WHERE { VALUES ?x { 1 2 } OPTIONAL { ?x a ?iri } }").to_dataframe()
    assert frame["iri"].dtype == object and list(frame["iri"]) == [None, None]
    assert project.query("SELECT ?x WHERE { FILTER(false) }").to_dataframe().shape == (0, 1)


def test_an_ill_typed_literal_keeps_its_column_whole(project: kg.Project) -> None:
    frame = project.query('SELECT ?n WHERE { VALUES ?n { 1 "many"^^xsd:integer } }').to_dataframe(typed=True)
    assert frame["n"].dtype == object and list(frame["n"]) == [1, "many"]


def test_a_single_path_is_accepted_where_a_list_is(project: kg.Project) -> None:
    one = project.validate(str(EXAMPLE), standalone=True)
    many = project.validate([EXAMPLE], standalone=True)
    assert one.findings == many.findings and one.findings
