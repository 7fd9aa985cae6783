"""Guards around the parsers: what ``kg`` refuses before Oxigraph sees it, and how a parser's
error becomes ``file:line:column: what is wrong``.

Refused: RDF/XML with a DOCTYPE or entity declaration anywhere (entities expand without bound
or read local files), JSON-LD asking for a remote context (never fetched), nesting deeper than
real documents use (the parsers' stack or time would not survive it), UTF-16/UTF-32 input, and
anything but a regular file where a file is read whole (``kg add``, ``kg validate``): a device
(``/dev/zero`` never ends), a FIFO or a socket. Streaming readers (``kg load``) may read a pipe.
"""

from __future__ import annotations

import array
import itertools
import os
import re
import stat
import xml.parsers.expat
from collections.abc import Callable
from pathlib import Path
from typing import IO, Final, cast

import pyoxigraph

from kg.errors import RdfSyntaxError, UnreadableInputError, UnsafeInputError
from kg.formats import JSON_LD, RDF_XML, TRIG, TURTLE, RdfFormat

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
BOM: Final = b"\xef\xbb\xbf"
_WIDE_ENCODINGS: Final = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)
# Oxigraph's JSON-LD parser recurses once per level of nesting and overflows the stack (a
# segmentation fault, not an exception) after about 3,000 levels on an 8 MiB stack, 400 on a
# 1 MiB thread stack. Real documents nest a few levels; 256 is far from both.
MAX_JSON_DEPTH: Final = 256
# Oxigraph's RDF/XML parser takes time quadratic in the nesting depth (a minute for 100,000
# levels); real documents nest a few levels.
MAX_XML_DEPTH: Final = 1000
OVERSIZE_MARK = "buffer maximal size"
_RELATIVE_IRI = "No scheme found in an absolute IRI"  # the engine's words for a relative IRI
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")  # would break the one-line message


def _line_of(data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of byte ``offset`` in ``data``."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def refuse_wide_encodings(head: bytes, source: str) -> None:
    """RDF files are UTF-8; UTF-16 and UTF-32 get a message that says so, not a parser's
    complaint about the first byte."""
    encoding = next((name for bom, name in _WIDE_ENCODINGS if head.startswith(bom)), None)
    if encoding is None and len(head) >= 4:
        # without a byte-order mark, ASCII text in a wide encoding has NULs in a pattern
        nuls = tuple(byte == 0 for byte in head[:4])
        if nuls in ((False, True, False, True), (True, False, True, False)):
            encoding = "UTF-16"
        elif nuls in ((False, True, True, True), (True, True, True, False)):
            encoding = "UTF-32"
    if encoding is not None:
        raise RdfSyntaxError(
            f"the file is encoded in {encoding}; kg reads UTF-8 only: convert it "
            f"(for instance: iconv -f {encoding.split()[0]} -t UTF-8)",
            path=source,
            line=1,
            column=1,
        )


def refuse_unsafe(head: bytes, fmt: RdfFormat, source: str) -> None:
    """Refuse wide encodings, and RDF/XML that declares a DOCTYPE or entities anywhere in
    ``head`` (Oxigraph expands internal entities wherever the declaration stands)."""
    refuse_wide_encodings(head, source)
    if fmt is RDF_XML:
        found = _DOCTYPE.search(head)
        if found:
            _refuse_doctype(head.count(b"\n", 0, found.start()) + 1, source)


def _refuse_doctype(line: int, source: str) -> None:
    raise UnsafeInputError(
        f"{source}:{line}:1: RDF/XML with a DOCTYPE or entity declaration is refused "
        "(entities can expand without bound or read local files)"
    )


class _JsonDepthGuard:
    """Follows JSON bytes as they pass, and refuses nesting deeper than ``MAX_JSON_DEPTH``.

    A chunk is followed at C speed: the strings are cut out with one regular expression, the
    brackets kept, and their running sum taken (+1 opens, -1 closes). Only a
    chunk that goes too deep is walked bracket by bracket, to say where."""

    _STRING_BODY = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*', re.DOTALL)
    _STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
    _SPECIAL = re.compile(rb'["\[\]{}]')
    _KEEP = bytes(set(range(256)) - set(b"[{]}"))
    _STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")

    def __init__(self, source: str) -> None:
        self.source = source
        self.depth = 0
        self.in_string = False
        self.escaped = False
        self.line = 1
        self.line_start = 0  # stream offset of the current line's first byte
        self.offset = 0

    def feed(self, chunk: bytes) -> None:
        saved = (self.depth, self.in_string, self.escaped)
        position = self._leave_string(chunk, 0) if self.in_string else 0
        if position >= 0:
            # With the complete strings cut out, a quote left over opens a string that runs
            # past the chunk: nothing inside it can match as a string, so it is left whole.
            rest = self._STRING.sub(b"", chunk[position:])
            opener = rest.find(b'"')
            outside = (rest if opener < 0 else rest[:opener]).translate(None, self._KEEP)
            if outside:
                running = list(
                    itertools.accumulate(array.array("b", outside.translate(self._STEPS)), initial=self.depth)
                )
                if max(running) > MAX_JSON_DEPTH:
                    self.depth, self.in_string, self.escaped = saved
                    self._walk(chunk)  # finds where, and raises
                self.depth = running[-1]
            if opener >= 0:
                self.in_string = True
                self._leave_string(rest, opener + 1)
        self._advance(chunk)

    def _leave_string(self, chunk: bytes, position: int) -> int:
        """Inside a string at ``position``: the index after its closing quote, or -1 if the
        string goes on past the chunk."""
        if self.escaped and position < len(chunk):
            position += 1
            self.escaped = False
        if position >= len(chunk):
            return -1
        end = self._STRING_BODY.match(chunk, position).end()  # type: ignore[union-attr]
        if end >= len(chunk):
            return -1
        if chunk[end] == 0x5C:  # a backslash ends the chunk: the escape continues
            self.escaped = True
            return -1
        self.in_string = False
        return end + 1

    def _walk(self, chunk: bytes) -> None:
        position = 0
        while position < len(chunk):
            if self.in_string:
                position = self._leave_string(chunk, position)
                if position < 0:
                    return
                continue
            found = self._SPECIAL.search(chunk, position)
            if found is None:
                return
            position = found.end()
            char = found.group()
            if char == b'"':
                self.in_string = True
            elif char in b"[{":
                self.depth += 1
                if self.depth > MAX_JSON_DEPTH:
                    self._refuse(chunk, found.start())
            else:
                self.depth -= 1

    def _advance(self, chunk: bytes) -> None:
        newlines = chunk.count(b"\n")
        if newlines:
            self.line += newlines
            self.line_start = self.offset + chunk.rfind(b"\n") + 1
        self.offset += len(chunk)

    def _refuse(self, chunk: bytes, index: int) -> None:
        line = self.line + chunk.count(b"\n", 0, index)
        last = chunk.rfind(b"\n", 0, index)
        column = index - last if last >= 0 else self.offset + index - self.line_start + 1
        raise UnsafeInputError(
            f"{self.source}:{line}:{column}: JSON-LD nested deeper than {MAX_JSON_DEPTH} "
            "levels is refused (such depth would exhaust the parser's stack)"
        )


def refuse_deep_json(data: bytes, source: str) -> None:
    _JsonDepthGuard(source).feed(data)


class _GuardedReader:
    """A binary file handed to the parser chunk by chunk, checked on the way: no DOCTYPE or
    entity declaration in RDF/XML, no JSON nested too deep, no UTF-16 or UTF-32."""

    def __init__(self, handle: IO[bytes], fmt: RdfFormat, source: str) -> None:
        self._handle = handle
        self._fmt = fmt
        self._source = source
        self._json = _JsonDepthGuard(source) if fmt is JSON_LD else None
        self._tail = b""
        self._line = 1
        self._first = True

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.read(size)
        if self._first and chunk:
            self._first = False
            refuse_wide_encodings(chunk[:4], self._source)
            if chunk.startswith(BOM):  # Oxigraph's Turtle and N-Triples readers refuse it
                chunk = chunk[len(BOM) :]
        if self._fmt is RDF_XML:
            window = self._tail + chunk
            found = _DOCTYPE.search(window)
            if found:
                _refuse_doctype(
                    self._line - self._tail.count(b"\n") + window.count(b"\n", 0, found.start()), self._source
                )
            self._tail = chunk[-16:]
            self._line += chunk.count(b"\n")
        if self._json is not None:
            self._json.feed(chunk)
        return chunk


def guarded(handle: IO[bytes], fmt: RdfFormat, source: str) -> IO[bytes]:
    """``handle`` wrapped for ``pyoxigraph.parse``: the checks :func:`parse_bytes` makes on a
    whole input, made on each chunk of a stream (they raise :class:`UnsafeInputError` or
    :class:`RdfSyntaxError` from inside the parser's read)."""
    return _GuardedReader(handle, fmt, source)  # type: ignore[return-value]


class ChunkReader:
    """Hands the parser at most one line per read, and a long line in pieces that grow from
    256 bytes: when the parser fails without saying where, the last piece it read shows where
    it stopped (to the byte on short lines, within half the line read so far on long ones)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.start = 0
        self.end = 0
        self.line_start = 0

    def read(self, size: int = -1) -> bytes:
        start = self.end
        if start and self.data[start - 1] == 0x0A:
            self.line_start = start
        limit = min(len(self.data), start + max(256, start - self.line_start))
        if size is not None and size >= 0:
            limit = min(limit, start + max(size, 1))
        newline = self.data.find(b"\n", start, limit)
        stop = limit if newline < 0 else newline + 1
        self.start, self.end = start, stop
        return self.data[start:stop]


def _locate(data: bytes, fmt: RdfFormat, base_iri: str | None) -> tuple[int, int] | None:
    """Where the parser stops on ``data``, found by feeding it a line at a time."""
    reader = ChunkReader(data)
    try:
        for _ in pyoxigraph.parse(cast(IO[bytes], reader), fmt.engine, base_iri=base_iri):
            pass
    except (SyntaxError, MemoryError, ValueError):
        return _line_of(data, reader.start)
    return None


def _xml_position(data: bytes) -> tuple[int, int] | None:
    parser = xml.parsers.expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as error:
        return error.lineno, error.offset + 1
    return None


def _check_xml(source: str) -> tuple[xml.parsers.expat.XMLParserType, Callable[[], None]]:
    """An expat parser that refuses what Oxigraph's RDF/XML parser lets through or chokes on:
    a document cut short (unclosed elements, which Oxigraph accepts) and elements nested deeper
    than :data:`MAX_XML_DEPTH` (Oxigraph takes time quadratic in the depth). Call the returned
    function on an :class:`~xml.parsers.expat.ExpatError`."""
    parser = xml.parsers.expat.ParserCreate()
    depth = 0

    def start(name: str, attributes: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise UnsafeInputError(
                f"{source}:{parser.CurrentLineNumber}:{parser.CurrentColumnNumber + 1}: "
                f"RDF/XML nested deeper than {MAX_XML_DEPTH} elements is refused"
            )

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end

    def failed() -> None:
        raise RdfSyntaxError(
            f"not well-formed XML: {xml.parsers.expat.ErrorString(parser.ErrorCode)}",
            path=source,
            line=parser.ErrorLineNumber,
            column=parser.ErrorColumnNumber + 1,
        )

    return parser, failed


def check_well_formed(data: bytes, source: str) -> None:
    parser, failed = _check_xml(source)
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError:
        failed()


def check_well_formed_file(path: str | Path, source: str) -> None:
    parser, failed = _check_xml(source)
    with open_input(path) as handle:
        try:
            parser.ParseFile(guarded(handle, RDF_XML, source))
        except xml.parsers.expat.ExpatError:
            failed()


def explain(message: str) -> str:
    """The parser's message on one line, with a hint where one helps."""
    message = _CONTROL.sub(
        lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) > 0xFF else f"\\x{ord(m.group()):02x}", message
    )
    if "UTF-8" in message or "utf-8" in message:
        message += "; kg reads UTF-8 only: convert the file (for instance: iconv -f LATIN1 -t UTF-8)"
    return message


def syntax_error(
    error: SyntaxError, source: str, fmt: RdfFormat, data: bytes | None, base_iri: str | None = None
) -> Exception:
    text = error.msg if hasattr(error, "msg") and error.msg else str(error)
    if "LoadDocumentCallback" in text or "remote context" in text.lower():
        return UnsafeInputError(
            f"{source}:1:1: the JSON-LD document asks for a remote context, which kg never "
            "fetches; inline the context or use the project's ontology/context.jsonld"
        )
    message = re.sub(
        r"^Parser error (at|between) line \d+ (column \d+|between columns \d+ and \d+)"
        r"( and line \d+ column \d+)?: ",
        "",
        text,
    )
    line, column = error.lineno, error.offset
    if line is None and fmt is RDF_XML and data is not None:
        position = _xml_position(data)
        if position:
            line, column = position
    if line is None and data is not None:
        position = _locate(data, fmt, base_iri)
        if position:
            line, column = position
    if line is None:
        line, column = 1, 1
    if base_iri is None and _RELATIVE_IRI in message and fmt in (TURTLE, TRIG, RDF_XML):
        told = "a relative IRI, and no base IRI to resolve it against"
        return RdfSyntaxError(
            f"{told}: give a base IRI (base=)",
            path=source,
            line=line,
            column=column,
            cli=f"{told}: give one with --base IRI",
        )
    return RdfSyntaxError(explain(message), path=source, line=line, column=column)


def token_too_large(source: str, fmt: RdfFormat, data: bytes | None, base_iri: str | None) -> RdfSyntaxError:
    position = _locate(data, fmt, base_iri) if data is not None else None
    line, column = position or (1, 1)
    return RdfSyntaxError(
        "a single literal, IRI or name longer than the parser's 16 MiB limit is refused",
        path=source,
        line=line,
        column=column,
    )


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def open_input(path: str | Path, *, regular_only: bool = True) -> IO[bytes]:
    """``path`` opened for reading, if it is a regular file.

    It is opened without blocking (opening a FIFO would wait for a writer) and checked once
    open, so that what is read is what was checked. ``regular_only=False`` is for streaming
    readers (``kg load``), which may read a pipe: only a directory is refused then.
    """
    if not regular_only:
        try:
            return Path(path).open("rb")
        except FileNotFoundError:
            raise UnreadableInputError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise UnreadableInputError(f"{path}: is a directory, not an RDF file") from None
        except OSError as error:
            raise UnreadableInputError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise UnreadableInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UnreadableInputError(f"{path}: is a directory, not an RDF file") from None
    except OSError as error:
        raise UnreadableInputError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise UnreadableInputError(
                f"{path}: is {_kind(mode)}, not an RDF file; kg reads regular files only"
            )
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
