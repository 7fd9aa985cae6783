"""The peers, driven the way their users drive them: pySHACL on an ``rdflib.Graph``.

Findings are rendered exactly as :func:`kg.validate.shacl.run_shacl` renders them (same focus,
path text, value text, component, severity, shape), so the two validators' reports compare
as sets of :meth:`kg.validate.report.Finding.key`.
"""

from __future__ import annotations

import rdflib

from kg.validate.shacl import pyshacl_findings

__all__ = ["nquads_to_graph", "pyshacl_findings"]


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
