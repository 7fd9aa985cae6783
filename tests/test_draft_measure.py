"""The drafter measured on the four real articles against their curated data in ``data/``.

Each article is drafted against the project without that article's own data file (what the
graph knew before it), and the draft is compared with the curated sentence graphs:

* every curated sentence text comes out of segmentation identical;
* at least 90% of the curated mentions of existing entities are linked, and none wrongly (a
  mention of an entity is a curated sentence graph naming an entity the graph already knew; a
  link is wrong when the curated graph of that sentence, and the inference graphs resting on
  it, do not have that entity);
* every direct quotation is found verbatim, with its speaker where the text names one;
* every date stated in a curated sentence graph is in the draft's graph of that sentence;
* every literal of a draft is a substring of the article, an existing label or the given
  metadata (review notes aside); dates and numbers are values the sentence states.

Run ``python tests/test_draft_measure.py [PROJECT]`` to print the figures for a project.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import kg
from kg.draft import KnownEntities, Metadata, draft_text
from kg.draft.build import Draft
from kg.draft.counts import find_counts
from kg.draft.dates import find_dates
from kg.namespaces import KGO, PROV, SCHEMA, SKOS
from kg.rdfio import parse_file
from kg.terms import Literal, NamedNode, Quad

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SOURCES = ROOT.parent / "shared" / "sources"
ARTICLES = {
    "actp-rf-business-mission-results.txt": "http://akitrf.ru/en/news/actp-rf-business-mission-results/",
    "articles/actp-rf-organizing-committee-international-technological-congress.txt": "https://akitrf.ru/en/news/actp-rf-at-the-meeting-of-the-organizing-committee-of-the-"
    "international-technological-congress/",
    "articles/annual-general-meeting-of-actp-rf-members.txt": "https://akitrf.ru/en/news/the-annual-general-meeting-of-actp-rf-members/",
    "articles/director-meetings-industrial-community-kaluga.txt": "https://www.akitrf.ru/en/news/the-director-of-the-association-held-a-number-of-"
    "meetings-with-the-industrial-community-of-the-kalug/",
}
DATE_PREDICATES = (SCHEMA + "startDate", SCHEMA + "endDate", KGO + "dateWithoutYear")


@dataclass
class Figures:
    article: str
    sentences: int = 0
    identical: int = 0
    mentions: int = 0
    linked: int = 0
    wrong: list[str] = field(default_factory=list)
    unlinked: list[str] = field(default_factory=list)
    quotations: int = 0
    verbatim: int = 0
    speakers: int = 0
    speakers_found: int = 0
    dates: int = 0
    dates_found: int = 0
    literals: int = 0
    unsupported: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"{self.article}: sentences {self.identical}/{self.sentences}, mentions linked "
            f"{self.linked}/{self.mentions} ({100 * self.linked / max(self.mentions, 1):.0f}%), "
            f"wrong {len(self.wrong)}, quotations verbatim {self.verbatim}/{self.quotations}, "
            f"speakers {self.speakers_found}/{self.speakers}, dates {self.dates_found}/"
            f"{self.dates}, literals {self.literals - len(self.unsupported)}/{self.literals} "
            f"supported, {self.seconds * 1000:.0f} ms"
        )


def curated_sources(root: Path) -> dict[str, str]:
    """Article file -> source IRI, for the shared articles whose curated data ``root`` has."""
    found: dict[str, str] = {}
    project = kg.open_project(root)
    for name, url in ARTICLES.items():
        rows = project.query(
            f"SELECT ?s WHERE {{ ?s a schema:NewsArticle ; schema:url <{url}> . "
            "?g prov:wasDerivedFrom ?s ; a kgo:SourceSentence }"
        ).rows
        if rows and rows[0][0] is not None:
            found[name] = rows[0][0].value
    return found


def _entities(quads: list[Quad], known: KnownEntities) -> set[str]:
    out = set()
    for quad in quads:
        for term in (quad.subject, quad.object):
            if isinstance(term, NamedNode) and term.value in known.entities:
                out.add(term.value)
    return out


def measure(root: Path, name: str, source: str) -> Figures:
    figures = Figures(name.rsplit("/", 1)[-1].removesuffix(".txt"))
    by_file = {path: parse_file(path) for path in kg.open_project(root).files.data_files()}
    every = [q for quads in by_file.values() for q in quads]
    graphs: dict[str, list[Quad]] = defaultdict(list)
    for quad in every:
        if isinstance(quad.graph_name, NamedNode):
            graphs[quad.graph_name.value].append(quad)
    sentence_graphs = {}
    for graph, quads in graphs.items():
        record = {q.predicate.value: q.object for q in quads if q.subject.value == graph}
        if record.get(PROV + "wasDerivedFrom") == NamedNode(source) and KGO + "sentenceNumber" in record:
            sentence_graphs[int(record[KGO + "sentenceNumber"].value)] = graph
    resting_on = defaultdict(set)
    for quad in every:
        if quad.predicate.value == PROV + "wasDerivedFrom" and quad.subject == quad.graph_name:
            resting_on[quad.object.value].add(quad.subject.value)
    own = {
        path
        for path, quads in by_file.items()
        if any(
            isinstance(q.graph_name, NamedNode) and q.graph_name.value in sentence_graphs.values()
            for q in quads
        )
    }
    with tempfile.TemporaryDirectory() as folder:
        before = Path(folder)
        for part in ("ontology", "queries"):
            shutil.copytree(root / part, before / part)
        for path in by_file:
            if path not in own:
                target = before / "data" / path.relative_to(root / "data")
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, target)
        (before / "data").mkdir(exist_ok=True)
        known = KnownEntities.from_project(kg.open_project(before))
    article = (SOURCES / name).read_text(encoding="utf-8")
    started = time.perf_counter()
    draft = draft_text(article, Metadata(url=ARTICLES[name]), known, source.rsplit("/", 1)[-1])
    figures.seconds = time.perf_counter() - started
    _sentences(figures, draft, graphs, sentence_graphs)
    _mentions(figures, draft, graphs, sentence_graphs, resting_on, known)
    _quotations(figures, draft, every, graphs, sentence_graphs)
    _dates(figures, draft, graphs, sentence_graphs)
    _literals(figures, draft, article, known)
    return figures


def _sentences(
    figures: Figures, draft: Draft, graphs: dict[str, list[Quad]], sentence_graphs: dict[int, str]
) -> None:
    drafted = {s.number: s.text for s in draft.sentences}
    for number, graph in sentence_graphs.items():
        text = next(
            q.object.value
            for q in graphs[graph]
            if q.subject.value == graph and q.predicate.value == KGO + "sentenceText"
        )
        figures.sentences += 1
        figures.identical += drafted.get(number) == text
    figures.sentences += len(set(drafted) - set(sentence_graphs))


def _mentions(
    figures: Figures,
    draft: Draft,
    graphs: dict[str, list[Quad]],
    sentence_graphs: dict[int, str],
    resting_on: dict[str, set[str]],
    known: KnownEntities,
) -> None:
    for number, graph in sentence_graphs.items():
        curated = _entities(graphs[graph], known)
        allowed = set(curated)
        for inference in resting_on.get(graph, ()):
            allowed |= _entities(graphs[inference], known)
        linked = {m.entity for m in draft.linked if m.sentence == number}
        # the speaker of a sentence of speech is in its graph without being named there
        linked |= _entities([q for q in draft.quads if q.graph_name.value == draft.graph(number)], known)
        for entity in sorted(curated):
            figures.mentions += 1
            if entity in linked or known.sites.get(entity) in linked:
                figures.linked += 1
            else:
                figures.unlinked.append(f"s{number:02d} {entity}")
        for entity in sorted(e for e in linked if e is not None):
            sites = {s for s, org in known.sites.items() if org == entity}
            if entity not in allowed and not sites & allowed:
                figures.wrong.append(f"s{number:02d} {entity}")


def _quotations(
    figures: Figures,
    draft: Draft,
    every: list[Quad],
    graphs: dict[str, list[Quad]],
    sentence_graphs: dict[int, str],
) -> None:
    creators = defaultdict(set)
    for quad in every:
        if quad.predicate.value == SCHEMA + "creator":
            creators[quad.subject.value].add(quad.object.value)
    drafted: dict[tuple[int, str], set[str]] = defaultdict(set)
    for fact in draft.facts:
        if fact.kind == "quotation":
            texts = [o.value for _, p, o in fact.triples if p.value == SCHEMA + "text"]
            who = {o.value for _, p, o in fact.triples if p.value == SCHEMA + "creator"}
            drafted[(fact.sentence, texts[0])] |= who
    for number, graph in sentence_graphs.items():
        for quad in graphs[graph]:
            if quad.predicate.value != KGO + "speechMode" or quad.object.value != KGO + "DirectSpeech":
                continue
            node = quad.subject.value
            text = next(
                q.object.value
                for q in graphs[graph]
                if q.subject.value == node and q.predicate.value == SCHEMA + "text"
            )
            figures.quotations += 1
            found = (number, text) in drafted
            figures.verbatim += found
            if creators[node]:
                figures.speakers += 1
                figures.speakers_found += found and bool(drafted[(number, text)] & creators[node])


def _dates(
    figures: Figures, draft: Draft, graphs: dict[str, list[Quad]], sentence_graphs: dict[int, str]
) -> None:
    drafted = {(q.graph_name.value, q.predicate.value, q.object.value) for q in draft.quads}
    for number, graph in sentence_graphs.items():
        for quad in graphs[graph]:
            if quad.predicate.value in DATE_PREDICATES:
                figures.dates += 1
                figures.dates_found += (
                    draft.graph(number),
                    quad.predicate.value,
                    quad.object.value,
                ) in drafted


def _literals(figures: Figures, draft: Draft, article: str, known: KnownEntities) -> None:
    labels = {text for entity in known.entities.values() for text, _ in entity.labels}
    metadata = {draft.metadata.url, draft.metadata.language, draft.headline or ""}
    stated: dict[str, set[str]] = {}
    for sentence in draft.sentences:
        values = {str(sentence.number), "true"}
        for date in find_dates(sentence.text):
            values |= {date.first(), date.last() or ""}
        for count in find_counts(sentence.text):
            values |= {str(count.value), str(count.value + 1), str(count.value - 1)}
        stated[draft.graph(sentence.number)] = values
    for quad in draft.quads:
        obj = quad.object
        if not isinstance(obj, Literal) or quad.predicate.value == SKOS + "editorialNote":
            continue
        figures.literals += 1
        plain = obj.language or obj.datatype.value.endswith("#string")
        if plain and (obj.value in article or obj.value in labels or obj.value in metadata):
            continue
        if not plain and obj.value in stated.get(quad.graph_name.value, set()):
            continue
        figures.unsupported.append(f"{quad.predicate.value} {obj.value!r}")


def measure_all(root: Path) -> list[Figures]:
    return [measure(root, name, source) for name, source in curated_sources(root).items()]


def test_the_four_articles_are_curated_in_data() -> None:
    """The measurement needs the curated data of all four articles in this project."""
    assert sorted(curated_sources(ROOT)) == sorted(ARTICLES)


def test_drafts_measured_against_the_curated_data() -> None:
    figures = measure_all(ROOT)
    assert figures, "no curated article found in data/"
    for item in figures:
        print(item.line())
    total = Figures("all four" if len(figures) == 4 else f"{len(figures)} article(s)")
    for item in figures:
        for name in (
            "sentences",
            "identical",
            "mentions",
            "linked",
            "quotations",
            "verbatim",
            "speakers",
            "speakers_found",
            "dates",
            "dates_found",
            "literals",
        ):
            setattr(total, name, getattr(total, name) + getattr(item, name))
        total.wrong += item.wrong
        total.unsupported += item.unsupported
        total.seconds = max(total.seconds, item.seconds)
    print(total.line())
    assert total.identical == total.sentences
    assert total.linked >= 0.9 * total.mentions
    assert total.wrong == []
    assert total.verbatim == total.quotations
    assert total.speakers_found == total.speakers
    assert total.dates_found == total.dates
    assert total.unsupported == []
    assert total.seconds < 1.0


if __name__ == "__main__":
    for figure in measure_all(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT):
        print(figure.line())
        for label, items in (
            ("unlinked", figure.unlinked),
            ("wrong", figure.wrong),
            ("unsupported", figure.unsupported),
        ):
            for item in items:
                print(f"    {label}: {item}")
    pytest.main  # noqa: B018 - keeps the import for the test functions above
