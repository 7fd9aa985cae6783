"""Prefixes and namespaces of the project, in one place.

The prefix map is ordered: canonical Turtle and TriG output declares the prefixes it uses in
this order, so the header of a file never changes between runs.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

BASE: Final = "https://kg.example.org/"

KGO: Final = BASE + "ontology#"
"""The project's own vocabulary (classes and properties)."""
KGR: Final = BASE + "id/"
"""Things the graph mints IRIs for: organizations, sites, people, events, sources."""
KGG: Final = BASE + "graph/"
"""Named graphs: one per supporting sentence or reference record."""
KGST: Final = BASE + "site-type/"
"""The SKOS concept scheme of site types."""

ONTOLOGY_GRAPH: Final = KGG + "ontology"
"""The named graph the vocabulary and the concept schemes are loaded into."""

RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
SH: Final = "http://www.w3.org/ns/shacl#"
PROV: Final = "http://www.w3.org/ns/prov#"
ORG: Final = "http://www.w3.org/ns/org#"
FOAF: Final = "http://xmlns.com/foaf/0.1/"
SCHEMA: Final = "https://schema.org/"
DCT: Final = "http://purl.org/dc/terms/"
FIBO_AGR: Final = "https://spec.edmcouncil.org/fibo/ontology/FND/Agreements/Agreements/"

PREFIXES: Final[MappingProxyType[str, str]] = MappingProxyType(
    {
        "kgo": KGO,
        "kgr": KGR,
        "kgg": KGG,
        "kgst": KGST,
        "dct": DCT,
        "fibo-agr": FIBO_AGR,
        "foaf": FOAF,
        "org": ORG,
        "owl": OWL,
        "prov": PROV,
        "rdf": RDF,
        "rdfs": RDFS,
        "schema": SCHEMA,
        "sh": SH,
        "skos": SKOS,
        "xsd": XSD,
    }
)


def sparql_prologue(prefixes: MappingProxyType[str, str] | dict[str, str] = PREFIXES) -> str:
    """The ``PREFIX`` declarations for ``prefixes``, one per line."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())


def expand_curie(text: str, prefixes: MappingProxyType[str, str] | dict[str, str] = PREFIXES) -> str | None:
    """The IRI a CURIE such as ``kgr:actp-rf`` stands for, or ``None`` if ``text`` is not one.

    >>> expand_curie("kgr:actp-rf")
    'https://kg.example.org/id/actp-rf'
    >>> expand_curie("nope:x") is None
    True
    """
    prefix, sep, local = text.partition(":")
    if not sep or local.startswith("//") or prefix not in prefixes:
        return None
    return prefixes[prefix] + local


def shorten(iri: str, prefixes: MappingProxyType[str, str] | dict[str, str] = PREFIXES) -> str:
    """A CURIE for ``iri`` if one of ``prefixes`` covers it, else the IRI itself.

    >>> shorten("https://schema.org/Event")
    'schema:Event'
    """
    best = ""
    best_prefix = ""
    for name, ns in prefixes.items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, best_prefix = ns, name
    if not best:
        return iri
    return f"{best_prefix}:{iri[len(best) :]}"
