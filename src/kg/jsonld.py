"""Compact and framed JSON-LD with the project's context, by pyld (a JSON-LD 1.1 processor).

Quads go to pyld as an RDF dataset (``from_rdf``), and come back compacted or framed with the
project context, which is inline: pyld is given a document loader that refuses every URL, so
nothing is ever fetched, whatever a context or a frame names. The frames are plain JSON-LD 1.1
frames (:func:`frame_document`), documented in ``docs/jsonld.md``, so any processor reproduces
``kg export --frame`` from ``kg export --format jsonld``.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

from kg.errors import InputError, ProjectError
from kg.terms import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Term, Triple

FRAME_OPTIONS: Mapping[str, Any] = {"omitGraph": False}
"""The pyld options of ``kg export --frame`` besides the loader: always a top-level ``@graph``."""


class Context:
    """The project's JSON-LD context: ``document`` as read (``{"@context": ...}``), ``raw`` the
    context object itself, which every output carries inline."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        raw = document.get("@context", document)
        parts = raw if isinstance(raw, list) else [raw]
        if not all(isinstance(part, dict) for part in parts):
            raise ProjectError("the project context must be inline (no remote contexts)")
        self.raw: dict[str, Any] | list[Any] = raw
        self.document: dict[str, Any] = {"@context": raw}
        self.prefixes: dict[str, str] = {}
        for part in parts:
            for term, value in part.items():
                if isinstance(value, str) and value.endswith(("/", "#")) and not term.startswith("@"):
                    self.prefixes[term] = value

    def compact_iri(self, iri: str) -> str:
        """``iri`` as a compact IRI with the longest matching prefix, or unchanged."""
        best = max(
            (p for p, ns in self.prefixes.items() if iri.startswith(ns) and len(iri) > len(ns)),
            key=lambda p: len(self.prefixes[p]),
            default=None,
        )
        return iri if best is None else f"{best}:{iri[len(self.prefixes[best]) :]}"


def load_context(path: Path) -> Context:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProjectError(f"{path}: the project has no JSON-LD context file") from None
    except json.JSONDecodeError as error:
        raise ProjectError(f"{path}:{error.lineno}:{error.colno}: {error.msg}") from None
    if not isinstance(document, dict):
        raise ProjectError(f"{path}: a JSON-LD context file holds an object")
    try:
        return Context(document)
    except ProjectError as error:
        raise ProjectError(f"{path}: {error}") from None


def _pyld() -> ModuleType:
    """pyld's processor, imported when JSON-LD is asked for rather than with every command."""
    return importlib.import_module("pyld.jsonld")


def refuse_remote(url: str, options: Mapping[str, Any] | None = None) -> NoReturn:
    """pyld's document loader here: every document a JSON-LD processor would fetch is refused."""
    raise _pyld().JsonLdError(
        f"kg never fetches JSON-LD documents ({url})",
        "jsonld.LoadDocumentError",
        code="loading document failed",
    )


def _options(**extra: Any) -> dict[str, Any]:
    return {"documentLoader": refuse_remote, **extra}


def _fail(error: Exception) -> NoReturn:
    cause: BaseException = error
    while cause.__cause__ is not None:
        cause = cause.__cause__
    raise InputError(f"JSON-LD: {cause}") from None


def _rdf_term(term: Term | Triple | DefaultGraph) -> dict[str, str]:
    if isinstance(term, Triple):
        raise InputError("JSON-LD 1.1 cannot express a quoted triple; export it as N-Quads or TriG")
    if isinstance(term, BlankNode):
        return {"type": "blank node", "value": f"_:{term.value}"}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": term.value, "datatype": term.datatype.value}
        if term.language:
            out["language"] = term.language
        return out
    assert isinstance(term, NamedNode)
    return {"type": "IRI", "value": term.value}


def rdf_dataset(quads: Iterable[Quad | Triple]) -> dict[str, list[dict[str, Any]]]:
    """The quads as pyld's RDF dataset, in a fixed order (so the output is the same bytes)."""
    dataset: dict[str, list[dict[str, Any]]] = {"@default": []}
    ordered = sorted(
        quads,
        key=lambda q: (str(getattr(q, "graph_name", "")), str(q.subject), q.predicate.value, str(q.object)),
    )
    for q in ordered:
        graph = getattr(q, "graph_name", DefaultGraph())
        name = "@default" if isinstance(graph, DefaultGraph) else _rdf_term(graph)["value"]
        dataset.setdefault(name, []).append(
            {
                "subject": _rdf_term(q.subject),
                "predicate": _rdf_term(q.predicate),
                "object": _rdf_term(q.object),
            }
        )
    return dataset


def expanded(quads: Iterable[Quad | Triple]) -> list[Any]:
    """Expanded JSON-LD for the quads: default-graph nodes, then one object per named graph."""
    pyld = _pyld()
    try:
        out: list[Any] = pyld.from_rdf(rdf_dataset(quads), _options())
    except pyld.JsonLdError as error:
        _fail(error)
    return out


def compact(quads: Iterable[Quad], context: Context) -> dict[str, Any]:
    """A compact JSON-LD document: default-graph nodes at the top, named graphs under ``@graph``."""
    pyld = _pyld()
    try:
        document: dict[str, Any] = pyld.compact(expanded(quads), context.document, _options())
    except pyld.JsonLdError as error:
        _fail(error)
    return _with_graph(document, context)


def frame_document(context: Context, types: Sequence[str]) -> dict[str, Any]:
    """The frame that picks the nodes of any of ``types`` (IRIs), with the project context.

    Everything else is JSON-LD 1.1's defaults: ``@embed: @once`` (what a node points to is
    nested, each node once per framed document), ``@explicit: false`` (every property kept).
    """
    return {"@context": context.raw, "@type": [context.compact_iri(t) for t in types]}


def frame(triples: Iterable[Quad | Triple], context: Context, types: Sequence[str]) -> dict[str, Any]:
    """One framed document per node of any of ``types``, over the merged graph (each fact once,
    whatever graphs state it), as ``pyld.jsonld.frame`` gives with :func:`frame_document`."""
    pyld = _pyld()
    try:
        document: dict[str, Any] = pyld.frame(
            expanded(triples), frame_document(context, types), _options(**FRAME_OPTIONS)
        )
    except pyld.JsonLdError as error:
        _fail(error)
    return _with_graph(document, context)


def _with_graph(document: dict[str, Any], context: Context) -> dict[str, Any]:
    """The same document with its nodes under ``@graph`` even when there is only one."""
    if "@graph" in document:
        return {"@context": context.raw, "@graph": document["@graph"]}
    nodes = {k: v for k, v in document.items() if k != "@context"}
    return {"@context": context.raw, "@graph": [nodes] if nodes else []}


def dumps(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
