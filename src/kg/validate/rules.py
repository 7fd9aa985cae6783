"""``kg``'s own rules of provenance, which SHACL cannot state: shapes see the facts, not the
graphs they sit in.

* **Every fact is in a named graph.** A quad in the default graph has no evidence behind it.
  (A contribution may describe its graphs in the default graph: a triple whose subject is one
  of its named graphs is a graph's description, not a fact.)
* **Every named graph says where its facts come from:** ``<graph> prov:wasDerivedFrom <source>``.
  ``prov:wasQuotedFrom`` alone is not enough: it names a speaker, not a document.

The vocabulary's own graph is exempt. Findings are Violations with the rule as their shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kg.namespaces import KGO, ONTOLOGY_GRAPH, PROV
from kg.store.base import DEFAULT_GRAPH, Store
from kg.terms import BlankNode, DefaultGraph, NamedNode, Quad
from kg.validate.report import Finding

NAMED_GRAPH_RULE = KGO + "NamedGraphRule"
PROVENANCE_RULE = KGO + "GraphProvenanceRule"
_EXEMPT = {ONTOLOGY_GRAPH, DEFAULT_GRAPH}
_BATCH = 500


def _text(node: NamedNode | BlankNode) -> str:
    return f"_:{node.value}" if isinstance(node, BlankNode) else node.value


def loose_facts(quads: Iterable[Quad], graphs: Iterable[NamedNode | BlankNode] = ()) -> list[Finding]:
    """A finding for each subject with facts in the default graph (descriptions of the named
    graphs among ``quads``, or of ``graphs``, excepted)."""
    items = list(quads)
    named = {q.graph_name for q in items if not isinstance(q.graph_name, DefaultGraph)}
    named.update(graphs)
    subjects: dict[str, Quad] = {}
    for quad in items:
        if isinstance(quad.graph_name, DefaultGraph) and quad.subject not in named:
            subjects.setdefault(_text(quad.subject), quad)  # type: ignore[arg-type]
    return [
        Finding(
            focus=focus,
            path=f"<{quad.predicate.value}>",
            value=None,
            severity="Violation",
            component=NAMED_GRAPH_RULE,
            shape=NAMED_GRAPH_RULE,
            message="This fact is outside any named graph: put each fact in a named "
            "graph that says prov:wasDerivedFrom its source.",
        )
        for focus, quad in sorted(subjects.items())
    ]


def unsourced_graphs(store: Store, graphs: Sequence[NamedNode | BlankNode]) -> list[Finding]:
    """A finding for each of ``graphs`` that holds facts but says no ``prov:wasDerivedFrom``."""
    wanted = [g for g in dict.fromkeys(graphs) if isinstance(g, NamedNode) and g.value not in _EXEMPT]
    out: list[Finding] = []
    for start in range(0, len(wanted), _BATCH):
        values = " ".join(str(g) for g in wanted[start : start + _BATCH])
        result = store.query(
            f"SELECT ?g WHERE {{ VALUES ?g {{ {values} }} FILTER EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} }} "
            f"FILTER NOT EXISTS {{ ?g <{PROV}wasDerivedFrom> ?source }} }}"
        )
        for (graph,) in result.rows:
            if graph is None:
                continue
            out.append(
                Finding(
                    focus=graph.value,
                    path=f"<{PROV}wasDerivedFrom>",
                    value=None,
                    severity="Violation",
                    component=PROVENANCE_RULE,
                    shape=PROVENANCE_RULE,
                    message="This graph does not say where its facts come from: add <graph> "
                    "prov:wasDerivedFrom <source> (prov:wasQuotedFrom alone names a "
                    "speaker, not a source).",
                )
            )
    return out


def change_findings(after: Store, added: Sequence[Quad], removed: Sequence[Quad]) -> list[Finding]:
    """The rules on a change, judged in the state after it."""
    touched = [q.graph_name for q in (*added, *removed) if not isinstance(q.graph_name, DefaultGraph)]
    return [*loose_facts(added), *unsourced_graphs(after, touched)]


def store_findings(store: Store) -> list[Finding]:
    """The rules on everything the store holds."""
    graphs = store.named_graphs()
    return [*loose_facts(store.quads(DefaultGraph()), graphs), *unsourced_graphs(store, graphs)]


__all__ = [
    "NAMED_GRAPH_RULE",
    "PROVENANCE_RULE",
    "change_findings",
    "loose_facts",
    "store_findings",
    "unsourced_graphs",
]
