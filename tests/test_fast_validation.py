"""The fast path (shapes compiled to SPARQL) reports exactly what pySHACL reports.

Differential tests on generated data in which every kind of violation the project's shapes
check is injected (``bench/generate.py``), on the bundled project, and on shapes the compiler
declines (which go to pySHACL, and the report says so).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import rdflib
from tests.conftest import ROOT

import kg
from kg.store.embedded import EmbeddedStore
from kg.validate.fast import compile_shapes, validate_quads, validate_store
from kg.validate.report import Finding
from kg.validate.shacl import run_shacl

sys.path.insert(0, str(ROOT / "bench"))
from generate import VIOLATIONS, generate
from peers import nquads_to_graph, pyshacl_findings


def _keys(findings: list[Finding]) -> set[tuple[str | None, ...]]:
    return {f.key() for f in findings}


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return kg.open_project(ROOT).shapes


@pytest.mark.parametrize(("seed", "rate"), [(1, 0.5), (2, 0.5), (3, 1.0)])
def test_generated_data_gives_pyshacls_findings(
    tmp_path: Path, shapes: rdflib.Graph, seed: int, rate: float
) -> None:
    data = tmp_path / "data.nq"
    with data.open("w") as sink:
        generate(2500, seed, rate, sink.write)
    store = EmbeddedStore()
    store.load_file(data, "nq")
    report = validate_store(store, shapes)
    expected = pyshacl_findings(nquads_to_graph(str(data)), shapes)
    assert report.fallback_note is None
    assert len(expected) > 50  # the injected violations are there to be found
    assert _keys(report.findings) == _keys(expected)


def test_every_kind_of_injected_violation_is_found(tmp_path: Path, shapes: rdflib.Graph) -> None:
    data = tmp_path / "data.nq"
    with data.open("w") as sink:
        generate(1, 5, 1.0, sink.write)  # one mission, every kind of violation
    store = EmbeddedStore()
    store.load_file(data, "nq")
    components = {f.component_name for f in validate_store(store, shapes).findings}
    assert len(VIOLATIONS) == 24
    assert components >= {
        "ClassConstraintComponent",
        "DatatypeConstraintComponent",
        "NodeKindConstraintComponent",
        "MinCountConstraintComponent",
        "MaxCountConstraintComponent",
        "InConstraintComponent",
        "HasValueConstraintComponent",
        "NodeConstraintComponent",
        "UniqueLangConstraintComponent",
        "QualifiedMinCountConstraintComponent",
        "MinInclusiveConstraintComponent",
        "LessThanOrEqualsConstraintComponent",
        "OrConstraintComponent",
        "SPARQLConstraintComponent",
    }


def test_conforming_data_has_no_findings(tmp_path: Path, shapes: rdflib.Graph) -> None:
    data = tmp_path / "data.nq"
    with data.open("w") as sink:
        generate(3000, 9, 0.0, sink.write)
    store = EmbeddedStore()
    store.load_file(data, "nq")
    assert validate_store(store, shapes).findings == []


def test_the_project_graph_gives_run_shacls_findings(project: kg.Project) -> None:
    report = project.validate_graph()
    assert report.fallback_note is None
    assert _keys(report.findings) == _keys(run_shacl(project.store.quads(), project.shapes))


def test_every_project_shape_compiles(shapes: rdflib.Graph) -> None:
    compiled = compile_shapes(shapes)
    assert compiled.fallback == {}
    assert len(compiled.checks) > 100


FALLBACK_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.com/> .
ex:Compiled a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ] .
ex:Declined a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property [ sh:path ex:part ; sh:qualifiedValueShape [ sh:class ex:P ] ;
                  sh:qualifiedMinCount 1 ; sh:qualifiedValueShapesDisjoint true ] .
"""
FALLBACK_DATA = """
@prefix ex: <http://example.com/> .
ex:a a ex:C ; ex:part ex:b . ex:b a ex:Q .
"""


def test_a_shape_that_does_not_compile_goes_to_pyshacl() -> None:
    shapes = rdflib.Graph().parse(data=FALLBACK_SHAPES, format="turtle")
    quads = kg.rdfio.parse_bytes(FALLBACK_DATA.encode(), kg.rdfio.format_named("ttl"))
    report = validate_quads(quads, shapes)
    assert report.fallback_note is not None
    assert "http://example.com/Declined" in report.fallback_note
    assert {f.component_name for f in report.findings} == {
        "MinCountConstraintComponent",
        "QualifiedMinCountConstraintComponent",
    }
    assert _keys(report.findings) == _keys(run_shacl(quads, shapes))


def test_a_change_in_context_gives_what_revalidating_everything_gives(
    tmp_path: Path, project: kg.Project
) -> None:
    """Delta validation (neighbourhood + focus nodes) against pySHACL on the whole graph."""
    base, change = tmp_path / "base.nq", tmp_path / "change.nq"
    with base.open("w") as sink:
        generate(2500, 4, 0.0, sink.write)
    with change.open("w") as sink:
        generate(300, 4, 1.0, sink.write, header=False, first=1000, link_to=1)
    store = EmbeddedStore()
    store.load_file(base, "nq")
    proj = kg.Project(project.files, store)
    report = proj.validate([change])

    new = proj.read_contribution([change])
    classes = {q.object.value for q in new if q.predicate.value.endswith("#type")}
    touched = {
        t.value for q in new for t in (q.subject, q.object, q.graph_name) if isinstance(t, kg.terms.NamedNode)
    } - classes
    whole = tmp_path / "whole.nq"
    whole.write_text(base.read_text() + change.read_text())
    before = _keys(pyshacl_findings(nquads_to_graph(str(base)), proj.shapes))
    after = {k for k in _keys(pyshacl_findings(nquads_to_graph(str(whole)), proj.shapes)) if k[0] in touched}
    assert len(after - before) > 20
    assert _keys(report.findings) == after - before
