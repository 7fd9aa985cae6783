"""Formats by extension or media type; parse errors that say file:line:column."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import RdfSyntaxError, UnreadableInputError, UnsafeInputError, UsageError
from kg.rdfio import FORMATS, JSON_LD, RDF_XML, TURTLE, format_named, guess_format, parse_file


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_every_format_is_known_by_extension_and_media_type(fmt: object) -> None:
    for name in (*fmt.extensions, *fmt.media_types, "." + fmt.extension):  # type: ignore[attr-defined]
        assert format_named(name) is fmt
    assert guess_format(f"data/file.{fmt.extension}") is fmt  # type: ignore[attr-defined]


def test_media_type_parameters_are_ignored() -> None:
    assert format_named("text/turtle; charset=utf-8") is TURTLE


def test_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(UsageError, match=r"unknown RDF format 'yaml'.*ttl, trig, nt, nq, jsonld"):
        format_named("yaml")
    with pytest.raises(UsageError, match="cannot tell the RDF format"):
        guess_format("notes.txt")


def test_syntax_error_has_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text('@prefix ex: <http://e/> .\nex:a ex:b ex:c ;\n  ex:d "unterminated .\n')
    with pytest.raises(RdfSyntaxError) as caught:
        parse_file(path)
    error = caught.value
    assert (error.path, error.line) == (str(path), 3)
    assert error.column is not None
    assert str(error).startswith(f"{path}:3:{error.column}: ")


def test_rdfxml_error_is_located_too(tmp_path: Path) -> None:
    path = tmp_path / "bad.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        "<rdf:Description>\n</rdf:RDF>\n"
    )
    with pytest.raises(RdfSyntaxError, match=r"bad\.rdf:\d+:\d+: "):
        parse_file(path)


def test_empty_file_is_valid_turtle_but_not_valid_jsonld_or_rdfxml(tmp_path: Path) -> None:
    for name in ("empty.ttl", "empty.jsonld", "empty.rdf"):
        (tmp_path / name).write_bytes(b"")
    assert parse_file(tmp_path / "empty.ttl") == []
    with pytest.raises(RdfSyntaxError, match=r"empty\.jsonld:1:1: empty file"):
        parse_file(tmp_path / "empty.jsonld", JSON_LD)
    with pytest.raises(RdfSyntaxError, match=r"empty\.rdf:1:1: empty file"):
        parse_file(tmp_path / "empty.rdf", RDF_XML)


def test_remote_jsonld_context_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "remote.jsonld"
    path.write_text('{"@context": "http://127.0.0.1:9/ctx.jsonld", "@id": "http://a", "http://b": "c"}')
    with pytest.raises(UnsafeInputError, match="remote context, which kg never fetches"):
        parse_file(path)


def test_rdfxml_doctype_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "entity.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e "x">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'
    )
    with pytest.raises(UnsafeInputError, match=r"entity\.rdf:2:1: RDF/XML with a DOCTYPE"):
        parse_file(path)


def test_missing_and_unreadable_paths(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInputError, match="no such file"):
        parse_file(tmp_path / "absent.ttl")
    with pytest.raises(UnreadableInputError, match="is a directory"):
        parse_file(tmp_path, TURTLE)
