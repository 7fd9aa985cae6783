"""The peers, driven the way their users drive them: pySHACL on an ``rdflib.Graph``.

Findings are rendered exactly as :func:`kg.validate.shacl.run_shacl` renders them (same focus,
path text, value text, component, severity, shape), so the two validators' reports compare
as sets of :meth:`kg.validate.report.Finding.key`.
"""

from __future__ import annotations

import warnings

import pyshacl
import rdflib
from rdflib.namespace import SH

from kg.validate.report import Finding
from kg.validate.shacl import node_text, render_path


def pyshacl_findings(graph: rdflib.Graph, shapes: rdflib.Graph) -> list[Finding]:
    """pySHACL's results on ``graph``, as findings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _conforms, results, _text = pyshacl.validate(
            graph, shacl_graph=shapes, inference="none", advanced=True,
            allow_warnings=True, allow_infos=True,
        )
    findings = set()
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        findings.add(Finding(
            focus=node_text(results.value(result, SH.focusNode)) or "",
            path=render_path(results, results.value(result, SH.resultPath)),
            value=node_text(results.value(result, SH.value)),
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            component=str(results.value(result, SH.sourceConstraintComponent)),
            message=messages[0] if messages else "",
            shape=node_text(results.value(result, SH.sourceShape)) or "",
        ))
    return sorted(findings, key=lambda f: tuple(str(x) for x in f.key()))


def nquads_to_graph(path: str) -> rdflib.Graph:
    """An N-Quads file as one ``rdflib.Graph`` of its triples (the union of its graphs), the
    data graph pySHACL validates (given a dataset, it would validate each graph alone)."""
    dataset = rdflib.Dataset()
    dataset.parse(path, format="nquads")
    graph = rdflib.Graph()
    add = graph.add
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        add((s, p, o))
    return graph
