"""Provenance is structural: every fact sits in a named graph that stands for its evidence.

These tests read the files of ``data/`` directly (with pyoxigraph), so they hold for the files
as committed, whatever the store does with them:

* nothing is in the default graph; each named graph describes itself inside itself: a sentence
  or a reference record with ``prov:wasDerivedFrom`` its source and ``kgo:sentenceText`` its
  words, an inference with ``prov:wasDerivedFrom`` the graphs it rests on and a justification;
* each article is one data file; its sentence graphs are its sentences, numbered in reading
  order, each text verbatim, together the whole stored copy; the stored copies are the shared
  source files byte for byte;
* the article graphs carry nothing from the reference sources (no Russian or Belarusian names,
  no dates but the ones the article states), and no graph attributes a reference fact to an
  article;
* inference graphs rest only on graphs that exist, and state no words of a source.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "sources"
KGO = "https://kg.example.org/ontology#"
KGR = "https://kg.example.org/id/"
KGG = "https://kg.example.org/graph/"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
DERIVED_FROM = ox.NamedNode(PROV + "wasDerivedFrom")
QUOTED_FROM = ox.NamedNode(PROV + "wasQuotedFrom")
SENTENCE_TEXT = ox.NamedNode(KGO + "sentenceText")
SENTENCE_NUMBER = ox.NamedNode(KGO + "sentenceNumber")
JUSTIFICATION = ox.NamedNode(KGO + "justification")
SOURCE_SENTENCE = ox.NamedNode(KGO + "SourceSentence")
REFERENCE_RECORD = ox.NamedNode(KGO + "ReferenceRecord")
INFERENCE = ox.NamedNode(KGO + "Inference")
DATA_FILES = sorted((ROOT / "data").glob("*.trig"))
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
DATE_TYPES = {XSD + t for t in ("date", "dateTime", "gYear", "gYearMonth", "gMonthDay", "gDay", "gMonth")}

#: each curated article: its file stem (the article's IRI is kgr:<stem>), the shared source file
#: it is a copy of, and its headline (None: the stored copy shows none)
ARTICLES = {
    "actp-rf-business-mission-results": (
        "actp-rf-business-mission-results.txt",
        "ACTP RF BUSINESS MISSION: RESULTS",
    ),
    "actp-rf-itc-organizing-committee": (
        "articles/actp-rf-organizing-committee-international-technological-congress.txt",
        "ACTP RF at the meeting of the Organizing Committee of the International Technological Congress",
    ),
    "actp-rf-annual-general-meeting": (
        "articles/annual-general-meeting-of-actp-rf-members.txt",
        "The annual general meeting of ACTP RF members",
    ),
    "actp-rf-director-kaluga-meetings": ("articles/director-meetings-industrial-community-kaluga.txt", None),
}
#: the number of sentences of each stored copy (the headline counts as one)
SENTENCES = {
    "actp-rf-business-mission-results": 11,
    "actp-rf-itc-organizing-committee": 6,
    "actp-rf-annual-general-meeting": 12,
    "actp-rf-director-kaluga-meetings": 9,
}


def load(path: Path) -> ox.Dataset:
    return ox.Dataset(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))


def source_text(stem: str) -> str:
    return (ROOT / "data" / "sources" / f"{stem}.txt").read_text(encoding="utf-8")


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


def sentence_graphs(
    graphs: dict[ox.NamedNode, list[ox.Quad]], stem: str
) -> dict[ox.NamedNode, list[ox.Quad]]:
    article = ox.NamedNode(KGR + stem)
    return {
        g: quads
        for g, quads in graphs.items()
        if article in values(quads, g, DERIVED_FROM) and SOURCE_SENTENCE in values(quads, g, RDF_TYPE)
    }


def objects(dataset: ox.Dataset, subject: ox.NamedNode, predicate: str) -> list[object]:
    return [q.object for q in dataset if q.subject == subject and q.predicate.value == predicate]


def kind(quads: list[ox.Quad], graph: ox.NamedNode) -> set[object]:
    return set(values(quads, graph, RDF_TYPE))


def test_the_data_files_are_one_per_article_and_the_reference_facts() -> None:
    assert [p.stem for p in DATA_FILES] == sorted([*ARTICLES, "reference-facts"])


@pytest.mark.parametrize("stem", ARTICLES)
def test_the_stored_copy_is_the_shared_source_byte_for_byte(stem: str) -> None:
    shared = SHARED / ARTICLES[stem][0]
    if not shared.is_file():
        pytest.skip(f"{shared} is not available here")
    assert (ROOT / "data" / "sources" / f"{stem}.txt").read_bytes() == shared.read_bytes()


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_nothing_is_in_the_default_graph(path: Path) -> None:
    assert [q for q in load(path) if q.graph_name == ox.DefaultGraph()] == []


def test_every_graph_describes_its_evidence_inside_itself(graphs: dict[ox.NamedNode, list[ox.Quad]]) -> None:
    assert len(graphs) > 40
    for graph, quads in graphs.items():
        assert isinstance(graph, ox.NamedNode) and graph.value.startswith(KGG), graph
        assert values(quads, graph, DERIVED_FROM), f"{graph} has no prov:wasDerivedFrom"
        kinds = kind(quads, graph)
        assert kinds in ({SOURCE_SENTENCE}, {REFERENCE_RECORD}, {INFERENCE}), (graph, kinds)
        if kinds == {INFERENCE}:
            assert len(values(quads, graph, JUSTIFICATION)) == 1, f"{graph} needs one justification"
            assert values(quads, graph, SENTENCE_TEXT) == [], f"{graph} is an inference, not words"
        else:
            assert len(values(quads, graph, SENTENCE_TEXT)) == 1, f"{graph} needs one kgo:sentenceText"
        assert any(q.subject != graph for q in quads), f"{graph} holds no fact"


@pytest.mark.parametrize("stem", ARTICLES)
def test_each_article_file_holds_only_that_article(stem: str) -> None:
    """A data file per source: its sentence graphs and the inferences its curation made."""
    dataset = load(ROOT / "data" / f"{stem}.trig")
    names = {q.graph_name for q in dataset}
    article = ox.NamedNode(KGR + stem)
    for name in names:
        assert name.value.startswith(f"{KGG}{stem}-"), name
        quads = [q for q in dataset if q.graph_name == name]
        if kind(quads, name) == {SOURCE_SENTENCE}:
            assert values(quads, name, DERIVED_FROM) == [article], name


@pytest.mark.parametrize("stem", ARTICLES)
def test_the_sentence_graphs_are_the_article_in_reading_order(
    graphs: dict[ox.NamedNode, list[ox.Quad]], stem: str
) -> None:
    sentences = sentence_graphs(graphs, stem)
    text = source_text(stem)
    numbered = {}
    for graph, quads in sentences.items():
        (number,) = values(quads, graph, SENTENCE_NUMBER)
        numbered[int(number.value)] = graph
        # minted once at first curation: the number in the IRI is the position then
        assert graph.value == f"{KGG}{stem}-s{int(number.value):02d}"
    assert sorted(numbered) == list(range(1, SENTENCES[stem] + 1))
    position = 0
    for number in sorted(numbered):
        graph = numbered[number]
        (words,) = values(sentences[graph], graph, SENTENCE_TEXT)
        assert words.language == "en"
        found = text.find(words.value, position)
        assert found >= 0, f"sentence {number} of {stem} is not verbatim, or out of order: {words.value!r}"
        position = found + len(words.value)
    joined = " ".join(
        values(sentences[numbered[n]], numbered[n], SENTENCE_TEXT)[0].value for n in sorted(numbered)
    )
    assert joined == " ".join(text.split()), f"the sentences of {stem} are not the whole stored copy"


@pytest.mark.parametrize("stem", ARTICLES)
def test_the_headline_is_the_first_line_or_none(dataset: ox.Dataset, stem: str) -> None:
    article = ox.NamedNode(KGR + stem)
    headlines = [o.value for o in objects(dataset, article, SCHEMA + "headline")]
    expected = ARTICLES[stem][1]
    assert headlines == ([] if expected is None else [expected])
    if expected is not None:
        assert source_text(stem).splitlines()[0] == expected


@pytest.mark.parametrize("stem", ARTICLES)
def test_the_recorded_text_of_each_article_is_its_stored_copy(dataset: ox.Dataset, stem: str) -> None:
    article = ox.NamedNode(KGR + stem)
    (text,) = objects(dataset, article, SCHEMA + "text")
    assert text.value == source_text(stem)


def test_quoted_sentences_name_their_speaker(graphs: dict[ox.NamedNode, list[ox.Quad]]) -> None:
    quoted: dict[str, set[str]] = defaultdict(set)
    for quads in graphs.values():
        for q in quads:
            if q.predicate == QUOTED_FROM:
                quoted[q.subject.value[len(KGG) :]].add(q.object.value[len(KGR) :])
    assert dict(quoted) == {
        "actp-rf-business-mission-results-s07": {"mikhail-labudin"},  # "We had the opportunity ..."
        "actp-rf-business-mission-results-s08": {
            "mikhail-labudin"
        },  # "More than 20 cooperation agreements ..."
        "actp-rf-business-mission-results-s11": {"yevgeny-kravchenko"},  # "We are on the cusp ..."
        "actp-rf-itc-organizing-committee-s06": {
            "mikhail-labudin"
        },  # "The Association is designed ...", said
        "actp-rf-director-kaluga-meetings-s03": {"mikhail-labudin"},  # "In addition to clusters ...
        "actp-rf-director-kaluga-meetings-s04": {
            "mikhail-labudin"
        },  # ... infrastructure," Mikhail Labudin said.
        "actp-rf-director-kaluga-meetings-s07": {
            "vladimir-popov"
        },  # "I am sure ...," Vladimir Popov comments.
        # the welcoming speech: its speaker is an inference (the quotation follows sentence 7)
        **{f"actp-rf-annual-general-meeting-s{n:02d}": {"nikolay-lyubimov"} for n in range(8, 13)},
    }


def test_the_article_graphs_carry_no_reference_facts(graphs: dict[ox.NamedNode, list[ox.Quad]]) -> None:
    stated_dates = {"2024-09-17", "2024-09-19", "--07-03"}  # the congress; the Kaluga meeting
    for stem in ARTICLES:
        for graph, quads in sentence_graphs(graphs, stem).items():
            for quad in quads:
                if isinstance(quad.object, ox.Literal):
                    assert not CYRILLIC.search(quad.object.value), (graph, quad)
                    if quad.object.datatype.value in DATE_TYPES:
                        assert quad.object.value in stated_dates, (graph, quad)
                assert quad.predicate.value not in (
                    "http://xmlns.com/foaf/0.1/homepage",
                    "https://schema.org/foundingDate",
                    "https://schema.org/url",
                    "https://schema.org/datePublished",
                ), (graph, quad)


def test_no_article_has_a_date(dataset: ox.Dataset) -> None:
    for stem in ARTICLES:
        about_article = [q for q in dataset if q.subject == ox.NamedNode(KGR + stem)]
        assert about_article
        for quad in about_article:
            assert "date" not in quad.predicate.value.lower(), quad
            if isinstance(quad.object, ox.Literal):
                assert quad.object.datatype.value not in DATE_TYPES, quad


def test_a_date_without_a_year_keeps_no_year(dataset: ox.Dataset) -> None:
    """ "On July 3" stays a month and a day: never an xsd:date."""
    meeting = ox.NamedNode(KGR + "actp-rf-director-kaluga-meetings.meeting-labudin-popov")
    dates = {
        (q.predicate.value, q.object.value, q.object.datatype.value)
        for q in dataset
        if q.subject == meeting and isinstance(q.object, ox.Literal) and q.object.datatype.value in DATE_TYPES
    }
    assert dates == {(KGO + "dateWithoutYear", "--07-03", XSD + "gMonthDay")}


def test_reference_graphs_come_from_their_own_sources(graphs: dict[ox.NamedNode, list[ox.Quad]]) -> None:
    references = {g: q for g, q in graphs.items() if REFERENCE_RECORD in values(q, g, RDF_TYPE)}
    assert len(references) >= 12
    articles = {ox.NamedNode(KGR + stem) for stem in ARTICLES}
    for graph, quads in references.items():
        assert graph.value.startswith(KGG + "reference-")
        sources = values(quads, graph, DERIVED_FROM)
        assert not articles & set(sources), f"{graph} attributes a reference fact to an article"
        for source in sources:
            # each source is described in the graph that relies on it
            assert ox.NamedNode(SCHEMA + "WebSite") in values(quads, source, RDF_TYPE)
            assert values(quads, source, ox.NamedNode(SCHEMA + "name"))
            assert values(quads, source, ox.NamedNode(SCHEMA + "url"))


def test_inferences_rest_on_existing_evidence(graphs: dict[ox.NamedNode, list[ox.Quad]]) -> None:
    inferences = {g: q for g, q in graphs.items() if INFERENCE in values(q, g, RDF_TYPE)}
    assert len(inferences) >= 15
    for graph, quads in inferences.items():
        grounds = values(quads, graph, DERIVED_FROM)
        assert grounds, graph
        for ground in grounds:
            assert ground in graphs, f"{graph} rests on {ground}, which is no graph of the data"
            assert kind(graphs[ground], ground) & {SOURCE_SENTENCE, REFERENCE_RECORD}, (graph, ground)


def test_the_identities_are_inferences_not_sentences(graphs: dict[ox.NamedNode, list[ox.Quad]]) -> None:
    """Great Stone is Veliky Kamen, the organizations run their sites, and ACTP RF's other names
    are ACTP RF's: each only in an inference graph."""
    alt = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
    has_site = ox.NamedNode("http://www.w3.org/ns/org#hasSite")
    watched = [
        ox.Quad(
            ox.NamedNode(KGR + "great-stone-industrial-park"), alt, ox.Literal("Veliky Kamen", language="en")
        ),
        ox.Quad(
            ox.NamedNode(KGR + "great-stone-industrial-park-site"),
            alt,
            ox.Literal("Great Stone Industrial Park", language="en"),
        ),
        ox.Quad(
            ox.NamedNode(KGR + "actp-rf"), alt, ox.Literal("ACTP of the Russian Federation", language="en")
        ),
        *(
            ox.Quad(ox.NamedNode(KGR + name), has_site, ox.NamedNode(KGR + name + "-site"))
            for name in (
                "fez-minsk",
                "fez-gomel-raton",
                "technopark-coral",
                "minsk-city-technopark",
                "great-stone-industrial-park",
            )
        ),
    ]
    for triple in watched:
        holders = [g for g, quads in graphs.items() if any(q.triple == triple.triple for q in quads)]
        assert holders, triple
        assert all(kind(graphs[g], g) == {INFERENCE} for g in holders), (triple, holders)


def test_the_site_label_comes_from_the_sentence_that_names_the_site(
    graphs: dict[ox.NamedNode, list[ox.Quad]],
) -> None:
    """Sentence 3 names the organization Great Stone Industrial Park, not its site."""
    s03 = graphs[ox.NamedNode(KGG + "actp-rf-business-mission-results-s03")]
    assert not [q for q in s03 if q.subject == ox.NamedNode(KGR + "great-stone-industrial-park-site")]


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


def test_every_minted_iri_can_be_written_as_a_curie(dataset: ox.Dataset) -> None:
    """Source-bound IRIs are kgr:<source>.<name>; all of them are valid prefixed names."""
    local = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")
    for quad in dataset:
        for term in (quad.subject, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.startswith((KGR, KGG)):
                name = term.value.split("/", 4)[-1]
                assert local.match(name), term
