"""Compact JSON-LD with the project's context, and entity-centred framed documents.

The compaction is done here, not by a general JSON-LD processor: the context is the project's
own, so each predicate has at most one term, chosen only when the term's type coercion fits
the value (an ``@id`` term for an IRI, a datatype term for a literal of that datatype). Anything
else falls back to a compact IRI and an explicit value object, which any JSON-LD 1.1 processor
expands back to the same triples; the tests check that with pyld.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import ProjectError
from kg.namespaces import RDF, XSD
from kg.terms import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Term, Triple

_TYPE = RDF + "type"


@dataclass(frozen=True)
class _TermDef:
    term: str
    iri: str
    coercion: str | None
    container: str | None


class Context:
    """The parts of a JSON-LD context that compaction needs."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = dict(document)
        raw = self.document.get("@context", self.document)
        if isinstance(raw, list):
            merged: dict[str, Any] = {}
            for part in raw:
                if not isinstance(part, dict):
                    raise ProjectError("the project context must be inline (no remote contexts)")
                merged.update(part)
            raw = merged
        if not isinstance(raw, dict):
            raise ProjectError("the project context must be a JSON object")
        self.raw: dict[str, Any] = raw
        self.prefixes: dict[str, str] = {}
        self.by_iri: dict[str, list[_TermDef]] = defaultdict(list)
        self.type_alias = "@type"
        self.id_alias = "@id"
        for term, value in raw.items():
            if term.startswith("@"):
                continue
            if value == "@type":
                self.type_alias = term
                continue
            if value == "@id":
                self.id_alias = term
                continue
            if isinstance(value, str):
                iri = self.expand(value)
                if iri.endswith(("/", "#")):
                    self.prefixes[term] = iri
                self.by_iri[iri].append(_TermDef(term, iri, None, None))
            elif isinstance(value, dict) and "@id" in value and "@reverse" not in value:
                iri = self.expand(value["@id"])
                coercion = value.get("@type")
                if coercion not in (None, "@id", "@vocab"):
                    coercion = self.expand(coercion)
                if "@language" in value:
                    continue  # language-coerced terms: values stay explicit
                self.by_iri[iri].append(_TermDef(term, iri, coercion, value.get("@container")))

    def expand(self, value: str) -> str:
        prefix, sep, local = value.partition(":")
        if sep and not local.startswith("//"):
            target = self.raw.get(prefix)
            if isinstance(target, str):
                return self.expand(target) + local
            if isinstance(target, dict) and isinstance(target.get("@id"), str):
                return self.expand(target["@id"]) + local
        return value

    def compact_iri(self, iri: str) -> str:
        best = ""
        for prefix, ns in self.prefixes.items():
            if iri.startswith(ns) and len(ns) > len(self.prefixes.get(best, "")):
                local = iri[len(ns):]
                if local and not local.startswith("//"):
                    best = prefix
        if not best:
            return iri
        return f"{best}:{iri[len(self.prefixes[best]):]}"

    def key_and_value(self, predicate: str, obj: Term) -> tuple[str, Any]:
        for definition in self.by_iri.get(predicate, ()):
            if definition.container not in (None, "@set"):
                continue
            if isinstance(obj, NamedNode) and definition.coercion == "@id":
                return definition.term, self.compact_iri(obj.value)
            if isinstance(obj, Literal) and not obj.language and \
                    definition.coercion == obj.datatype.value:
                return definition.term, obj.value
            if definition.coercion is None:
                return definition.term, self.value_object(obj)
        return self.compact_iri(predicate), self.value_object(obj)

    def value_object(self, obj: Term) -> Any:
        if isinstance(obj, NamedNode):
            return {"@id": self.compact_iri(obj.value)}
        if isinstance(obj, BlankNode):
            return {"@id": f"_:{obj.value}"}
        if obj.language:
            return {"@value": obj.value, "@language": obj.language}
        if obj.datatype.value == XSD + "string":
            return obj.value
        return {"@value": obj.value, "@type": self.compact_iri(obj.datatype.value)}


def load_context(path: Path) -> Context:
    try:
        return Context(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise ProjectError(f"{path}: the project has no JSON-LD context file") from None
    except json.JSONDecodeError as error:
        raise ProjectError(f"{path}:{error.lineno}:{error.colno}: {error.msg}") from None


def _node_id(context: Context, node: Term | DefaultGraph) -> str:
    if isinstance(node, BlankNode):
        return f"_:{node.value}"
    return context.compact_iri(node.value)  # type: ignore[union-attr]


def _sort_key(node: Term) -> tuple[int, str]:
    return (1 if isinstance(node, BlankNode) else 0, node.value)


def _node_objects(context: Context, triples: Iterable[Quad | Triple]) -> list[dict[str, Any]]:
    by_subject: dict[Any, list[tuple[str, Any]]] = defaultdict(list)
    for t in triples:
        by_subject[t.subject].append((t.predicate.value, t.object))
    nodes = []
    for subject in sorted(by_subject, key=_sort_key):
        node: dict[str, Any] = {context.id_alias: _node_id(context, subject)}
        types = sorted(o.value for p, o in by_subject[subject]
                       if p == _TYPE and isinstance(o, NamedNode))
        if types:
            node[context.type_alias] = [context.compact_iri(t) for t in types]
        properties: dict[str, list[Any]] = defaultdict(list)
        for predicate, obj in sorted(by_subject[subject], key=lambda po: (po[0], _sort_key(po[1]))):
            if predicate == _TYPE and isinstance(obj, NamedNode):
                continue
            key, value = context.key_and_value(predicate, obj)
            properties[key].append(value)
        for key in sorted(properties):
            values = properties[key]
            node[key] = values[0] if len(values) == 1 else values
        nodes.append(node)
    return nodes


def compact(quads: Iterable[Quad], context: Context) -> dict[str, Any]:
    """A compact JSON-LD document: default-graph nodes at the top, named graphs under ``@graph``."""
    by_graph: dict[Any, list[Quad]] = defaultdict(list)
    for q in quads:
        by_graph[q.graph_name].append(q)
    graph_items: list[dict[str, Any]] = []
    if DefaultGraph() in by_graph:
        graph_items.extend(_node_objects(context, by_graph.pop(DefaultGraph())))
    for name in sorted(by_graph, key=_sort_key):
        graph_items.append({context.id_alias: _node_id(context, name),
                            "@graph": _node_objects(context, by_graph[name])})
    return {"@context": context.raw, "@graph": graph_items}


def frame(triples: Iterable[Quad | Triple], context: Context, roots: set[Term]) -> dict[str, Any]:
    """Entity-centred documents: each root with what it points to, and what points to it,
    embedded one level deep (graph names are dropped)."""
    items = [Triple(t.subject, t.predicate, t.object) for t in triples]
    nodes = {n[context.id_alias]: n for n in _node_objects(context, items)}
    root_ids = {_node_id(context, r) for r in roots}
    id_terms = {d.term for defs in context.by_iri.values() for d in defs if d.coercion == "@id"}
    incoming: dict[Any, list[Triple]] = defaultdict(list)
    for t in items:
        if t.object in roots and t.predicate.value != _TYPE:
            incoming[t.object].append(t)
    documents = []
    for root in sorted(roots, key=_sort_key):
        root_id = _node_id(context, root)
        document = dict(nodes.get(root_id, {context.id_alias: root_id}))
        for key, value in list(document.items()):
            if key in (context.id_alias, context.type_alias):
                continue
            document[key] = _embed(value, nodes, root_ids, coerced=key in id_terms)
        reverse: dict[str, list[Any]] = defaultdict(list)
        for t in sorted(incoming.get(root, []), key=lambda t: (t.predicate.value, str(t.subject))):
            subject_id = _node_id(context, t.subject)  # type: ignore[arg-type]
            node = nodes.get(subject_id, {context.id_alias: subject_id})
            reverse[context.compact_iri(t.predicate.value)].append(
                {k: v for k, v in node.items() if v != root_id})
        if reverse:
            document["@reverse"] = dict(reverse)
        documents.append(document)
    return {"@context": context.raw, "@graph": documents}


def _embed(value: Any, nodes: dict[str, dict[str, Any]], root_ids: set[str], *,
           coerced: bool) -> Any:
    """The node object a reference points to, in place of the reference (roots stay references)."""
    if isinstance(value, list):
        return [_embed(v, nodes, root_ids, coerced=coerced) for v in value]
    target = None
    if isinstance(value, dict) and set(value) == {"@id"}:
        target = value["@id"]
    elif coerced and isinstance(value, str):
        target = value
    if target is not None and target in nodes and target not in root_ids:
        return nodes[target]
    return value


def dumps(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
