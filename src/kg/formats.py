"""RDF formats by the names users call them: extensions, short names, media types."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pyoxigraph

from kg.errors import (
    UsageError,
)


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
