"""Named-query headers and typed parameters, bound without pasting text into the query."""

from __future__ import annotations

import pytest

from kg.binding import bind
from kg.errors import ParameterError
from kg.queries import NamedQuery, parse_header, parse_value
from kg.store.embedded import EmbeddedStore
from kg.terms import Literal, NamedNode, Quad

HEADER = """# title: Sites the mission visited
# description: One row per real site.
# param: mission iri default=kgr:business-mission-belarus — The business mission.
# param: lang string optional — Only labels in this language.
# param: limit integer required — How many.
SELECT ?x WHERE { ?x ?p ?lang }
"""


def _query() -> NamedQuery:
    title, description, params = parse_header(HEADER)
    return NamedQuery(
        "sites",
        path=None,
        text=HEADER,
        title=title,  # type: ignore[arg-type]
        description=description,
        parameters=params,
    )


def test_header_gives_title_description_and_parameters() -> None:
    query = _query()
    assert query.title == "Sites the mission visited"
    assert query.description == "One row per real site."
    assert [p.signature() for p in query.parameters] == [
        "mission: iri = kgr:business-mission-belarus",
        "lang: string?",
        "limit: integer",
    ]


def test_defaults_fill_in_and_values_are_typed() -> None:
    bindings = _query().bindings({"limit": "3", "lang": "en"})
    assert bindings["mission"] == NamedNode("https://kg.example.org/id/business-mission-belarus")
    assert bindings["limit"] == Literal("3", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert bindings["lang"] == Literal("en")


def test_missing_unknown_and_ill_typed_parameters_are_errors() -> None:
    with pytest.raises(ParameterError, match="needs a value for its parameter 'limit'") as missing:
        _query().bindings({})
    assert "--param" not in str(missing.value)  # the library speaks of parameters...
    assert "needs --param limit=VALUE" in missing.value.cli_message  # ...the command line of options
    with pytest.raises(ParameterError, match="has no parameter 'colour'"):
        _query().bindings({"limit": "1", "colour": "red"})
    with pytest.raises(ParameterError, match="'ten' is not a valid integer"):
        _query().bindings({"limit": "ten"})
    with pytest.raises(ParameterError, match="not an IRI or a known CURIE"):
        _query().bindings({"limit": "1", "mission": "not an iri"})


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("<http://example.com/a>", "iri", NamedNode("http://example.com/a")),
        ("kgr:actp-rf", "iri", NamedNode("https://kg.example.org/id/actp-rf")),
        ('"Великий камень"@ru', "langstring", Literal("Великий камень", language="ru")),
        ("Minsk@en", "langstring", Literal("Minsk", language="en")),
        (
            '"2024-04-05"^^xsd:date',
            "term",
            Literal("2024-04-05", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#date")),
        ),
        ("kgr:x", "term", NamedNode("https://kg.example.org/id/x")),
        ("plain words", "term", Literal("plain words")),
        ("true", "boolean", Literal("true", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))),
    ],
)
def test_parse_value(text: str, kind: str, expected: object) -> None:
    assert parse_value(text, kind) == expected


def test_typed_literal_is_checked_against_its_datatype() -> None:
    with pytest.raises(ParameterError, match="'abc' is not a valid integer"):
        parse_value('"abc"^^xsd:integer', "term")


def test_a_hostile_value_stays_one_literal() -> None:
    store = EmbeddedStore()
    g = NamedNode("http://example.com/g")
    store.add_quads(
        [Quad(NamedNode("http://example.com/s"), NamedNode("http://example.com/p"), Literal("a"), g)]
    )
    hostile = Literal('a" } } ; DROP ALL ; SELECT * { ?s ?p "')
    query = "SELECT ?s WHERE { ?s <http://example.com/p> ?v }"
    assert store.query(query, bindings={"v": hostile}).rows == []
    assert store.query(query, bindings={"v": Literal("a")}).table() == [("http://example.com/s",)]
    assert len(store) == 1
    assert "DROP ALL" in bind(query, {"v": hostile})  # present only inside the escaped literal


def test_binding_goes_into_the_where_group_of_a_construct() -> None:
    text = bind("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": NamedNode("http://e/a")})
    assert text == "CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?s { <http://e/a> } ?s ?p ?o }"
