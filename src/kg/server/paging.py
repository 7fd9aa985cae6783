"""Pages of results and their downloads, the same on every result view (the SPARQL page, named
queries, search).

A page is chosen by ``offset`` and ``limit`` in the URL (100 rows by default, at most
:data:`MAX_PAGE_ROWS`); links to the first, previous, next and last pages keep every other
parameter. Downloads (``.json``, ``.csv``, ``.tsv``; ``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``
for CONSTRUCT and DESCRIBE) give the whole result, within the server's row and byte limits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from kg.server.http import HttpError

MAX_PAGE_ROWS = 1000
"""Rows one page may ask for (``limit``)."""
PAGING = ("offset", "limit")
"""The URL parameters that choose a page (never a named query's own)."""

TABLE_DOWNLOADS = {
    "json": "application/sparql-results+json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_DOWNLOADS = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
LABELS = {
    "json": "JSON",
    "csv": "CSV",
    "tsv": "TSV",
    "ttl": "Turtle",
    "nt": "N-Triples",
    "jsonld": "JSON-LD",
    "rdf": "RDF/XML",
}


def _number(text: str | None, name: str, default: int, low: int, high: int | None) -> int:
    if text is None or not text.strip():
        return default
    try:
        value = int(text)
    except ValueError:
        raise HttpError(400, f"{name} must be a whole number (got {text!r})") from None
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise HttpError(400, f"{name} must be {bound} (got {value})")
    return value


def window(params: Mapping[str, str], default_size: int) -> tuple[int, int]:
    """The ``(offset, limit)`` a request asks for; 400 for values that are not page bounds."""
    offset = _number(params.get("offset"), "offset", 0, 0, None)
    size = _number(params.get("limit"), "limit", default_size, 1, MAX_PAGE_ROWS)
    return offset, size


@dataclass(frozen=True)
class Link:
    label: str
    href: str | None


@dataclass(frozen=True)
class Pager:
    """Where a page sits in its result, and the links around it."""

    first_row: int
    last_row: int
    total: int | None
    links: tuple[Link, ...]

    @property
    def pages(self) -> bool:
        return any(link.href for link in self.links)


def _href(path: str, params: Sequence[tuple[str, str]], offset: int, size: int, default_size: int) -> str:
    kept = [(k, v) for k, v in params if k not in PAGING]
    if offset:
        kept.append(("offset", str(offset)))
    if size != default_size:
        kept.append(("limit", str(size)))
    return f"{path}?{urlencode(kept)}" if kept else path


def pager(
    path: str,
    params: Sequence[tuple[str, str]],
    *,
    offset: int,
    size: int,
    shown: int,
    total: int | None,
    default_size: int,
) -> Pager:
    """The page of ``shown`` rows from ``offset`` and its links (``total``: all rows, when
    known; when not, a next page is offered while pages come full)."""
    more = (offset + shown < total) if total is not None else shown >= size
    last = ((total - 1) // size) * size if total else 0
    previous = max(0, offset - size)

    def link(label: str, target: int, enabled: bool) -> Link:
        return Link(label, _href(path, params, target, size, default_size) if enabled else None)

    links = (
        link("first", 0, offset > 0),
        link("previous", previous, offset > 0),
        link("next", offset + size, more),
        link("last", last, total is not None and more),
    )
    return Pager(offset + 1 if shown else offset, offset + shown, total, links)


def downloads(path: str, params: Sequence[tuple[str, str]], kind: str) -> list[Link]:
    """Links to the whole result in each format its kind is written in."""
    kept = urlencode([(k, v) for k, v in params if k not in PAGING])
    formats = GRAPH_DOWNLOADS if kind == "graph" else TABLE_DOWNLOADS
    return [Link(LABELS[ext], f"{path}.{ext}" + (f"?{kept}" if kept else "")) for ext in formats]


def download_media(ext: str, kinds: Sequence[str] = ("table", "graph")) -> str:
    """The media type a download extension stands for; 404 for one that is not a download."""
    offered = {}
    if "table" in kinds:
        offered.update(TABLE_DOWNLOADS)
    if "graph" in kinds:
        offered.update(GRAPH_DOWNLOADS)
    if ext not in offered:
        raise HttpError(404, f"no download as .{ext}: use " + ", ".join("." + e for e in offered))
    return offered[ext]


def attachment(name: str, ext: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}.{ext}"'}
