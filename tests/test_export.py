"""Export: every format re-imports to the same graph; canonical output is byte-stable;
JSON-LD is compact with the project's context and means the same graph to pyld."""

from __future__ import annotations

import json

import pyoxigraph
import pytest
from pyld import jsonld

import kg
from kg.rdfio import format_named, parse_bytes
from kg.terms import DefaultGraph, Quad


def _dataset(quads: list[Quad], *, keep_graphs: bool) -> pyoxigraph.Dataset:
    items = quads if keep_graphs else [Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads]
    dataset = pyoxigraph.Dataset(items)
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


@pytest.mark.parametrize("fmt", ["ttl", "trig", "nt", "nq", "jsonld", "xml"])
def test_export_then_reimport_is_isomorphic(project: kg.Project, fmt: str) -> None:
    chosen = format_named(fmt)
    exported = project.export(fmt)
    again = parse_bytes(exported, chosen)
    original = list(project.store.quads())
    assert _dataset(again, keep_graphs=chosen.datasets) == _dataset(original, keep_graphs=chosen.datasets)


@pytest.mark.parametrize("fmt", ["ttl", "trig", "jsonld", "nq"])
def test_two_exports_are_byte_identical(fmt: str) -> None:
    first = kg.open_project().export(fmt)
    second = kg.open_project().export(fmt)
    assert first == second


def test_one_named_graph(project: kg.Project) -> None:
    graph = "kgg:actp-rf-business-mission-results-s02"
    quads = parse_bytes(project.export("nq", graph=graph), format_named("nq"))
    assert quads
    assert {q.graph_name.value for q in quads} == {
        "https://kg.example.org/graph/actp-rf-business-mission-results-s02"
    }


def test_no_provenance_gives_plain_facts(project: kg.Project) -> None:
    quads = parse_bytes(project.export("nq", provenance=False), format_named("nq"))
    assert all(isinstance(q.graph_name, DefaultGraph) for q in quads)
    predicates = {q.predicate.value for q in quads}
    assert "https://kg.example.org/ontology#sentenceText" not in predicates
    assert "http://www.w3.org/ns/prov#wasDerivedFrom" not in predicates
    assert "http://www.w3.org/2004/02/skos/core#prefLabel" in predicates


def test_jsonld_is_compact_with_the_project_context(project: kg.Project) -> None:
    document = json.loads(project.export("jsonld"))
    context = json.loads(project.files.context_path.read_text())
    assert document["@context"] == context.get("@context", context)
    text = json.dumps(document)
    assert 'https://kg.example.org/id/actp-rf"' not in text  # IRIs are compacted
    assert "kgr:actp-rf" in text
    graphs = [item for item in document["@graph"] if "@graph" in item]
    assert len(graphs) == len(project.store.named_graphs())


def test_jsonld_expanded_by_pyld_is_the_same_graph(project: kg.Project) -> None:
    document = json.loads(project.export("jsonld"))
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    from_pyld = parse_bytes(nquads.encode(), format_named("nq"))
    assert _dataset(from_pyld, keep_graphs=True) == _dataset(list(project.store.quads()), keep_graphs=True)


def test_frame_nests_each_organization_with_its_sites(project: kg.Project) -> None:
    document = json.loads(project.export("jsonld", frame_class="org:Organization"))
    by_id = {node.get("@id", node.get("id")): node for node in document["@graph"]}
    assert "kgr:great-stone-industrial-park" in by_id
    park = json.dumps(by_id["kgr:great-stone-industrial-park"], ensure_ascii=False)
    assert "Veliky Kamen" in park  # the site's other name, nested inside the organization
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    assert parse_bytes(nquads.encode(), format_named("nq"))


@pytest.mark.parametrize("fmt", ["nt", "ttl", "xml"])
def test_graph_formats_carry_each_fact_once(project: kg.Project, fmt: str) -> None:
    """A fact stated by several sentences is written once in a format without graphs."""
    from kg.rdfio import format_named, parse_bytes

    shared = project.query(
        "SELECT ?s ?p ?o WHERE { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?s ?p ?o } FILTER(?a != ?b) } LIMIT 1"
    ).rows
    assert shared, "the project states some fact in two sentences"
    data = project.export(fmt)
    quads = parse_bytes(data, format_named(fmt))
    assert len(quads) == len(set(quads)) == project.store.fact_count()
    if fmt == "nt":
        lines = [line for line in data.decode().splitlines() if line]
        assert len(lines) == len(set(lines))
