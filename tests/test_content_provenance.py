"""Provenance is structural: every fact sits in a named graph that stands for its evidence.

These tests read the files of ``data/`` directly (with pyoxigraph), so they hold for the files
as committed, whatever the store does with them:

* nothing is in the default graph; each named graph describes itself inside itself, with
  ``prov:wasDerivedFrom`` its source and ``kgo:sentenceText`` its words;
* the article's graphs are its sentences, numbered in reading order, each text verbatim;
  together they are the whole article;
* the article's graphs carry nothing from the reference sources (no Russian or Belarusian
  names, no dates), and the reference graphs never point back to the article.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE_TEXT = (ROOT / "data" / "sources" / "actp-rf-business-mission-results.txt").read_text(encoding="utf-8")
KGO = "https://kg.example.org/ontology#"
KGR = "https://kg.example.org/id/"
KGG = "https://kg.example.org/graph/"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
ARTICLE = ox.NamedNode(KGR + "actp-rf-business-mission-results")
DERIVED_FROM = ox.NamedNode(PROV + "wasDerivedFrom")
QUOTED_FROM = ox.NamedNode(PROV + "wasQuotedFrom")
SENTENCE_TEXT = ox.NamedNode(KGO + "sentenceText")
SENTENCE_NUMBER = ox.NamedNode(KGO + "sentenceNumber")
SOURCE_SENTENCE = ox.NamedNode(KGO + "SourceSentence")
REFERENCE_RECORD = ox.NamedNode(KGO + "ReferenceRecord")
DATA_FILES = sorted((ROOT / "data").glob("*.trig"))
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
DATE_TYPES = {XSD + t for t in ("date", "dateTime", "gYear", "gYearMonth", "gMonthDay", "gDay", "gMonth")}


def load(path: Path) -> ox.Dataset:
    return ox.Dataset(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))


@pytest.fixture(scope="module")
def dataset() -> ox.Dataset:
    return ox.Dataset([quad for path in DATA_FILES for quad in load(path)])


@pytest.fixture(scope="module")
def graphs(dataset: ox.Dataset) -> dict[ox.NamedNode, list[ox.Quad]]:
    by_graph: dict[ox.NamedNode, list[ox.Quad]] = defaultdict(list)
    for quad in dataset:
        by_graph[quad.graph_name].append(quad)
    return dict(by_graph)


def values(quads: list[ox.Quad], subject: object, predicate: ox.NamedNode) -> list[object]:
    return [q.object for q in quads if q.subject == subject and q.predicate == predicate]


def article_graphs(graphs: dict[ox.NamedNode, list[ox.Quad]]) -> dict[ox.NamedNode, list[ox.Quad]]:
    return {g: quads for g, quads in graphs.items() if ARTICLE in values(quads, g, DERIVED_FROM)}


def test_the_data_files_are_the_article_and_the_reference_facts() -> None:
    assert [p.name for p in DATA_FILES] == ["actp-rf-business-mission-results.trig", "reference-facts.trig"]


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_nothing_is_in_the_default_graph(path: Path) -> None:
    assert [q for q in load(path) if q.graph_name == ox.DefaultGraph()] == []


def test_every_graph_describes_its_evidence_inside_itself(graphs: dict[ox.NamedNode, list[ox.Quad]]) -> None:
    assert len(graphs) > 11
    for graph, quads in graphs.items():
        assert isinstance(graph, ox.NamedNode) and graph.value.startswith(KGG), graph
        assert values(quads, graph, DERIVED_FROM), f"{graph} has no prov:wasDerivedFrom"
        texts = values(quads, graph, SENTENCE_TEXT)
        assert len(texts) == 1, f"{graph} needs one kgo:sentenceText"
        kinds = set(values(quads, graph, RDF_TYPE))
        assert kinds in ({SOURCE_SENTENCE}, {REFERENCE_RECORD}), (graph, kinds)
        assert any(q.subject != graph for q in quads), f"{graph} holds no fact"


def test_the_article_graphs_are_its_sentences_in_reading_order(
    graphs: dict[ox.NamedNode, list[ox.Quad]],
) -> None:
    sentences = article_graphs(graphs)
    numbered = {}
    for graph, quads in sentences.items():
        assert values(quads, graph, RDF_TYPE) == [SOURCE_SENTENCE]
        (number,) = values(quads, graph, SENTENCE_NUMBER)
        numbered[int(number.value)] = graph
        assert graph.value == f"{KGG}actp-rf-business-mission-results-s{int(number.value):02d}"
    assert sorted(numbered) == list(range(1, 12))  # the headline is 1, "Mikhail Labudin said." 9
    position = 0
    for number in sorted(numbered):
        graph = numbered[number]
        (text,) = values(sentences[graph], graph, SENTENCE_TEXT)
        assert text.language == "en"
        found = SOURCE_TEXT.find(text.value, position)
        assert found >= 0, f"sentence {number} is not verbatim, or out of order: {text.value!r}"
        position = found + len(text.value)


def test_the_sentences_together_are_the_whole_article(graphs: dict[ox.NamedNode, list[ox.Quad]]) -> None:
    sentences = article_graphs(graphs)
    by_number = {
        int(values(q, g, SENTENCE_NUMBER)[0].value): values(q, g, SENTENCE_TEXT)[0].value
        for g, q in sentences.items()
    }
    joined = " ".join(by_number[n] for n in sorted(by_number))
    assert joined == " ".join(SOURCE_TEXT.split())
    assert by_number[1] == "ACTP RF BUSINESS MISSION: RESULTS"
    assert by_number[9] == "Mikhail Labudin said."


def test_quoted_sentences_name_their_speaker(graphs: dict[ox.NamedNode, list[ox.Quad]]) -> None:
    quoted = {
        g.value.rsplit("-", 1)[-1]: {o.value for o in values(q, g, QUOTED_FROM)}
        for g, q in article_graphs(graphs).items()
        if values(q, g, QUOTED_FROM)
    }
    assert quoted == {
        "s07": {KGR + "mikhail-labudin"},  # "We had the opportunity ..."
        "s08": {KGR + "mikhail-labudin"},  # "More than 20 cooperation agreements were signed ..."
        "s11": {KGR + "yevgeny-kravchenko"},  # "We are on the cusp of a new phase ..."
    }


def test_the_article_graphs_carry_no_reference_facts(graphs: dict[ox.NamedNode, list[ox.Quad]]) -> None:
    for graph, quads in article_graphs(graphs).items():
        for quad in quads:
            if isinstance(quad.object, ox.Literal):
                assert not CYRILLIC.search(quad.object.value), (graph, quad)
                assert quad.object.datatype.value not in DATE_TYPES, (graph, quad)
            assert quad.predicate.value not in (
                "http://xmlns.com/foaf/0.1/homepage",
                "https://schema.org/foundingDate",
                "https://schema.org/url",
                KGO + "dateWithoutYear",
            ), (graph, quad)


def test_the_article_has_no_date_anywhere(dataset: ox.Dataset) -> None:
    about_article = [q for q in dataset if q.subject == ARTICLE]
    assert about_article
    for quad in about_article:
        assert "date" not in quad.predicate.value.lower(), quad
        if isinstance(quad.object, ox.Literal):
            assert quad.object.datatype.value not in DATE_TYPES, quad


def test_reference_graphs_come_from_their_own_sources(graphs: dict[ox.NamedNode, list[ox.Quad]]) -> None:
    references = {g: q for g, q in graphs.items() if REFERENCE_RECORD in values(q, g, RDF_TYPE)}
    assert len(references) >= 9
    for graph, quads in references.items():
        assert graph.value.startswith(KGG + "reference-")
        sources = values(quads, graph, DERIVED_FROM)
        assert ARTICLE not in sources, f"{graph} attributes a reference fact to the article"
        for source in sources:
            # each source is described in the graph that relies on it
            assert ox.NamedNode("https://schema.org/WebSite") in values(quads, source, RDF_TYPE)
            assert values(quads, source, ox.NamedNode("https://schema.org/name"))
            assert values(quads, source, ox.NamedNode("https://schema.org/url"))


def test_names_in_other_languages_come_only_from_reference_sources(
    graphs: dict[ox.NamedNode, list[ox.Quad]],
) -> None:
    for graph, quads in graphs.items():
        tagged = {q.object.language for q in quads if isinstance(q.object, ox.Literal) and q.object.language}
        if tagged - {"en"}:
            assert REFERENCE_RECORD in values(quads, graph, RDF_TYPE), graph


def test_no_identity_links_or_invented_identifiers(dataset: ox.Dataset) -> None:
    for quad in dataset:
        assert quad.predicate.value != "http://www.w3.org/2002/07/owl#sameAs", quad
        assert "wikidata" not in str(quad.object).lower(), quad
