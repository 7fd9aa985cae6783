"""The parts of a draft before it is written: facts as triples in their sentence's graph, and
the scope every pattern reads (the article, its sentences and mentions, IRIs in use)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.draft import vocabulary as v
from kg.draft.mentions import Mention
from kg.draft.segment import Sentence
from kg.terms import Literal, NamedNode

Object = NamedNode | Literal
Triple3 = tuple[NamedNode, NamedNode, Object]


def iri(value: str) -> NamedNode:
    return NamedNode(value)


@dataclass
class Fact:
    """A candidate fact: its triples, in the graph of sentence ``sentence``."""

    sentence: int
    kind: str
    node: str
    triples: list[Triple3] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    summary: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)  # words the fact consumed

    def add(self, subject: str, predicate: str, obj: Object | str) -> None:
        value = NamedNode(obj) if isinstance(obj, str) else obj
        self.triples.append((NamedNode(subject), NamedNode(predicate), value))


@dataclass
class Scope:
    """What the patterns read: the article, its sentences, every mention, and the kind and
    display label of each entity a mention links to."""

    article: str
    language: str
    slug: str
    document: str
    sentences: list[Sentence]
    mentions: list[Mention]
    kinds: dict[str, str]
    labels: dict[str, str]
    taken: set[str]
    date: str | None = None
    organizations: set[str] = field(default_factory=set)  # places that are organizations too

    def text(self, value: str) -> Literal:
        """A literal in the article's language (``value`` is always the article's text)."""
        return Literal(value, language=self.language)

    def mint(self, local: str) -> str:
        """A new source-bound IRI, ``kgr:<source>.<local>``."""
        minted = v.source_bound_iri(self.slug, local, self.taken)
        self.taken.add(minted)
        return minted

    def sentence(self, number: int) -> Sentence:
        return self.sentences[number - 1]

    def in_sentence(self, number: int, kind: str | None = None) -> list[Mention]:
        return [
            m
            for m in self.mentions
            if m.sentence == number
            and m.entity is not None
            and (kind is None or self.kinds.get(m.entity) == kind)
        ]

    def kind(self, mention: Mention) -> str:
        return self.kinds.get(mention.entity or "", "thing")
