"""Running the shapes: pySHACL, the reference validator, on a small ``rdflib`` graph."""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import SH

from kg.rdflib_bridge import triples_to_rdflib
from kg.terms import Quad, Triple
from kg.validate.report import Finding

_PATH_FORMS = {
    SH.inversePath: "^{}",
    SH.zeroOrMorePath: "{}*",
    SH.oneOrMorePath: "{}+",
    SH.zeroOrOnePath: "{}?",
}


def render_path(graph: rdflib.Graph, path: rdflib.term.Node | None) -> str | None:
    """A SHACL path as SPARQL property-path text (``<p>``, ``^<p>``, ``<p>/<q>``...)."""
    if path is None:
        return None
    if isinstance(path, rdflib.URIRef):
        return f"<{path}>"
    first = graph.value(path, rdflib.RDF.first)
    if first is not None:
        return "/".join(render_path(graph, p) or "" for p in Collection(graph, path))
    for predicate, form in _PATH_FORMS.items():
        inner = graph.value(path, predicate)
        if inner is not None:
            return form.format(render_path(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(render_path(graph, p) or "" for p in Collection(graph, alternatives)) + ")"
    return str(path)


def node_text(node: rdflib.term.Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, rdflib.BNode):
        return f"_:{node}"
    return str(node)


def run_shacl(data: Iterable[Quad | Triple], shapes: rdflib.Graph) -> list[Finding]:
    """The findings of ``shapes`` on ``data`` (graph names ignored: the union is validated)."""
    return pyshacl_findings(triples_to_rdflib(data), shapes)


def pyshacl_findings(graph: rdflib.Graph, shapes: rdflib.Graph) -> list[Finding]:
    """pySHACL's results on an ``rdflib.Graph``, as findings (the reference validator)."""
    import pyshacl  # only shapes the compiler cannot express need it (70 ms to import)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ill-typed literals are findings, not warnings
        _conforms, results, _text = pyshacl.validate(
            graph,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            allow_infos=True,
        )
    findings = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        findings.append(
            Finding(
                focus=node_text(results.value(result, SH.focusNode)) or "",
                path=render_path(results, results.value(result, SH.resultPath)),
                value=node_text(results.value(result, SH.value)),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                component=str(results.value(result, SH.sourceConstraintComponent)),
                message=messages[0] if messages else "",
                shape=node_text(results.value(result, SH.sourceShape)) or "",
            )
        )
    return sorted(set(findings), key=Finding.sort_key)


def shapes_graph(quads: Iterable[Quad | Triple]) -> rdflib.Graph:
    return triples_to_rdflib(quads)
