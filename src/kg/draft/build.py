"""From an article's text to the quads of its draft.

The source document and one graph per sentence; in each sentence's graph its record (text,
number, source, speech marks), the candidate entities first named there and the candidate
facts it states. Every sentence graph and every candidate entity carries the review mark;
notes for the reviewer are ``skos:editorialNote`` on the node they are about.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kg.draft import vocabulary as v
from kg.draft.article import Metadata
from kg.draft.candidates import Candidate
from kg.draft.counts import count_facts
from kg.draft.events import event_facts
from kg.draft.facts import agreement_facts, post_facts, variant_facts
from kg.draft.known import KnownEntities
from kg.draft.mentions import Mention
from kg.draft.model import Fact, Scope
from kg.draft.quotes import find_quotations
from kg.draft.resolve import resolve
from kg.draft.segment import Sentence, looks_like_headline, paragraphs, segment
from kg.draft.speech import Speech, find_speech, quotation_facts
from kg.terms import Literal, NamedNode, Quad

_TRUE = Literal("true", datatype=NamedNode(v.XSD_BOOLEAN))


@dataclass
class Draft:
    """A drafted article: its quads, and what the review summary reports."""

    slug: str
    document: str
    metadata: Metadata
    sentences: list[Sentence]
    mentions: list[Mention]
    candidates: list[Candidate]
    facts: list[Fact]
    speech: list[Speech]
    headline: str | None
    quads: list[Quad] = field(default_factory=list)

    def graph(self, number: int) -> str:
        return v.sentence_graph_iri(self.slug, number)

    @property
    def linked(self) -> list[Mention]:
        return [m for m in self.mentions if m.entity is not None and not m.candidate]

    @property
    def ambiguous(self) -> list[Mention]:
        return [m for m in self.mentions if m.ambiguous]


def _headline(text: str, metadata: Metadata) -> tuple[bool, str | None, bool]:
    """Whether the first line is the headline, the headline, and whether it was given."""
    lines = paragraphs(text)
    first = lines[0][1] if lines else ""
    if metadata.headline is not None:
        return first == metadata.headline.strip(), metadata.headline.strip(), True
    if looks_like_headline(text):
        return True, first, False
    return False, None, False


def draft_article(text: str, metadata: Metadata, known: KnownEntities, slug: str) -> Draft:
    """The draft of ``text``: sentences, mentions, candidates and facts, as quads."""
    is_headline, headline, given = _headline(text, metadata)
    sentences = segment(text, headline=is_headline)
    document = v.document_iri(slug)
    taken = set(known.taken) | {document}
    resolution = resolve(sentences, text, known, slug, metadata.language, taken)
    scope = Scope(
        text,
        metadata.language,
        slug,
        document,
        sentences,
        resolution.mentions,
        resolution.kinds,
        resolution.labels,
        taken,
        metadata.date,
        {c.iri for c in resolution.candidates if _class_of(c, known) == v.FEDERAL_SUBJECT},
    )
    facts: list[Fact] = []
    for sentence in sentences:
        facts.extend(post_facts(scope, sentence.number))
        facts.extend(agreement_facts(scope, sentence.number))
        found, events = event_facts(scope, sentence.number)
        facts.extend(found)
        facts.extend(count_facts(scope, sentence.number, events))
    _drop_inside_titles(resolution.candidates, resolution.mentions, facts)
    speech = find_speech(scope, find_quotations(text))
    for found_speech in speech:
        facts.extend(quotation_facts(scope, found_speech))
    facts.extend(variant_facts(scope, known))
    facts.sort(key=lambda f: f.sentence)
    draft = Draft(
        slug,
        document,
        metadata,
        sentences,
        resolution.mentions,
        resolution.candidates,
        facts,
        speech,
        headline,
    )
    draft.quads = _quads(draft, scope, known, needs_review_document=not given and headline is not None)
    return draft


def _class_of(candidate: Candidate, known: KnownEntities) -> str:
    """The candidate's class: a finer one its head word calls for, where the project's
    vocabulary declares it, else the class of its kind."""
    head = candidate.label.split()[-1].lower() if candidate.label.split() else ""
    finer = v.CLASS_BY_HEAD.get(head)
    return finer if finer is not None and known.declares(finer) else v.KIND_CLASSES[candidate.kind]


def _drop_inside_titles(candidates: list[Candidate], mentions: list[Mention], facts: list[Fact]) -> None:
    """A name inside a post's title ("Head of the International Cooperation … Department of
    the ACTP RF") is part of the title, not a new organization."""
    titles = [span for fact in facts for span in fact.spans]
    inside = [m for m in mentions if m.candidate and any(s <= m.start and m.end <= e for s, e in titles)]
    for mention in inside:
        if all(
            any(s <= m.start and m.end <= e for s, e in titles)
            for m in mentions
            if m.entity == mention.entity
        ):
            candidates[:] = [c for c in candidates if c.iri != mention.entity]
    for mention in inside:
        mentions.remove(mention)


def _quads(draft: Draft, scope: Scope, known: KnownEntities, *, needs_review_document: bool) -> list[Quad]:
    out: list[Quad] = []
    minted = {c.iri for c in draft.candidates} | {f.node for f in draft.facts}

    def add(graph: str, subject: str, predicate: str, obj: NamedNode | Literal | str) -> None:
        value = NamedNode(obj) if isinstance(obj, str) else obj
        out.append(Quad(NamedNode(subject), NamedNode(predicate), value, NamedNode(graph)))

    first = draft.graph(1) if draft.sentences else draft.graph(0)
    meta = draft.metadata
    add(first, draft.document, v.TYPE, v.NEWS_ARTICLE)
    add(first, draft.document, v.URL, meta.url)
    add(first, draft.document, v.IN_LANGUAGE, Literal(meta.language))
    if draft.headline is not None:
        add(first, draft.document, v.HEADLINE, Literal(draft.headline))
    if meta.publisher is not None:
        add(first, draft.document, v.PUBLISHER, meta.publisher)
    if meta.date is not None:
        add(first, draft.document, v.DATE_PUBLISHED, Literal(meta.date, datatype=NamedNode(v.XSD_DATE)))
    if needs_review_document:
        add(first, draft.document, v.NEEDS_REVIEW, _TRUE)
        add(
            first,
            draft.document,
            v.EDITORIAL_NOTE,
            Literal("the headline is the article's first line: check that it is one"),
        )

    speakers: dict[int, set[str]] = defaultdict(set)
    for speech in draft.speech:
        if speech.direct and speech.speaker is not None and speech.speaker.entity:
            for number in speech.sentences:
                speakers[number].add(speech.speaker.entity)
    for sentence in draft.sentences:
        graph = draft.graph(sentence.number)
        add(graph, graph, v.TYPE, v.SOURCE_SENTENCE)
        add(graph, graph, v.NEEDS_REVIEW, _TRUE)
        add(graph, graph, v.DERIVED_FROM, draft.document)
        add(graph, graph, v.SENTENCE_NUMBER, Literal(str(sentence.number), datatype=NamedNode(v.XSD_INTEGER)))
        add(graph, graph, v.SENTENCE_TEXT, scope.text(sentence.text))
        for speaker in sorted(speakers[sentence.number]):
            add(graph, graph, v.QUOTED_FROM, speaker)
        for mention in draft.mentions:
            if mention.sentence == sentence.number:
                for note in mention.notes:
                    add(graph, graph, v.EDITORIAL_NOTE, Literal(note))

    for candidate in draft.candidates:
        graph = draft.graph(candidate.sentence)
        node = candidate.iri
        add(graph, node, v.TYPE, _class_of(candidate, known))
        add(graph, node, v.NEEDS_REVIEW, _TRUE)
        if candidate.kind == "person":
            add(graph, node, v.NAME, Literal(candidate.label))  # a name has no language
        else:
            add(graph, node, v.PREF_LABEL, scope.text(candidate.label))
        for spelling in candidate.spellings:
            if spelling != candidate.label:
                add(graph, node, v.ALT_LABEL, scope.text(spelling))
        for iri, text, score in candidate.near:
            add(
                graph,
                node,
                v.EDITORIAL_NOTE,
                Literal(
                    f'near-duplicate of <{iri}> "{text}" (similarity {score:.0f}): '
                    "if it is the same, use that IRI and delete this node"
                ),
            )

    for fact in draft.facts:
        graph = draft.graph(fact.sentence)
        for subject, predicate, obj in fact.triples:
            out.append(Quad(subject, predicate, obj, NamedNode(graph)))
            if fact.kind == "event" and predicate.value == v.TYPE:
                add(graph, fact.node, v.NEEDS_REVIEW, _TRUE)
        target = fact.node if fact.node in minted and fact.triples else graph
        for note in fact.notes:
            add(graph, target, v.EDITORIAL_NOTE, Literal(note))
    return list(dict.fromkeys(out))
