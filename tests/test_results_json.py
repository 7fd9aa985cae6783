"""SPARQL JSON results as kg writes them: the document ``json.dumps`` makes of the W3C
structure, byte for byte, whatever the values hold."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.results import QueryResult
from kg.terms import XSD_STRING, BlankNode, Literal, NamedNode, Term

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20)
IRIS = st.sampled_from(["http://example.com/a", "https://kg.example.org/id/ü", "urn:x:\u2028"])
TERMS: st.SearchStrategy[Term | None] = st.one_of(
    st.none(),
    IRIS.map(NamedNode),
    st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,8}", fullmatch=True).map(BlankNode),
    TEXT.map(Literal),
    st.tuples(TEXT, st.sampled_from(["en", "ru", "be-Cyrl"])).map(lambda t: Literal(t[0], language=t[1])),
    st.tuples(TEXT, IRIS).map(lambda t: Literal(t[0], datatype=NamedNode(t[1]))),
)


def _reference(result: QueryResult) -> bytes:
    def term(value: Term) -> dict[str, str]:
        if isinstance(value, NamedNode):
            return {"type": "uri", "value": value.value}
        if isinstance(value, BlankNode):
            return {"type": "bnode", "value": value.value}
        out = {"type": "literal", "value": value.value}
        if value.language:
            out["xml:lang"] = value.language
        elif value.datatype != XSD_STRING:
            out["datatype"] = value.datatype.value
        return out

    bindings = [
        {name: term(t) for name, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    doc = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False).encode()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(TERMS, min_size=3, max_size=3).map(tuple), max_size=8))
def test_select_results_are_the_documents_json_dumps_writes(rows: list[tuple[Term | None, ...]]) -> None:
    result = QueryResult(kind="select", variables=["s", "label", "o"], rows=rows)
    written = result.serialize("json")
    assert written == _reference(result)
    parsed = json.loads(written)
    assert len(parsed["results"]["bindings"]) == len(rows)


def test_a_value_that_repeats_is_written_alike_each_time() -> None:
    shared = Literal('say "hi"\n', language="en")
    result = QueryResult(kind="select", variables=["a", "b"], rows=[(shared, None), (None, shared)])
    parsed = json.loads(result.serialize("json"))
    assert parsed["results"]["bindings"] == [
        {"a": {"type": "literal", "value": 'say "hi"\n', "xml:lang": "en"}},
        {"b": {"type": "literal", "value": 'say "hi"\n', "xml:lang": "en"}},
    ]


def test_ask_results() -> None:
    written = QueryResult(kind="ask", boolean=True).serialize("json")
    assert json.loads(written) == {"head": {}, "boolean": True}
