"""Property paths, and what reading one looks at.

A check (one compiled constraint) reads triples along paths from its focus node. To validate a
change without revalidating the graph, ``kg`` needs, for every check, each triple pattern it
reads, as a :class:`Step`: from which node (reached from the focus node by a path, the
step's *prefix*), along which predicate, in which direction. A changed fact ``s p o`` can then
only change the results of the focus nodes ``f`` with ``f PREFIX s`` (forward steps along
``p``) or ``f PREFIX o`` (backward steps): the affected focus nodes are found with one query
per prefix, in the engine. This is how RDF4J's ShaclSail validates a transaction, shape by shape.

Paths come from two places: SHACL paths in the shapes graph (:func:`from_shacl`) and property
paths in SPARQL constraints as rdflib's parser gives them (:func:`from_rdflib`). Both become the
small tree below, which renders back to SPARQL (:func:`text`) and lists its steps (:func:`steps`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import rdflib
from rdflib import paths as rdflib_paths
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH


class UnknownPath(Exception):
    """A path form the tree does not know."""


@dataclass(frozen=True)
class Path:
    """``kind`` is ``iri`` (``iri`` set), ``inv``, ``seq``, ``alt``, ``star``, ``plus``, ``opt``
    (over ``parts``), or ``any`` (a negated property set: any predicate may be read)."""

    kind: str
    iri: str = ""
    parts: tuple[Path, ...] = ()


def iri(value: str) -> Path:
    return Path("iri", iri=value)


@dataclass(frozen=True)
class Step:
    """One triple pattern a check reads: from the node at the end of ``prefix`` (a SPARQL path
    from the focus node; ``""`` is the focus node itself, ``None`` any node at all), along
    ``predicate`` (``None``: any), forwards (the node is the subject) or backwards."""

    prefix: str | None
    predicate: str | None
    forward: bool
    pair: str | None = None
    """For a triple pattern of a conjunctive query reached at both ends: the path from the
    focus node to its object (``prefix`` then reaches its subject, ``forward`` is true). Every
    solution holds both paths, so a changed fact ``s p o`` can only change the results of the
    focus nodes that reach ``s`` along ``prefix`` *and* ``o`` along ``pair``."""
    same_end: bool = False
    """``pair`` reaches the same end as ``prefix`` (the subject if ``forward``, else the
    object), by another way: a pattern with one variable end that every solution reaches twice.
    A changed fact can then only change the results of the focus nodes that reach that end
    both ways."""


def text(path: Path) -> str:
    """The path in SPARQL syntax, bracketed as the compiler always wrote it."""
    if path.kind == "iri":
        return f"<{path.iri}>"
    if path.kind == "inv":
        return f"(^{text(path.parts[0])})"
    if path.kind == "seq":
        return "(" + "/".join(text(p) for p in path.parts) + ")"
    if path.kind == "alt":
        return "(" + "|".join(text(p) for p in path.parts) + ")"
    if path.kind in ("star", "plus", "opt"):
        mark = {"star": "*", "plus": "+", "opt": "?"}[path.kind]
        return f"({text(path.parts[0])}){mark}"
    raise UnknownPath(f"no SPARQL text for a {path.kind} path")


def inverse_text(path: Path) -> str:
    return f"(^{text(path)})"


def join(prefix: str | None, path: str) -> str | None:
    if prefix is None:
        return None
    return path if prefix == "" else f"{prefix}/{path}"


def steps(path: Path, prefix: str | None, *, backwards: bool = False) -> Iterator[Step]:
    """The triple patterns read when following ``path`` from the node at ``prefix`` (or
    following it backwards, from its end)."""
    kind = path.kind
    if kind == "iri":
        yield Step(prefix, path.iri, not backwards)
    elif kind == "any":
        yield Step(prefix, None, not backwards)
    elif kind == "inv":
        yield from steps(path.parts[0], prefix, backwards=not backwards)
    elif kind == "alt":
        for part in path.parts:
            yield from steps(part, prefix, backwards=backwards)
    elif kind == "seq":
        parts = list(reversed(path.parts)) if backwards else list(path.parts)
        here = prefix
        for part in parts:
            yield from steps(part, here, backwards=backwards)
            here = join(here, inverse_text(part) if backwards else text(part))
    elif kind in ("star", "plus"):
        inner = path.parts[0]
        walked = f"({inverse_text(inner) if backwards else text(inner)})*"
        yield from steps(inner, join(prefix, walked), backwards=backwards)
    elif kind == "opt":
        yield from steps(path.parts[0], prefix, backwards=backwards)
    else:
        raise UnknownPath(f"unknown path kind {kind}")


def from_shacl(graph: rdflib.Graph, node: rdflib.term.Node) -> Path:
    """A SHACL property path (``sh:path`` value) as a path tree."""
    if isinstance(node, rdflib.URIRef):
        return iri(str(node))
    if graph.value(node, RDF.first) is not None:
        return Path("seq", parts=tuple(from_shacl(graph, p) for p in Collection(graph, node)))
    forms = {
        SH.inversePath: "inv",
        SH.zeroOrMorePath: "star",
        SH.oneOrMorePath: "plus",
        SH.zeroOrOnePath: "opt",
    }
    for predicate, kind in forms.items():
        inner = graph.value(node, predicate)
        if inner is not None:
            return Path(kind, parts=(from_shacl(graph, inner),))
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return Path("alt", parts=tuple(from_shacl(graph, p) for p in Collection(graph, alternatives)))
    raise UnknownPath(f"path {node}")


def from_rdflib(path: object) -> Path:
    """A predicate or property path of rdflib's SPARQL algebra as a path tree."""
    if isinstance(path, rdflib.URIRef):
        return iri(str(path))
    if isinstance(path, rdflib_paths.InvPath):
        return Path("inv", parts=(from_rdflib(path.arg),))
    if isinstance(path, rdflib_paths.SequencePath):
        return Path("seq", parts=tuple(from_rdflib(p) for p in path.args))
    if isinstance(path, rdflib_paths.AlternativePath):
        return Path("alt", parts=tuple(from_rdflib(p) for p in path.args))
    if isinstance(path, rdflib_paths.MulPath):
        kind = {"*": "star", "+": "plus", "?": "opt"}[path.mod]
        return Path(kind, parts=(from_rdflib(path.path),))
    if isinstance(path, rdflib_paths.NegatedPath):
        return Path("any")
    raise UnknownPath(f"unknown path {path!r}")


__all__ = [
    "Path",
    "Step",
    "UnknownPath",
    "from_rdflib",
    "from_shacl",
    "inverse_text",
    "iri",
    "join",
    "steps",
    "text",
]
