"""Instance-of tests listed from the store's class hierarchy (``kg.validate.classes``).

The compiled checks test class membership as ``rdf:type/rdfs:subClassOf*``; before they run,
each test whose class can be listed becomes a ``rdf:type`` pattern over the class and its
subclasses. These tests check that the listing is taken from the data being validated (a
subclass the data declares counts), that the findings are pySHACL's, and that a hierarchy the
listing cannot hold keeps the path.
"""

from __future__ import annotations

import pytest
import rdflib

from kg.store.embedded import EmbeddedStore
from kg.terms import BlankNode, DefaultGraph, NamedNode, Quad
from kg.validate import classes
from kg.validate.checks import TYPE_PATH
from kg.validate.classes import Hierarchy, hierarchy, specialise
from kg.validate.fast import compile_shapes, validate_store
from kg.validate.shacl import run_shacl

EX = "http://example.com/"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SUBCLASS = NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.com/> .
ex:Shape a sh:NodeShape ; sh:targetClass ex:Event ;
    sh:property [ sh:path ex:place ; sh:class ex:Place ] .
"""


def _n(name: str) -> NamedNode:
    return NamedNode(EX + name)


def _quad(s: str, p: NamedNode | str, o: str) -> Quad:
    return Quad(_n(s), p if isinstance(p, NamedNode) else _n(p), _n(o), DefaultGraph())


def _data() -> list[Quad]:
    return [
        _quad("Meeting", SUBCLASS, "Event"),  # declared by the data, not by the shapes
        _quad("Town", SUBCLASS, "Place"),
        _quad("Village", SUBCLASS, "Town"),
        _quad("m1", RDF_TYPE, "Meeting"),
        _quad("m1", "place", "v1"),
        _quad("v1", RDF_TYPE, "Village"),  # a Place two steps up: conforms
        _quad("m2", RDF_TYPE, "Meeting"),
        _quad("m2", "place", "p2"),
        _quad("p2", RDF_TYPE, "Person"),  # not a Place: a violation
    ]


def _store(quads: list[Quad]) -> EmbeddedStore:
    store = EmbeddedStore()
    store.change(quads)
    return store


def test_the_tests_become_type_patterns_over_the_listed_subclasses() -> None:
    compiled = compile_shapes(rdflib.Graph().parse(data=SHAPES, format="turtle"))
    store = _store(_data())
    listed = hierarchy(store)
    assert listed is not None
    assert listed.subclasses(f"<{EX}Place>") == (f"<{EX}Place>", f"<{EX}Town>", f"<{EX}Village>")
    texts = [specialise(check.query, listed) for check in compiled.checks]
    assert any(TYPE_PATH in check.query for check in compiled.checks)
    assert not any(TYPE_PATH in text for text in texts)
    assert any(f"<{EX}Village>" in text for text in texts)


def test_findings_follow_the_hierarchy_the_data_declares() -> None:
    shapes = rdflib.Graph().parse(data=SHAPES, format="turtle")
    quads = _data()
    report = validate_store(_store(quads), shapes)
    expected = run_shacl(quads, shapes)
    assert {f.key() for f in report.findings} == {f.key() for f in expected}
    assert [(f.focus, f.value) for f in report.findings] == [(EX + "m2", EX + "p2")]
    # without the data's subclass axiom, m1 is no Event and v1 no Place: nothing to check
    fewer = [q for q in quads if q.predicate != SUBCLASS]
    assert validate_store(_store(fewer), shapes).findings == []


def test_a_blank_node_subclass_keeps_the_path() -> None:
    quads = [*_data(), Quad(BlankNode("b"), SUBCLASS, _n("Place"), DefaultGraph())]
    quads.append(Quad(_n("p2"), RDF_TYPE, BlankNode("b"), DefaultGraph()))  # p2 is a Place now
    store = _store(quads)
    listed = hierarchy(store)
    assert listed is not None and listed.subclasses(f"<{EX}Place>") is None
    compiled = compile_shapes(rdflib.Graph().parse(data=SHAPES, format="turtle"))
    assert all(TYPE_PATH in specialise(c.query, listed) for c in compiled.checks if f"<{EX}Place>" in c.query)
    shapes = rdflib.Graph().parse(data=SHAPES, format="turtle")
    assert validate_store(store, shapes).findings == []


def test_a_hierarchy_too_big_to_read_is_not_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(classes, "MAX_EDGES", 2)
    store = _store(_data())
    assert hierarchy(store) is None
    shapes = rdflib.Graph().parse(data=SHAPES, format="turtle")
    assert [(f.focus, f.value) for f in validate_store(store, shapes).findings] == [(EX + "m2", EX + "p2")]


def test_too_many_subclasses_keep_the_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(classes, "MAX_SUBCLASSES", 2)
    listed = Hierarchy({"<B>": ("<A>",), "<C>": ("<B>",)})
    assert listed.subclasses("<A>") is None
    assert listed.subclasses("<B>") == ("<B>", "<C>")


def test_text_that_is_not_a_marked_test_is_left_alone() -> None:
    listed = Hierarchy({"<B>": ("<A>",)})
    user = f"SELECT ?x WHERE {{ GRAPH ?g {{ ?x {TYPE_PATH} <A> . }} }}"
    assert specialise(user, listed) == user


def test_a_scratch_store_filled_in_bulk_holds_what_change_holds() -> None:
    quads = [*_data(), Quad(_n("m1"), _n("place"), _n("v1"), _n("g"))]
    bulk = EmbeddedStore()
    bulk.bulk_add(quads)
    one = _store(quads)
    assert sorted(map(str, bulk.quads())) == sorted(map(str, one.quads()))
    assert sorted(map(str, bulk.facts())) == sorted(map(str, one.facts()))
    assert bulk.fact_count() == len(_data())
