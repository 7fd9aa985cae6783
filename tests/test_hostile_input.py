"""Broken and hostile RDF: every input ends in quads or in a kg error, never a crash.

Each test states what kg does with one kind of bad file: load it, or refuse it with an
:class:`~kg.errors.InputError` whose message starts ``path:line:column:``; a few also go through
``kg validate --standalone``, which must exit 2 with one ``kg: error:`` line and no traceback.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tests.conftest import ROOT, run_kg

import kg
from kg.canonical import canonical_turtle
from kg.errors import InputError, RdfSyntaxError, UnsafeInputError
from kg.rdfio import (
    JSON_LD,
    MAX_JSON_DEPTH,
    MAX_XML_DEPTH,
    N_TRIPLES,
    RDF_XML,
    TRIG,
    TURTLE,
    iter_parse_file,
    parse_bytes,
    parse_file,
)
from kg.terms import Literal, NamedNode

XSD = "http://www.w3.org/2001/XMLSchema#"
RDFXML_HEAD = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://example.org/">'
)
POSITION = r"^{path}:\d+:\d+: \S"


def located(error: BaseException, path: Path | str) -> bool:
    """The message names the file, a line and a column, then says something, on one line."""
    text = str(error)
    return bool(re.match(POSITION.format(path=re.escape(str(path))), text)) and "\n" not in text


def assert_cli_refuses(path: Path, *, expect: str) -> str:
    """``kg validate --standalone path`` exits 2 with one located error line, no traceback."""
    done = run_kg("validate", "--standalone", path)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert re.match(rf"^kg: error: {re.escape(str(path))}:\d+:\d+: ", lines[0]), lines[0]
    assert expect in lines[0]
    assert "\x00" not in done.stderr
    return lines[0]


# -- truncated files -------------------------------------------------------------------------

TRUNCATED = {
    "ttl": (TURTLE, b'@prefix ex: <http://example.org/> .\nex:a ex:b "never closed'),
    "trig": (TRIG, b"<http://example.org/g> {\n  <http://example.org/a> <http://example.org/b> 1 ."),
    "nt": (N_TRIPLES, b"<http://example.org/a> <http://example.org/b> <http://exam"),
    "jsonld": (JSON_LD, b'{"@id": "http://example.org/a",\n "http://example.org/b": [1, 2,'),
    "rdf": (
        RDF_XML,
        (RDFXML_HEAD + '\n<rdf:Description rdf:about="http://example.org/a">\n<e:b>1</e:b>').encode(),
    ),
    "utf8-cut": (TURTLE, '<http://example.org/a> <http://example.org/b> "Минск" .'.encode()[:-6]),
}


@pytest.mark.parametrize("case", TRUNCATED, ids=list(TRUNCATED))
def test_a_truncated_file_is_refused_not_half_loaded(case: str, tmp_path: Path) -> None:
    fmt, data = TRUNCATED[case]
    path = tmp_path / f"cut.{fmt.extension}"
    path.write_bytes(data)
    with pytest.raises(RdfSyntaxError) as caught:
        parse_file(path, fmt)
    assert located(caught.value, path)
    assert caught.value.line == data.count(b"\n") + 1  # it stopped on the last line


def test_truncated_rdfxml_is_refused_when_streamed_too(tmp_path: Path) -> None:
    path = tmp_path / "cut.rdf"
    path.write_bytes(TRUNCATED["rdf"][1])
    with pytest.raises(RdfSyntaxError, match="not well-formed XML"):
        list(iter_parse_file(path, RDF_XML))


def test_truncated_file_through_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.ttl"
    path.write_bytes(TRUNCATED["ttl"][1])
    assert_cli_refuses(path, expect="end of file")


# -- encodings, byte-order marks, NUL bytes --------------------------------------------------


def test_latin1_bytes_in_turtle_are_refused_with_a_hint_to_convert(tmp_path: Path) -> None:
    path = tmp_path / "latin1.ttl"
    path.write_bytes('<http://example.org/a> <http://example.org/b> "Brest, café" .\n'.encode("latin-1"))
    with pytest.raises(RdfSyntaxError, match="kg reads UTF-8 only") as caught:
        parse_file(path)
    assert located(caught.value, path)
    assert (caught.value.line, caught.value.column) == (1, 58)  # the é
    assert_cli_refuses(path, expect="UTF-8")


@pytest.mark.parametrize("fmt", [TURTLE, TRIG, N_TRIPLES, JSON_LD, RDF_XML], ids=lambda f: f.name)
def test_a_utf8_byte_order_mark_is_accepted(fmt: object, tmp_path: Path) -> None:
    text = {
        "JSON-LD": '{"@id": "http://example.org/a", "http://example.org/b": "Минск"}',
        "RDF/XML": (
            RDFXML_HEAD + '<rdf:Description rdf:about="http://example.org/a">'
            "<e:b>Минск</e:b></rdf:Description></rdf:RDF>"
        ),
    }.get(fmt.name, '<http://example.org/a> <http://example.org/b> "Минск" .')  # type: ignore[attr-defined]
    quads = parse_bytes(b"\xef\xbb\xbf" + text.encode(), fmt)  # type: ignore[arg-type]
    assert [q.object for q in quads] == [Literal("Минск")]
    path = tmp_path / f"bom.{fmt.extension}"  # type: ignore[attr-defined]
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert list(iter_parse_file(path, fmt)) == quads  # type: ignore[arg-type]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("fmt", [TURTLE, JSON_LD, RDF_XML], ids=lambda f: f.name)
def test_utf16_and_utf32_are_refused_clearly(fmt: object, encoding: str) -> None:
    text = {
        "JSON-LD": '{"@id": "http://example.org/a", "http://example.org/b": "x"}',
        "RDF/XML": RDFXML_HEAD + "</rdf:RDF>",
    }.get(fmt.name, "<http://example.org/a> <http://example.org/b> 'x' .")  # type: ignore[attr-defined]
    with pytest.raises(RdfSyntaxError, match=r"^f:1:1: the file is encoded in UTF-(16|32)"):
        parse_bytes(text.encode(encoding), fmt, source="f")  # type: ignore[arg-type]


def test_utf16_file_through_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "wide.ttl"
    path.write_bytes("<http://example.org/a> <http://example.org/b> 'x' .".encode("utf-16"))
    assert_cli_refuses(path, expect="encoded in UTF-16; kg reads UTF-8 only")


def test_a_nul_byte_inside_a_turtle_string_is_data_and_survives_canonical_output() -> None:
    quads = parse_bytes(b'<http://example.org/a> <http://example.org/b> "a\x00b" .', TURTLE)
    assert quads[0].object == Literal("a\x00b")
    text = canonical_turtle(quads)
    assert "\x00" not in text and '"a\\u0000b"' in text
    assert parse_bytes(text.encode(), TURTLE) == quads  # the escape reads back as the NUL


@pytest.mark.parametrize(
    "data, fmt",
    [
        (b"<http://example.org/a> <http://example.org/b> \x00 .", TURTLE),
        (b"<http://example.org/a\x00> <http://example.org/b> <http://example.org/c> .", N_TRIPLES),
        (b'{"@id": "http://example.org/a", "http://example.org/b": "a\x00b"}', JSON_LD),
        (
            (
                RDFXML_HEAD + '<rdf:Description rdf:about="http://example.org/a"><e:b>a\x00b</e:b>'
                "</rdf:Description></rdf:RDF>"
            ).encode(),
            RDF_XML,
        ),
    ],
    ids=["turtle-term", "ntriples-iri", "jsonld-raw-in-string", "rdfxml-text"],
)
def test_a_raw_nul_byte_where_the_syntax_forbids_it_is_refused(data: bytes, fmt: object) -> None:
    with pytest.raises(RdfSyntaxError) as caught:
        parse_bytes(data, fmt, source="nul")  # type: ignore[arg-type]
    assert located(caught.value, "nul")
    assert "\x00" not in str(caught.value)  # control characters are shown escaped


def test_nul_bytes_through_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "nul.nt"
    path.write_bytes(b"<http://example.org/a\x00> <http://example.org/b> <http://example.org/c> .")
    line = assert_cli_refuses(path, expect="\\x00")
    assert line.isprintable()


# -- size: one huge literal, a million prefixes ----------------------------------------------

_BIG_LITERAL = 100 * 1024 * 1024

_BIG_SCRIPT = textwrap.dedent("""
    import json, resource, sys
    from pathlib import Path
    from kg.errors import KgError
    from kg.rdfio import parse_file
    outcome = {}
    try:
        quads = parse_file(Path(sys.argv[1]))
        outcome["length"] = len(quads[0].object.value)
    except KgError as error:
        outcome["error"] = str(error)
    outcome["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps(outcome))
""")


def _write_big(path: Path, head: bytes, tail: bytes) -> None:
    block = b"x" * (1024 * 1024)
    with path.open("wb") as handle:
        handle.write(head)
        for _ in range(_BIG_LITERAL // len(block)):
            handle.write(block)
        handle.write(tail)


def _parse_in_child(path: Path) -> dict[str, object]:
    import json

    done = subprocess.run(
        [sys.executable, "-c", _BIG_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr  # no crash, no uncaught exception
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.mark.slow
def test_a_100_mb_literal_in_turtle_is_refused_cleanly_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "huge.ttl"
    _write_big(path, b'@prefix e: <http://example.org/> .\ne:a e:b "', b'" .\n')
    outcome = _parse_in_child(path)
    assert re.match(
        rf"^{re.escape(str(path))}:2:\d+: a single literal, IRI or name longer "
        r"than the parser's 16 MiB limit is refused",
        str(outcome.get("error")),
    ), outcome
    assert int(outcome["max_rss_mb"]) < 1500  # type: ignore[call-overload]
    assert_cli_refuses(path, expect="16 MiB limit")


@pytest.mark.slow
def test_a_100_mb_literal_in_rdfxml_loads_whole(tmp_path: Path) -> None:
    path = tmp_path / "huge.rdf"
    _write_big(
        path,
        (RDFXML_HEAD + '<rdf:Description rdf:about="http://example.org/a"><e:b>').encode(),
        b"</e:b></rdf:Description></rdf:RDF>",
    )
    outcome = _parse_in_child(path)
    assert outcome.get("length") == _BIG_LITERAL, outcome
    assert int(outcome["max_rss_mb"]) < 1500  # type: ignore[call-overload]


def test_a_million_prefixes_load_and_the_last_one_wins_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "prefixes.ttl"
    lines = [f"@prefix p{i}: <http://example.org/{i}/> .\n" for i in range(10**6)]
    lines.append("p999999:a p0:b p500000:c .\n")
    path.write_text("".join(lines))
    (quad,) = parse_file(path)
    assert (quad.subject, quad.predicate, quad.object) == (
        NamedNode("http://example.org/999999/a"),
        NamedNode("http://example.org/0/b"),
        NamedNode("http://example.org/500000/c"),
    )


# -- deep nesting --------------------------------------------------------------------------


def test_100k_nested_turtle_collections_load() -> None:
    depth = 100_000
    data = b"<http://example.org/a> <http://example.org/b> " + b"(" * depth + b")" * depth + b" ."
    quads = parse_bytes(data, TURTLE)
    assert len(quads) == 2 * depth - 1  # first+rest per non-empty list, and the outer triple


def test_100k_nested_blank_node_property_lists_load() -> None:
    depth = 100_000
    data = (
        b"<http://example.org/a> <http://example.org/b> "
        + b"[ <http://example.org/p> " * depth
        + b"1"
        + b" ]" * depth
        + b" ."
    )
    assert len(parse_bytes(data, TURTLE)) == depth + 1


def _nested_rdfxml(depth: int) -> bytes:
    return (
        RDFXML_HEAD
        + "<rdf:Description>"
        + "\n<e:p><rdf:Description>" * depth
        + "</rdf:Description></e:p>" * depth
        + "</rdf:Description></rdf:RDF>"
    ).encode()


def test_100k_nested_rdfxml_nodes_are_refused_quickly() -> None:
    # Oxigraph's RDF/XML parser takes time quadratic in the depth: about a minute here.
    with pytest.raises(
        UnsafeInputError,
        match=rf"^deep:{MAX_XML_DEPTH // 2 + 1}:\d+: RDF/XML nested "
        rf"deeper than {MAX_XML_DEPTH} elements",
    ):
        parse_bytes(_nested_rdfxml(100_000), RDF_XML, source="deep")


def test_rdfxml_nested_up_to_the_limit_loads(tmp_path: Path) -> None:
    depth = (MAX_XML_DEPTH - 2) // 2  # rdf:RDF and the outer node are levels too
    assert len(parse_bytes(_nested_rdfxml(depth), RDF_XML)) == depth
    path = tmp_path / "deep.rdf"
    path.write_bytes(_nested_rdfxml(depth + 1))
    with pytest.raises(UnsafeInputError, match="nested deeper than"):
        list(iter_parse_file(path, RDF_XML))


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 4_000, 100_000])
@pytest.mark.parametrize("shape", ["objects", "arrays", "lists", "graphs"])
def test_deeply_nested_jsonld_is_refused_before_it_can_overflow_the_stack(shape: str, depth: int) -> None:
    # Oxigraph's JSON-LD parser recursed into a segmentation fault at about 3,000 levels.
    open_, close = {
        "objects": ('"http://example.org/p": {', "}"),
        "arrays": ("[", "]"),
        "lists": ('{"@list": [', "]}"),
        "graphs": ('"@graph": {"@id": "http://example.org/n", ', "}"),
    }[shape]
    key = "" if shape in ("objects", "graphs") else '"http://example.org/p": '
    body = open_ * depth + (
        '"@value": 1' if shape == "objects" else '"http://example.org/q": 1' if shape == "graphs" else "1"
    )
    data = ('{"@id": "http://example.org/a", ' + key + body + close * depth + "}").encode()
    with pytest.raises(
        UnsafeInputError,
        match=rf"^deep:1:\d+: JSON-LD nested deeper than "
        rf"{MAX_JSON_DEPTH} levels is refused",
    ):
        parse_bytes(data, JSON_LD, source="deep")


def test_jsonld_nested_up_to_the_limit_loads() -> None:
    depth = MAX_JSON_DEPTH - 2  # the outer object and the value object are levels too
    data = (
        '{"@id": "http://example.org/a", '
        + '"http://example.org/p": {' * depth
        + '"@value": 1'
        + "}" * depth
        + "}"
    ).encode()
    assert len(parse_bytes(data, JSON_LD)) == depth


def test_brackets_inside_jsonld_strings_are_not_nesting() -> None:
    text = "[{" * 10_000 + '\\"' + "]}" * 10_000
    data = ('{"@id": "http://example.org/a", "http://example.org/p": "' + text + '"}').encode()
    (quad,) = parse_bytes(data, JSON_LD)
    assert quad.object == Literal(text.replace('\\"', '"'))


def test_deep_jsonld_is_refused_when_streamed_too(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonld"
    depth = 50_000
    path.write_bytes(
        (
            '{"@id": "http://example.org/a",\n"http://example.org/p": '
            + "[" * depth
            + "1"
            + "]" * depth
            + "}"
        ).encode()
    )
    with pytest.raises(UnsafeInputError, match=r"deep\.jsonld:2:\d+: JSON-LD nested deeper"):
        list(iter_parse_file(path, JSON_LD))
    line = assert_cli_refuses(path, expect="nested deeper than")
    assert ":2:" in line


# -- bad IRIs, language tags, datatypes ----------------------------------------------------


@pytest.mark.parametrize(
    "iri",
    [
        "http://example.org/a b",
        "http://example.org/a\x01b",
        "http://example.org/a\\u0020b",
        "http://example.org/a\\u003Eb",
        "http://example.org/a\tb",
        "relative/path",
    ],
)
@pytest.mark.parametrize("fmt", [TURTLE, N_TRIPLES], ids=lambda f: f.name)
def test_an_iri_with_spaces_or_control_characters_is_refused(iri: str, fmt: object) -> None:
    data = f"<{iri}> <http://example.org/b> <http://example.org/c> .".encode()
    with pytest.raises(RdfSyntaxError) as caught:
        parse_bytes(data, fmt, source="iri")  # type: ignore[arg-type]
    assert located(caught.value, "iri")
    assert str(caught.value).isprintable()


def test_an_rdfxml_iri_with_a_space_is_refused_at_its_line() -> None:
    data = (
        RDFXML_HEAD + '\n\n<rdf:Description rdf:about="http://example.org/a b">'
        "<e:b>x</e:b></rdf:Description></rdf:RDF>"
    ).encode()
    with pytest.raises(RdfSyntaxError, match=r"^x:3:\d+: .*Invalid IRI code point ' '"):
        parse_bytes(data, RDF_XML, source="x")


@pytest.mark.parametrize("tag", ["123", "en-toolongsubtag", "en_GB", "-en"])
def test_an_invalid_language_tag_is_refused(tag: str) -> None:
    data = f'<http://example.org/a> <http://example.org/b> "x"@{tag} .'.encode()
    with pytest.raises(RdfSyntaxError) as caught:
        parse_bytes(data, TURTLE, source="lang")
    assert located(caught.value, "lang")


def test_an_invalid_rdfxml_language_tag_is_refused_at_its_line() -> None:
    data = (
        RDFXML_HEAD + '\n<rdf:Description rdf:about="http://example.org/a">\n'
        '<e:b xml:lang="not a tag!">x</e:b></rdf:Description></rdf:RDF>'
    ).encode()
    with pytest.raises(RdfSyntaxError, match=r"^x:3:\d+: .*language tag"):
        parse_bytes(data, RDF_XML, source="x")


def test_an_ill_typed_literal_loads_as_written() -> None:
    (quad,) = parse_bytes(
        f'<http://example.org/a> <http://example.org/b> "abc"^^<{XSD}integer> .'.encode(), TURTLE
    )
    assert quad.object == Literal("abc", datatype=NamedNode(XSD + "integer"))


SHAPES_PROJECT = {
    "ontology/kg.ttl": """
        @prefix ex: <http://example.org/> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        ex:Thing a owl:Class .
    """,
    "ontology/shapes.ttl": """
        @prefix ex: <http://example.org/> .
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:ThingShape a sh:NodeShape ;
            sh:targetClass ex:Thing ;
            sh:property [ sh:path ex:count ; sh:datatype xsd:integer ] .
    """,
    "ontology/context.jsonld": '{"@context": {"ex": "http://example.org/"}}',
}


@pytest.fixture
def shapes_project(tmp_path: Path) -> kg.Project:
    for name, text in SHAPES_PROJECT.items():
        path = tmp_path / "small" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    (tmp_path / "small" / "data").mkdir()
    (tmp_path / "small" / "queries").mkdir()
    return kg.open_project(tmp_path / "small")


def test_an_ill_typed_literal_is_a_validation_finding_not_a_crash(shapes_project: kg.Project) -> None:
    data = """
        @prefix ex: <http://example.org/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:g { ex:g <http://www.w3.org/ns/prov#wasDerivedFrom> ex:source .
               ex:one a ex:Thing ; ex:count "abc"^^xsd:integer .
               ex:two a ex:Thing ; ex:count "42"^^xsd:integer . }
    """
    report = kg.validate_data(data, "trig", project=shapes_project)
    assert not report.conforms
    assert [(f.focus, f.component_name, f.value, f.severity) for f in report.findings] == [
        ("http://example.org/one", "DatatypeConstraintComponent", "abc", "Violation")
    ]


def test_a_well_typed_literal_conforms_to_the_same_shape(shapes_project: kg.Project) -> None:
    data = (
        "@prefix ex: <http://example.org/> .\n"
        "ex:g { ex:g <http://www.w3.org/ns/prov#wasDerivedFrom> ex:source .\n"
        'ex:two a ex:Thing ; ex:count "42"^^<http://www.w3.org/2001/XMLSchema#integer> . }'
    )
    assert kg.validate_data(data, "trig", project=shapes_project).conforms


def test_an_ill_typed_literal_through_the_command_line_exits_1(
    shapes_project: kg.Project, tmp_path: Path
) -> None:
    path = tmp_path / "typed.ttl"
    path.write_text(
        "<http://example.org/one> a <http://example.org/Thing> ;\n"
        '  <http://example.org/count> "abc"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )
    done = run_kg("--project", shapes_project.files.root, "validate", "--standalone", path)
    assert done.returncode == 1, done.stderr
    assert "one" in done.stdout and "datatype" in done.stdout.lower()
    assert "Traceback" not in done.stderr, "rdflib's warning about the lexical form leaks out"


def test_any_input_error_is_an_input_error() -> None:
    # the CLI maps every one of these to exit code 2
    assert issubclass(RdfSyntaxError, InputError) and issubclass(UnsafeInputError, InputError)
