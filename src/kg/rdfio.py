"""Reading and writing RDF: format detection, parsing with good errors, serialization.

Parsing is Oxigraph's; this module adds what users need around it: a format guessed from a
file name or given as an extension or a media type, ``file:line:column`` in every syntax error,
and refusal of input that would make ``kg`` fetch or expand something it was not asked to
(remote JSON-LD contexts, XML DOCTYPEs and entities).
"""

from __future__ import annotations

import re
import xml.parsers.expat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

import pyoxigraph

from kg.errors import RdfSyntaxError, UnreadableInputError, UnsafeInputError, UsageError
from kg.terms import Quad, Triple


@dataclass(frozen=True)
class RdfFormat:
    """One RDF serialization format, by the names users call it."""

    name: str
    extensions: tuple[str, ...]
    media_types: tuple[str, ...]
    engine: pyoxigraph.RdfFormat
    datasets: bool

    @property
    def extension(self) -> str:
        return self.extensions[0]

    @property
    def media_type(self) -> str:
        return self.media_types[0]


TURTLE: Final = RdfFormat("Turtle", ("ttl", "turtle"), ("text/turtle", "application/x-turtle"),
                          pyoxigraph.RdfFormat.TURTLE, False)
TRIG: Final = RdfFormat("TriG", ("trig",), ("application/trig", "application/x-trig"),
                        pyoxigraph.RdfFormat.TRIG, True)
N_TRIPLES: Final = RdfFormat("N-Triples", ("nt", "ntriples", "n-triples"),
                             ("application/n-triples", "text/plain"),
                             pyoxigraph.RdfFormat.N_TRIPLES, False)
N_QUADS: Final = RdfFormat("N-Quads", ("nq", "nquads", "n-quads"),
                           ("application/n-quads", "text/x-nquads"),
                           pyoxigraph.RdfFormat.N_QUADS, True)
JSON_LD: Final = RdfFormat("JSON-LD", ("jsonld", "json-ld", "json"),
                           ("application/ld+json", "application/json"),
                           pyoxigraph.RdfFormat.JSON_LD, True)
RDF_XML: Final = RdfFormat("RDF/XML", ("rdf", "xml", "rdfxml", "owl"),
                           ("application/rdf+xml", "text/xml", "application/xml"),
                           pyoxigraph.RdfFormat.RDF_XML, False)

FORMATS: Final = (TURTLE, TRIG, N_TRIPLES, N_QUADS, JSON_LD, RDF_XML)


def format_named(name: str) -> RdfFormat:
    """The format for an extension (``ttl``, ``.trig``), a short name or a media type.

    >>> format_named("text/turtle").name
    'Turtle'
    >>> format_named(".nq").name
    'N-Quads'
    """
    key = name.strip().lower().split(";")[0].strip().lstrip(".")
    for fmt in FORMATS:
        if key in fmt.extensions or key in fmt.media_types or key == fmt.name.lower():
            return fmt
    known = ", ".join(f.extension for f in FORMATS)
    raise UsageError(f"unknown RDF format {name!r}: use one of {known} or a media type")


def guess_format(path: str | Path, explicit: str | None = None) -> RdfFormat:
    """The format given explicitly, else the one the file name's extension names."""
    if explicit:
        return format_named(explicit)
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix == "gz":
        raise UsageError(f"{path}: compressed files are not read; decompress it first")
    for fmt in FORMATS:
        if suffix in fmt.extensions:
            return fmt
    raise UsageError(
        f"{path}: cannot tell the RDF format from the extension {suffix or '(none)'!r}; "
        "give --format (ttl, trig, nt, nq, jsonld, xml)"
    )


_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _refuse_unsafe(head: bytes, fmt: RdfFormat, source: str) -> None:
    if fmt is RDF_XML and _DOCTYPE.search(head):
        line = head[: _DOCTYPE.search(head).start()].count(b"\n") + 1  # type: ignore[union-attr]
        raise UnsafeInputError(
            f"{source}:{line}:1: RDF/XML with a DOCTYPE or entity declaration is refused "
            "(entities can expand without bound or read local files)"
        )


def _xml_position(data: bytes) -> tuple[int, int] | None:
    parser = xml.parsers.expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as error:
        return error.lineno, error.offset + 1
    return None


def _syntax_error(error: SyntaxError, source: str, fmt: RdfFormat, data: bytes | None) -> Exception:
    text = error.msg if hasattr(error, "msg") and error.msg else str(error)
    if "LoadDocumentCallback" in text or "remote context" in text.lower():
        return UnsafeInputError(
            f"{source}:1:1: the JSON-LD document asks for a remote context, which kg never "
            "fetches; inline the context or use the project's ontology/context.jsonld"
        )
    message = re.sub(r"^Parser error (at|between) line \d+ (column \d+|between columns \d+ and \d+)"
                     r"( and line \d+ column \d+)?: ", "", text)
    line, column = error.lineno, error.offset
    if line is None and fmt is RDF_XML and data is not None:
        position = _xml_position(data)
        if position:
            line, column = position
    if line is None:
        line, column = 1, 1
    return RdfSyntaxError(message, path=source, line=line, column=column)


def read_bytes(path: str | Path) -> bytes:
    """The bytes of ``path``, or an :class:`UnreadableInputError` naming it."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise UnreadableInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UnreadableInputError(f"{path}: is a directory, not an RDF file") from None
    except OSError as error:
        raise UnreadableInputError(f"{path}: cannot be read ({error.strerror})") from None


def parse_bytes(
    data: bytes,
    fmt: RdfFormat,
    *,
    source: str = "<input>",
    base_iri: str | None = None,
) -> list[Quad]:
    """Every quad in ``data``; an :class:`RdfSyntaxError` with ``source:line:column`` if malformed."""
    _refuse_unsafe(data[:1 << 16], fmt, source)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if fmt is JSON_LD and not data.strip():
        raise RdfSyntaxError("empty file: a JSON-LD document needs at least {}", path=source,
                             line=1, column=1)
    if fmt is RDF_XML and not data.strip():
        raise RdfSyntaxError("empty file: an RDF/XML document needs a root element",
                             path=source, line=1, column=1)
    try:
        return list(pyoxigraph.parse(data, fmt.engine, base_iri=base_iri))
    except SyntaxError as error:
        raise _syntax_error(error, source, fmt, data) from None
    except ValueError as error:
        raise RdfSyntaxError(str(error), path=source, line=1, column=1) from None


def parse_file(path: str | Path, fmt: RdfFormat | str | None = None,
               *, base_iri: str | None = None) -> list[Quad]:
    """Every quad in the file at ``path`` (format guessed from its extension if not given)."""
    chosen = fmt if isinstance(fmt, RdfFormat) else guess_format(path, fmt)
    return parse_bytes(read_bytes(path), chosen, source=str(path), base_iri=base_iri)


def iter_parse_file(path: str | Path, fmt: RdfFormat, *, base_iri: str | None = None
                    ) -> Iterator[Quad]:
    """The quads of a file, streamed, for inputs too large to hold in memory."""
    source = str(path)
    try:
        with Path(path).open("rb") as handle:
            _refuse_unsafe(handle.read(1 << 16), fmt, source)
    except FileNotFoundError:
        raise UnreadableInputError(f"{path}: no such file") from None
    except OSError as error:
        raise UnreadableInputError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        yield from pyoxigraph.parse(path=str(path), format=fmt.engine, base_iri=base_iri)
    except SyntaxError as error:
        raise _syntax_error(error, source, fmt, None) from None


def serialize(quads: Iterable[Quad | Triple], fmt: RdfFormat, output: IO[bytes] | None = None,
              *, prefixes: dict[str, str] | None = None) -> bytes | None:
    """Serialize with the engine's writer (N-Triples, N-Quads, RDF/XML, plain Turtle/TriG).

    For graph formats the quads' graph names are dropped (the union is written).
    """
    items: Iterable[Quad | Triple] = quads
    if not fmt.datasets:
        items = (q.triple if isinstance(q, Quad) else q for q in quads)
    return pyoxigraph.serialize(items, output, fmt.engine, prefixes=prefixes)  # type: ignore[arg-type]
