"""The judge's narrowed look at a change finds exactly what revalidating everything finds.

For changes of generated data (additions with injected violations, removals of facts the shapes
read), the findings the change brings (:func:`kg.validate.judge.judge_change`) are the findings
of the whole graph after it that were not there before, whichever focus nodes they are about.
"""

from __future__ import annotations

import random
import sys

import pytest

from conftest import ROOT
from kg.api import Project
from kg.project import ProjectFiles, find_root
from kg.rdfio import N_QUADS, parse_bytes
from kg.store.embedded import EmbeddedStore
from kg.terms import Triple
from kg.validate.fast import validate_store

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate


def _quads(size: int, seed: int, violations: float, **options: object) -> list:
    parts: list[str] = []
    generate(size, seed, violations, parts.append, **options)  # type: ignore[arg-type]
    return parse_bytes("".join(parts).encode(), N_QUADS)


@pytest.fixture(scope="module")
def base() -> list:
    return _quads(3000, 5, 0.2)


def _keys(project: Project) -> set[tuple[object, ...]]:
    shapes = project.judge_shapes
    return {f.key() for f in validate_store(project.store, shapes.graph, shapes.compiled).findings}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_change_brings_what_full_revalidation_finds(base: list, seed: int) -> None:
    rng = random.Random(seed)
    store = EmbeddedStore()
    store.change(base)
    project = Project(ProjectFiles(find_root()), store)
    added = _quads(600, seed, 0.5, header=False, first=1000 + seed * 10, link_to=1)
    removed = rng.sample([q for q in base if not q.graph_name.value.endswith("ontology")], 60)
    report = project.validate_change(added, removed)
    before = _keys(project)
    store.change(added, removed)
    after = _keys(project)
    shape_findings = {
        f.key() for f in report.findings if not f.component.startswith("https://kg.example.org/ontology#")
    }
    assert shape_findings == after - before


KGO = "https://kg.example.org/ontology#"
UNIQUE = f"{KGO}SourceSentenceShape-sentenceNumber-unique"


def _a_document_with_sentences(store: EmbeddedStore) -> tuple[object, list[tuple[object, int]]]:
    result = store.query(
        "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX kgo: <https://kg.example.org/ontology#> "
        "SELECT ?doc ?s ?n WHERE { ?s a kgo:SourceSentence ; prov:wasDerivedFrom ?doc ; "
        "kgo:sentenceNumber ?n } ORDER BY ?doc ?n"
    )
    by_doc: dict[object, list[tuple[object, int]]] = {}
    for doc, sentence, number in result.rows:
        by_doc.setdefault(doc, []).append((sentence, int(number.value)))  # type: ignore[union-attr]
    doc, sentences = max(by_doc.items(), key=lambda item: len(item[1]))
    return doc, sentences


def _new_sentence(doc: object, number: int) -> list:
    from kg.terms import Literal, NamedNode, Quad

    graph = NamedNode("https://kg.example.org/graph/added-sentence")
    prov, xsd = "http://www.w3.org/ns/prov#", "http://www.w3.org/2001/XMLSchema#"
    return [
        Quad(
            graph,
            NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            NamedNode(f"{KGO}SourceSentence"),
            graph,
        ),
        Quad(graph, NamedNode(f"{prov}wasDerivedFrom"), doc, graph),  # type: ignore[arg-type]
        Quad(
            graph,
            NamedNode(f"{KGO}sentenceNumber"),
            Literal(str(number), datatype=NamedNode(f"{xsd}integer")),
            graph,
        ),
    ]


def test_a_number_taken_twice_is_looked_for_among_its_namesakes_only(base: list) -> None:
    """A new sentence of a document is checked against the sentences of that document with its
    number, not against every sentence of the document (both ways to them are followed at once)."""
    from kg.validate.judge import affected

    store = EmbeddedStore()
    store.change(base)
    project = Project(ProjectFiles(find_root()), store)
    doc, sentences = _a_document_with_sentences(store)
    assert len(sentences) >= 3
    taken_sentence, taken = sentences[1]
    compiled = project.judge_shapes.compiled
    index = next(i for i, c in enumerate(compiled.checks) if c.shape == UNIQUE)
    assert any(step.same_end for step in compiled.checks[index].reads)

    clash = _new_sentence(doc, taken)
    store.change(clash)
    triples = [Triple(q.subject, q.predicate, q.object) for q in clash]
    focus = affected(store, compiled, triples)[index]
    store.change((), clash)
    assert focus is not None and taken_sentence in focus
    assert not {s for s, n in sentences if n != taken} & focus

    report = project.validate_change(clash, ())
    assert {(f.focus, f.shape) for f in report.findings if f.shape == UNIQUE} == {
        ("https://kg.example.org/graph/added-sentence", UNIQUE),
        (taken_sentence.value, UNIQUE),  # type: ignore[attr-defined]
    }
    free = 1 + max(n for _, n in sentences)
    assert not [
        f for f in project.validate_change(_new_sentence(doc, free), ()).findings if f.shape == UNIQUE
    ]


LISTED_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.com/> .
ex:Named a sh:NodeShape ; sh:targetNode ex:absent ;
    sh:property [ sh:path ex:q ; sh:minCount 2 ] .
ex:Typed a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:q ; sh:minCount 2 ] .
"""


def test_a_node_named_by_the_shapes_had_its_results_before_it_occurred() -> None:
    """sh:targetNode makes a node a focus node before any fact names it: its result then is
    not the change's doing. A node of a class is a focus node only once it occurs."""
    import rdflib

    from kg.terms import NamedNode, Quad
    from kg.validate.fast import compile_shapes
    from kg.validate.judge import Shapes, judge_change

    graph = rdflib.Graph().parse(data=LISTED_SHAPES, format="turtle")
    shapes = Shapes(graph, compile_shapes(graph))
    assert any(check.listed for check in shapes.compiled.checks)
    ex = "http://example.com/"
    store = EmbeddedStore()
    store.change(
        [Quad(NamedNode(f"{ex}other"), NamedNode(f"{ex}q"), NamedNode(f"{ex}v"), NamedNode(f"{ex}g"))]
    )
    change = [
        Quad(NamedNode(f"{ex}absent"), NamedNode(f"{ex}q"), NamedNode(f"{ex}v"), NamedNode(f"{ex}g")),
        Quad(
            NamedNode(f"{ex}new"),
            NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            NamedNode(f"{ex}Thing"),
            NamedNode(f"{ex}g"),
        ),
        Quad(NamedNode(f"{ex}new"), NamedNode(f"{ex}q"), NamedNode(f"{ex}v"), NamedNode(f"{ex}g")),
    ]
    report = judge_change(store, shapes, change, ())
    assert {f.focus for f in report.findings if f.component.endswith("MinCountConstraintComponent")} == {
        f"{ex}new"
    }
