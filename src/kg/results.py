"""Query results: rows of RDF terms, usable from a notebook, written in the W3C formats."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape as _html_escape
from json.encoder import encode_basestring as _json_string  # C, as json.dumps uses
from typing import TYPE_CHECKING, Any
from typing import Literal as TypingLiteral

from kg.errors import UsageError
from kg.formats import RESULT_FORMAT_NAMES, listed
from kg.terms import XSD_STRING, BlankNode, Literal, NamedNode, Term, Triple

if TYPE_CHECKING:
    import rdflib

    from kg.display import ResultTable

Row = tuple[Term | None, ...]
ResultKind = TypingLiteral["select", "ask", "graph"]

READ_CHUNK = 32
"""Rows (or triples) read between two checks of a result's size."""


def term_size(term: object) -> int:
    """About the bytes a term takes written out."""
    if isinstance(term, Literal):
        return len(term.value) + len(term.language or term.datatype.value) + 4
    if isinstance(term, Triple):
        return term_size(term.subject) + term_size(term.predicate) + term_size(term.object)
    if term is None:
        return 0
    return len(getattr(term, "value", "")) + 4


def result_size(result: QueryResult) -> int:
    """About the bytes a result's values take written out."""
    items = result.triples if result.kind == "graph" else result.rows
    return sum(term_size(t) for item in items for t in item)


@dataclass(repr=False)
class QueryResult:
    """What a query returned: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE).

    ``rows`` holds tuples of terms in the order of ``variables``; ``None`` is an unbound value.
    """

    kind: ResultKind
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Triple] = field(default_factory=list)
    truncated: bool = False
    """The query had more rows (or triples) than the request's limit let through."""

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.triples) if self.kind == "graph" else len(self.rows)

    def __bool__(self) -> bool:
        if self.kind == "ask":
            return bool(self.boolean)
        return len(self) > 0

    def __repr__(self) -> str:
        if self.kind == "ask":
            return f"<QueryResult ask: {'true' if self.boolean else 'false'}>"
        if self.kind == "graph":
            return f"<QueryResult graph: {len(self.triples)} triple(s){self._cut_note()}>"
        return (
            f"<QueryResult select: {len(self.rows)} row(s) of {', '.join(self.variables) or '()'}"
            f"{self._cut_note()}>"
        )

    def _cut_note(self) -> str:
        return ", cut at the limit" if self.truncated else ""

    def _repr_html_(self) -> str:
        """The result as a notebook shows it: a table of the first rows, values as CURIEs and
        literals with their language or datatype."""
        from kg.display import HTML_ROWS, html_table

        if self.kind == "ask":
            return f"<p>ASK: <strong>{'true' if self.boolean else 'false'}</strong></p>"
        if self.kind == "graph":
            rows = [
                tuple(shown_term(t) for t in (x.subject, x.predicate, x.object))  # type: ignore[arg-type]
                for x in self.triples[:HTML_ROWS]
            ]
            return html_table(["subject", "predicate", "object"], rows, more=len(self) - len(rows))
        rows = [tuple(shown_term(t) for t in row) for row in self.rows[:HTML_ROWS]]
        return html_table(self.variables, rows, more=len(self) - len(rows))

    def table(self) -> ResultTable:
        """Rows as plain strings (IRIs, literals' lexical forms, blank node labels, ``None``):
        a list of tuples that prints as a table."""
        from kg.display import ResultTable

        return ResultTable(
            self.variables, (tuple(None if t is None else t.value for t in row) for row in self.rows)
        )

    def dicts(self) -> list[dict[str, Any]]:
        """Rows as dictionaries of Python values (``int``, ``bool``, ``str``...), unbound left out."""
        return [
            {
                var: python_value(term)
                for var, term in zip(self.variables, row, strict=True)
                if term is not None
            }
            for row in self.rows
        ]

    def column(self, variable: str) -> list[str | None]:
        """One column as plain strings."""
        index = self.variables.index(variable)
        return [None if row[index] is None else row[index].value for row in self.rows]  # type: ignore[union-attr]

    def to_dataframe(self, *, typed: bool = False) -> Any:
        """A pandas DataFrame (needs pandas): Python values, with ``<var>_lang`` and
        ``<var>_datatype`` columns where literals carry them; ``typed=True`` gives numeric,
        boolean and date columns pandas types instead (:mod:`kg.dataframe`)."""
        from kg.dataframe import to_dataframe

        return to_dataframe(self, typed=typed)

    def to_rdflib(self) -> rdflib.Graph:
        """The triples of a CONSTRUCT/DESCRIBE result as an ``rdflib.Graph``."""
        from kg.rdflib_bridge import triples_to_rdflib

        return triples_to_rdflib(self.triples)

    def serialize(self, fmt: str) -> bytes:
        """The results in a W3C format: ``json``, ``xml``, ``csv`` or ``tsv``."""
        if self.kind == "graph":
            raise UsageError("a CONSTRUCT/DESCRIBE result is RDF: use an RDF format")
        writer = {"json": _to_json, "xml": _to_xml, "csv": _to_csv, "tsv": _to_tsv}.get(fmt)
        if writer is None:
            raise UsageError(f"unknown results format {fmt!r}: use one of {listed(RESULT_FORMAT_NAMES)}")
        return writer(self)


def shown_term(term: Term | None) -> str:
    """A term as a person reads it: a CURIE (or the IRI), ``_:label``, a literal with its
    language (``"Minsk"@en``) or its datatype (``3^^xsd:integer``); empty if unbound."""
    from kg.namespaces import shorten

    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return shorten(term.value)
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if term.language:
        return f"{term.value} @{term.language}"
    if term.datatype != XSD_STRING:
        return f"{term.value} ^^{shorten(term.datatype.value)}"
    return term.value


def python_value(term: Term) -> Any:
    """A Python value for a term: numbers and booleans as such, everything else as a string."""
    if isinstance(term, Literal):
        datatype = term.datatype.value.rsplit("#", 1)[-1]
        try:
            if datatype in {"integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger"}:
                return int(term.value)
            if datatype in {"decimal", "double", "float"}:
                return float(term.value)
        except ValueError:
            return term.value
        if datatype == "boolean":
            return term.value in ("true", "1")
    return term.value


def _json_term(term: Term) -> str:
    """A term as a SPARQL JSON results value, written out (``json.dumps``'s own escaping)."""
    if isinstance(term, NamedNode):
        return '{"type": "uri", "value": ' + _json_string(term.value) + "}"
    if isinstance(term, BlankNode):
        return '{"type": "bnode", "value": ' + _json_string(term.value) + "}"
    value = '{"type": "literal", "value": ' + _json_string(term.value)
    if term.language:
        return value + ', "xml:lang": ' + _json_string(term.language) + "}"
    if term.datatype != XSD_STRING:
        return value + ', "datatype": ' + _json_string(term.datatype.value) + "}"
    return value + "}"


def _to_json(result: QueryResult) -> bytes:
    """SPARQL 1.1 Query Results JSON, written as ``json.dumps`` writes the same document; each
    distinct term is written once."""
    if result.kind == "ask":
        doc: dict[str, Any] = {"head": {}, "boolean": bool(result.boolean)}
        return json.dumps(doc, ensure_ascii=False).encode()
    names = [_json_string(v) + ": " for v in result.variables]
    written: dict[Term, str] = {}
    rows = []
    for row in result.rows:
        fields = []
        for name, term in zip(names, row, strict=True):
            if term is not None:
                text = written.get(term)
                if text is None:
                    text = written[term] = _json_term(term)
                fields.append(name + text)
        rows.append("{" + ", ".join(fields) + "}")
    head = ", ".join(_json_string(v) for v in result.variables)
    return ('{"head": {"vars": [' + head + ']}, "results": {"bindings": [' + ", ".join(rows) + "]}}").encode()


def escape(text: str) -> str:
    """``text`` as XML character data."""
    return _html_escape(text, quote=False)


def quoteattr(text: str) -> str:
    """``text`` as a quoted XML attribute value."""
    return f'"{_html_escape(text, quote=True)}"'


def _xml_term(term: Term) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _to_xml(result: QueryResult) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n']
    if result.kind == "ask":
        out.append(f"<head/>\n<boolean>{'true' if result.boolean else 'false'}</boolean>\n")
    else:
        out.append("<head>")
        out.extend(f"<variable name={quoteattr(v)}/>" for v in result.variables)
        out.append("</head>\n<results>\n")
        for row in result.rows:
            out.append("<result>")
            out.extend(
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(result.variables, row, strict=True)
                if t is not None
            )
            out.append("</result>\n")
        out.append("</results>\n")
    out.append("</sparql>\n")
    return "".join(out).encode()


def _to_csv(result: QueryResult) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["_askResult"])
        writer.writerow(["true" if result.boolean else "false"])
    else:
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow(
                ["" if t is None else (f"_:{t.value}" if isinstance(t, BlankNode) else t.value) for t in row]
            )
    return buffer.getvalue().encode()


def _tsv_term(term: Term | None) -> str:
    if term is None:
        return ""
    return str(term)


def _to_tsv(result: QueryResult) -> bytes:
    if result.kind == "ask":
        return b"?_askResult\n" + (b"true\n" if result.boolean else b"false\n")
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines.extend("\t".join(_tsv_term(t) for t in row) for row in result.rows)
    return ("\n".join(lines) + "\n").encode()
