"""Reading and writing RDF: format detection, parsing with good errors, serialization.

Parsing is Oxigraph's; this module adds what users need around it: a format guessed from a
file name or given as an extension or a media type, ``file:line:column`` in every syntax error,
and refusal of input that would make ``kg`` fetch or expand something it was not asked to
(remote JSON-LD contexts, XML DOCTYPEs and entities).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import pyoxigraph

from kg.errors import (
    KgError,
    RdfSyntaxError,
    UnsafeInputError,
)
from kg.formats import (
    FORMATS,
    JSON_LD,
    N_QUADS,
    N_TRIPLES,
    RDF_XML,
    TRIG,
    TURTLE,
    RdfFormat,
    format_named,
    guess_format,
)
from kg.input_guards import (
    BOM,
    MAX_JSON_DEPTH,
    MAX_XML_DEPTH,
    OVERSIZE_MARK,
    check_well_formed,
    check_well_formed_file,
    explain,
    guarded,
    open_input,
    refuse_deep_json,
    refuse_unsafe,
    syntax_error,
    token_too_large,
)
from kg.terms import Quad, Triple

__all__ = [
    "FORMATS",
    "JSON_LD",
    "MAX_INPUT_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_XML_DEPTH",
    "N_QUADS",
    "N_TRIPLES",
    "RDF_XML",
    "TRIG",
    "TURTLE",
    "RdfFormat",
    "format_named",
    "guarded",
    "guess_format",
    "iter_parse_file",
    "parse_bytes",
    "parse_file",
    "read_bytes",
    "serialize",
]


MAX_INPUT_BYTES = 256 * 1024 * 1024
"""Bytes a file read whole (``kg add``, ``kg validate``) may hold: far above any contribution,
well below what its parsed quads would need in memory. ``kg load`` streams and has no cap."""


def read_bytes(path: str | Path, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of ``path``, or an :class:`UnreadableInputError` naming it (also for devices,
    FIFOs and sockets); an :class:`UnsafeInputError` if it holds more than ``max_bytes``."""
    with open_input(path) as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        told = f"{path}: larger than the {max_bytes}-byte limit for a file read whole"
        raise UnsafeInputError(
            f"{told} (max_bytes=); load large files into a store (Store.load)",
            cli=f"{told} (--max-input-bytes); load large files with `kg load`",
        )
    return data


def parse_bytes(
    data: bytes,
    fmt: RdfFormat,
    *,
    source: str = "<input>",
    base_iri: str | None = None,
) -> list[Quad]:
    """Every quad in ``data``; an :class:`RdfSyntaxError` with ``source:line:column`` if malformed.

    Input that would make the parser fetch, expand or recurse without bound is refused with an
    :class:`UnsafeInputError`: RDF/XML with a DOCTYPE or nested deeper than
    :data:`MAX_XML_DEPTH`, JSON-LD with a remote context or nested deeper than
    :data:`MAX_JSON_DEPTH`.
    """
    refuse_unsafe(data, fmt, source)
    if data.startswith(BOM):
        data = data[len(BOM) :]
    if fmt is JSON_LD and not data.strip():
        raise RdfSyntaxError(
            "empty file: a JSON-LD document needs at least {}", path=source, line=1, column=1
        )
    if fmt is RDF_XML and not data.strip():
        raise RdfSyntaxError(
            "empty file: an RDF/XML document needs a root element", path=source, line=1, column=1
        )
    if fmt is JSON_LD:
        refuse_deep_json(data, source)
    if fmt is RDF_XML:
        check_well_formed(data, source)
    try:
        quads = list(pyoxigraph.parse(data, fmt.engine, base_iri=base_iri))
    except SyntaxError as error:
        raise syntax_error(error, source, fmt, data, base_iri) from None
    except MemoryError as error:
        if OVERSIZE_MARK not in str(error):
            raise
        raise token_too_large(source, fmt, data, base_iri) from None
    except ValueError as error:
        raise RdfSyntaxError(explain(str(error)), path=source, line=1, column=1) from None
    return quads


def parse_file(
    path: str | Path,
    fmt: RdfFormat | str | None = None,
    *,
    base_iri: str | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> list[Quad]:
    """Every quad in the file at ``path`` (format guessed from its extension if not given);
    files over ``max_bytes`` are refused (see :func:`read_bytes`)."""
    chosen = fmt if isinstance(fmt, RdfFormat) else guess_format(path, fmt)
    return parse_bytes(read_bytes(path, max_bytes), chosen, source=str(path), base_iri=base_iri)


def _reread(path: str | Path) -> bytes | None:
    """A streamed input read again whole, to find where its parser stopped; ``None`` for a pipe
    or a file over the cap (the error then says line 1)."""
    try:
        return read_bytes(path).removeprefix(BOM)
    except KgError:
        return None


def iter_parse_file(path: str | Path, fmt: RdfFormat, *, base_iri: str | None = None) -> Iterator[Quad]:
    """The quads of a file, streamed, for inputs too large to hold in memory."""
    source = str(path)
    if fmt is RDF_XML:
        check_well_formed_file(path, source)
    with open_input(path, regular_only=False) as handle:
        try:
            yield from pyoxigraph.parse(guarded(handle, fmt, source), fmt.engine, base_iri=base_iri)
        except KgError:
            raise
        except SyntaxError as error:
            data = _reread(path) if error.lineno is None else None
            raise syntax_error(error, source, fmt, data, base_iri) from None
        except MemoryError as error:
            if OVERSIZE_MARK not in str(error):
                raise
            raise token_too_large(source, fmt, _reread(path), base_iri) from None
        except ValueError as error:
            raise RdfSyntaxError(explain(str(error)), path=source, line=1, column=1) from None


def serialize(
    quads: Iterable[Quad | Triple],
    fmt: RdfFormat,
    output: IO[bytes] | None = None,
    *,
    prefixes: dict[str, str] | None = None,
) -> bytes | None:
    """Serialize with the engine's writer (N-Triples, N-Quads, RDF/XML, plain Turtle/TriG).

    For graph formats the quads' graph names are dropped (the union is written).
    """
    items: Iterable[Quad | Triple] = quads
    if not fmt.datasets:
        items = (q.triple if isinstance(q, Quad) else q for q in quads)
    return pyoxigraph.serialize(items, output, fmt.engine, prefixes=prefixes)  # type: ignore[arg-type]
