"""Formats by the names users call them: RDF formats (extensions, short names, media types)
and SPARQL results formats. The one list of both: every option's help and every message that
names formats is written from it.

Nothing here imports the engine, so ``--help`` and a parser error stay fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from kg.errors import UsageError

if TYPE_CHECKING:
    import pyoxigraph


@dataclass(frozen=True)
class RdfFormat:
    """One RDF serialization format, by the names users call it."""

    name: str
    extensions: tuple[str, ...]
    media_types: tuple[str, ...]
    engine_name: str
    datasets: bool

    @property
    def extension(self) -> str:
        return self.extensions[0]

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def engine(self) -> pyoxigraph.RdfFormat:
        """The engine's format object (the engine is imported on first use)."""
        import pyoxigraph

        found: pyoxigraph.RdfFormat = getattr(pyoxigraph.RdfFormat, self.engine_name)
        return found


TURTLE: Final = RdfFormat(
    "Turtle", ("ttl", "turtle"), ("text/turtle", "application/x-turtle"), "TURTLE", False
)
TRIG: Final = RdfFormat("TriG", ("trig",), ("application/trig", "application/x-trig"), "TRIG", True)
N_TRIPLES: Final = RdfFormat(
    "N-Triples", ("nt", "ntriples", "n-triples"), ("application/n-triples", "text/plain"), "N_TRIPLES", False
)
N_QUADS: Final = RdfFormat(
    "N-Quads", ("nq", "nquads", "n-quads"), ("application/n-quads", "text/x-nquads"), "N_QUADS", True
)
JSON_LD: Final = RdfFormat(
    "JSON-LD", ("jsonld", "json-ld", "json"), ("application/ld+json", "application/json"), "JSON_LD", True
)
RDF_XML: Final = RdfFormat(
    "RDF/XML",
    ("rdf", "xml", "rdfxml", "owl"),
    ("application/rdf+xml", "text/xml", "application/xml"),
    "RDF_XML",
    False,
)

FORMATS: Final = (TURTLE, TRIG, N_TRIPLES, N_QUADS, JSON_LD, RDF_XML)
RDF_FORMAT_NAMES: Final = tuple(f.extension for f in FORMATS)
"""The RDF formats by their short names: ``ttl, trig, nt, nq, jsonld, rdf``."""
DUMP_FORMATS: Final = (N_QUADS, TRIG)
"""The formats that hold a whole dataset with its graph names (``kg dump``)."""

RESULT_FORMATS: Final = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
"""The W3C SPARQL results formats (SELECT, ASK) by short name."""
RESULT_FORMAT_NAMES: Final = tuple(RESULT_FORMATS)


def listed(names: tuple[str, ...] | list[str]) -> str:
    """Format names for a message or a help text, always written the same way.

    >>> listed(RDF_FORMAT_NAMES)
    'ttl, trig, nt, nq, jsonld, rdf'
    """
    return ", ".join(names)


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
    raise UsageError(f"unknown RDF format {name!r}: use one of {listed(RDF_FORMAT_NAMES)}, or a media type")


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
    told = f"cannot tell the RDF format from the extension {suffix or '(none)'!r}"
    names = listed(RDF_FORMAT_NAMES)
    raise UsageError(
        f"{path}: {told}; name the format ({names})", cli=f"{path}: {told}; give -i/--input-format ({names})"
    )
