"""Property-based fuzzing of kg's parser entry points: any input ends in a result or a kg error.

``rdfio.parse_bytes`` (each format), ``queries.parse_value``, ``queries.parse_header`` and
``binding.bind`` are fed random bytes and text, and mutations of valid documents (bytes
inserted, deleted, replaced; documents cut short). Each call must return normally or raise a
:class:`~kg.errors.KgError`; a syntax error must say ``source:line:column:``. The example
counts are bounded so that the file runs in well under a minute.
"""

from __future__ import annotations

import io
import os
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.binding import bind
from kg.errors import KgError, RdfSyntaxError, UnsafeInputError
from kg.input_guards import refuse_deep_json
from kg.queries import PARAM_TYPES, parse_header, parse_value
from kg.rdfio import (
    FORMATS,
    JSON_LD,
    MAX_JSON_DEPTH,
    N_QUADS,
    N_TRIPLES,
    RDF_XML,
    TRIG,
    TURTLE,
    RdfFormat,
    guarded,
)
from kg.rdfio import parse_bytes as parse_rdf
from kg.terms import BlankNode, Literal, NamedNode

# Bounded and repeatable by default; KG_FUZZ_EXAMPLES=5000 runs a longer, random search.
_LONG_RUN = int(os.environ.get("KG_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=_LONG_RUN or 120,
    deadline=None,
    derandomize=not _LONG_RUN,
    suppress_health_check=[HealthCheck.too_slow],
)

SEEDS: dict[str, bytes] = {
    TURTLE.name: (
        b"@prefix ex: <http://example.org/> .\n@base <http://example.org/b/> .\n"
        b'ex:a a ex:T ; ex:p "x"@en, 1, 2.5, true, ( 1 [ ex:q <r> ] ) ;\n'
        b'  ex:s """long\n"""^^ex:dt .\n_:b ex:p \'y\' .\n'
    ),
    TRIG.name: (
        b'@prefix ex: <http://example.org/> .\nex:g { ex:a ex:p "x"@ru ; ex:q ( 1 2 ) . }\n'
        b"GRAPH _:g { ex:a ex:p [ ex:q 1 ] }\n{ ex:b ex:c ex:d }\n"
    ),
    N_TRIPLES.name: (
        b'<http://example.org/a> <http://example.org/p> "x\\u00e9\\n"@en .\n'
        b'_:b <http://example.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#int> .\n'
    ),
    N_QUADS.name: (
        b'<http://example.org/a> <http://example.org/p> "x" <http://example.org/g> .\n'
        b"_:b <http://example.org/p> _:c _:g .\n<http://e/a> <http://e/p> <http://e/o> .\n"
    ),
    JSON_LD.name: (
        b'{"@context": {"ex": "http://example.org/", "n": {"@id": "ex:n", '
        b'"@type": "@id"}}, "@id": "ex:a", "@type": "ex:T", "ex:p": [1, "x", '
        b'{"@value": "y", "@language": "en"}, {"@list": [1, 2]}], "n": "ex:b", '
        b'"@graph": [{"@id": "ex:c", "ex:q": true}]}'
    ),
    RDF_XML.name: (
        b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        b'22-rdf-syntax-ns#" xmlns:e="http://example.org/" xml:base="http://ex/">\n'
        b'<rdf:Description rdf:about="a" e:attr="v"><e:p xml:lang="en">x</e:p>'
        b'<e:q rdf:resource="#b"/><e:r rdf:parseType="Resource"><e:s>1</e:s></e:r>'
        b'<e:l rdf:parseType="Collection"><rdf:Description rdf:about="c"/></e:l>'
        b'<e:x rdf:parseType="Literal"><b>bold</b></e:x></rdf:Description>\n'
        b'<e:T rdf:ID="t"><e:p rdf:datatype="http://e/dt">2</e:p></e:T>\n</rdf:RDF>\n'
    ),
}

POSITION = re.compile(r"^<fuzz>:\d+:\d+: \S")
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def outcome_of_parsing(data: bytes, fmt: RdfFormat) -> None:
    """Parse; a kg error is a fine outcome, anything else fails the test."""
    try:
        quads = parse_rdf(data, fmt, source="<fuzz>", base_iri="http://example.org/base/")
    except (RdfSyntaxError, UnsafeInputError) as error:
        assert POSITION.match(str(error)), str(error)
        assert not CONTROL.search(str(error)), repr(str(error))  # one line, no control codes
    except KgError:
        pass
    else:
        assert isinstance(quads, list)


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """The seed with a few bytes inserted, deleted or replaced, or cut short."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["insert", "delete", "replace", "cut", "duplicate"]))
        at = draw(st.integers(0, len(data)))
        if action == "insert":
            data[at:at] = draw(
                st.binary(min_size=1, max_size=4)
                | st.sampled_from(
                    [
                        b"<",
                        b">",
                        b'"',
                        b"{",
                        b"}",
                        b"[",
                        b"(",
                        b"\\",
                        b"\\u",
                        b"&",
                        b"<!",
                        b"\x00",
                        b"\xff",
                        b"\xc3",
                        b"@",
                        b"^^",
                        b"_:",
                        b":",
                        b".",
                        b"\n",
                        b"#",
                    ]
                )
            )
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 8))]
        elif action == "replace" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at:]
        else:
            data[at:at] = data[max(0, at - 20) : at]
    return bytes(data)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
@FUZZ
@given(data=st.data())
def test_mutated_documents_parse_or_raise_a_kg_error(fmt: RdfFormat, data: st.DataObject) -> None:
    outcome_of_parsing(data.draw(mutated(SEEDS[fmt.name])), fmt)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
@FUZZ
@given(data=st.binary(max_size=200))
@example(data=b"")
@example(data=b"\xef\xbb\xbf")
@example(data=b"\xff\xfe")
@example(data=b"\x00\x00\x00")
def test_random_bytes_parse_or_raise_a_kg_error(fmt: RdfFormat, data: bytes) -> None:
    outcome_of_parsing(data, fmt)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
@FUZZ
@given(text=st.text(alphabet=st.sampled_from(list("<>\"'{}[]()@^_:.;,#\\ \n\tax1é&!-?=/")), max_size=80))
def test_random_syntax_characters_parse_or_raise_a_kg_error(fmt: RdfFormat, text: str) -> None:
    outcome_of_parsing(text.encode(), fmt)


@FUZZ
@given(
    value=st.text(max_size=60)
    | st.from_regex(r'"[^"]{0,10}"(@[a-z-]{0,12}|\^\^[a-z]*:[a-z]*|\^\^<[^>]{0,20}>)?', fullmatch=True),
    kind=st.sampled_from([*PARAM_TYPES, "unknown"]),
)
@example(value='"x"^^<>', kind="string")
@example(value='""@A', kind="string")
@example(value="<>", kind="iri")
@example(value='"\\', kind="term")
def test_parse_value_gives_a_term_or_a_kg_error(value: str, kind: str) -> None:
    try:
        term = parse_value(value, kind, "p")
    except KgError:
        return
    assert isinstance(term, NamedNode | Literal)


@FUZZ
@given(
    text=st.lists(
        st.one_of(
            st.text(max_size=40),
            st.from_regex(r"# ?(title|description|param): .{0,40}", fullmatch=True),
            st.from_regex(
                r"# param: [a-z_]{1,5} [a-z]{2,10} (required|optional|default=\S{1,8})"
                r"( — .{0,10})?",
                fullmatch=True,
            ),
        ),
        max_size=6,
    ).map("\n".join)
)
def test_parse_header_gives_a_header_or_a_kg_error(text: str) -> None:
    try:
        title, description, params = parse_header(text)
    except KgError:
        return
    assert isinstance(title, str) and isinstance(description, str)
    assert all(p.type in PARAM_TYPES for p in params)


terms = st.one_of(
    st.text(max_size=20).map(Literal),
    st.tuples(st.text(max_size=10), st.sampled_from(["en", "ru", "be-Latn"])).map(
        lambda t: Literal(t[0], language=t[1])
    ),
    st.sampled_from(
        [
            NamedNode("http://example.org/a"),
            BlankNode("b"),
            Literal("1", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#int")),
        ]
    ),
)


@FUZZ
@given(
    sparql=st.text(max_size=80)
    | st.sampled_from(
        [
            "SELECT ?x WHERE { ?x ?p ?o }",
            "ASK { ?x ?p ?o }",
            "CONSTRUCT { ?x ?p ?o } WHERE { { ?x ?p ?o } }",
            'SELECT * { FILTER("}") ?x ?p "{" } # }',
            "DESCRIBE ?x",
            "SELECT ?x WHERE { <http://a{> ?p ?o }",
            "SELECT ?x WHERE",
        ]
    ),
    bindings=st.dictionaries(st.text(max_size=6), terms, max_size=3),
)
def test_bind_gives_query_text_or_a_kg_error(sparql: str, bindings: dict[str, object]) -> None:
    try:
        text = bind(sparql, bindings)  # type: ignore[arg-type]
    except KgError:
        return
    assert isinstance(text, str)
    if bindings:
        for name in bindings:
            assert f"VALUES ?{name} {{ " in text


json_pieces = st.lists(
    st.one_of(
        st.integers(1, 300).map(lambda n: "[" * n),
        st.integers(1, 300).map(lambda n: "]" * n),
        st.sampled_from(["{", "}", '"', '\\"', "\\\\", '"[[["', '"]]]"', "1", ",", ":", " "]),
    ),
    max_size=12,
).map("".join)


@FUZZ
@given(text=json_pieces, cuts=st.lists(st.integers(0, 4000), max_size=4))
def test_the_json_depth_check_agrees_on_whole_inputs_and_streams(text: str, cuts: list[int]) -> None:
    # the whole-input check and the chunk-by-chunk reader refuse exactly the documents that
    # a plain character-by-character reading finds too deep
    data = text.encode()
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    too_deep = deepest > MAX_JSON_DEPTH

    def refused_whole() -> bool:
        try:
            refuse_deep_json(data, "<fuzz>")
        except UnsafeInputError:
            return True
        return False

    reader = guarded(io.BytesIO(data), JSON_LD, "<fuzz>")
    refused_stream = False
    try:
        previous = 0
        for cut in [*sorted(c for c in cuts if c < len(data)), len(data)]:
            reader.read(cut - previous)
            previous = cut
    except UnsafeInputError:
        refused_stream = True
    assert refused_whole() == refused_stream == too_deep
