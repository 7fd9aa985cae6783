"""Mentions of entities the graph already knows, found by their names and name variants.

Each window of words in a sentence is looked up by its name key (:mod:`kg.draft.names`), the
longest first, so "the Republic of Belarus" wins over "Belarus". A window is a mention only at a
name's edges: "Kaluga" inside "Kaluga Region" is not the city. A key shared by several entities
is ambiguous and stays unlinked, with its candidates listed, unless they are one organization
and its site (then the organization is linked and the site named in a note). Person names also
match by their romanization key (Yevgeny/Evgeny, Cyrillic), and a surname alone links to the
person named in full earlier in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kg.draft.known import KnownEntities
from kg.draft.names import name_key, person_key
from kg.draft.segment import Sentence

_WORD = re.compile(r"[^\W_][\w'’.-]*[^\W_]|[^\W_]", re.UNICODE)
_TITLES = frozenset(
    {
        "director",
        "head",
        "deputy",
        "governor",
        "chairman",
        "minister",
        "president",
        "mayor",
        "rector",
        "chief",
        "secretary",
        "members",
        "member",
    }
)
_SMALL = frozenset({"the", "of", "and", "at", "in", "for", "a", "an", "&"})


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int

    @property
    def small(self) -> bool:
        return self.text.lower() in _SMALL


@dataclass
class Mention:
    """A span of a sentence naming an entity: linked (``entity``) or ambiguous (``choices``)."""

    sentence: int
    start: int
    end: int
    text: str
    entity: str | None = None
    choices: tuple[str, ...] = ()
    how: str = "label"
    notes: list[str] = field(default_factory=list)
    candidate: bool = False  # the entity is a candidate minted by this draft

    @property
    def ambiguous(self) -> bool:
        return self.entity is None and len(self.choices) > 1


def words(text: str, offset: int = 0) -> list[Word]:
    """The words of ``text`` with their offsets (``offset`` added); a trailing full stop of an
    abbreviation-free word is not part of it."""
    found: list[Word] = []
    for match in _WORD.finditer(text):
        token = match.group(0)
        end = match.end()
        while token and token[-1] in ".-'’":
            token = token[:-1]
            end -= 1
        if token[-2:] in ("'s", "’s"):
            token = token[:-2]
            end -= 2
        if token:
            found.append(Word(token, offset + match.start(), offset + end))
    return found


def _at_edges(sentence_words: Sequence[Word], first: int, last: int, article: str) -> bool:
    """A name ends where the capitalized run ends: no capitalized word joined by a space (in a
    sentence written in capitals, such as a headline, capitals mark nothing)."""
    if all(w.text.isupper() or not w.text.isalpha() for w in sentence_words):
        return True
    if last + 1 < len(sentence_words):
        following = sentence_words[last + 1]
        gap = article[sentence_words[last].end : following.start]
        if gap == " " and following.text[:1].isupper():
            return False
    if first > 1 and sentence_words[first - 1].text == "of":
        owner = sentence_words[first - 2]
        if owner.text.lower() == "the" and first > 2:
            owner = sentence_words[first - 3]
        if owner.text[:1].isupper() and owner.text.lower() not in _TITLES:
            return False  # "Ministry of Industry and Trade of Russia" is not Russia
    if first > 0 and last == first:
        preceding = sentence_words[first - 1]
        gap = article[preceding.end : sentence_words[first].start]
        if gap == " " and preceding.text[:1].isupper() and first - 1 > 0:
            return False
    return True


def link_sentence(sentence: Sentence, article: str, known: KnownEntities) -> list[Mention]:
    """The mentions of known entities in ``sentence``, longest first, never overlapping."""
    sentence_words = words(article[sentence.start : sentence.end], sentence.start)
    limit = known.max_words() + 3
    taken = [False] * len(sentence_words)
    mentions: list[Mention] = []
    spans = [
        (i, j)
        for i in range(len(sentence_words))
        for j in range(min(len(sentence_words), i + limit) - 1, i - 1, -1)
    ]
    spans.sort(key=lambda span: (-(span[1] - span[0]), span[0]))
    for first, last in spans:
        if any(taken[first : last + 1]):
            continue
        if sentence_words[first].small or sentence_words[last].small:
            continue
        if not sentence_words[first].text[:1].isupper() and not sentence_words[first].text.isupper():
            continue
        start, end = sentence_words[first].start, sentence_words[last].end
        text = article[start:end]
        if any(mark in text for mark in '«»“”"„:;()'):
            continue
        choices = _lookup(text, known)
        if not choices or not _at_edges(sentence_words, first, last, article):
            continue
        mention = _resolve(Mention(sentence.number, start, end, text), choices, known)
        mention.how = "label" if any(text == label for label, _ in _labels(choices, known)) else mention.how
        mentions.append(mention)
        for index in range(first, last + 1):
            taken[index] = True
    return sorted(mentions, key=lambda m: m.start)


def _labels(choices: Iterable[str], known: KnownEntities) -> list[tuple[str, str]]:
    return [label for iri in choices for label in known.entities[iri].labels]


def _lookup(text: str, known: KnownEntities) -> set[str]:
    key = name_key(text)
    found = set(known.by_key.get(key, ()))
    if not found and len(key.split()) >= 2:
        found = set(known.by_person_key.get(person_key(text), ()))
        found |= known.by_cyrillic_key.get(person_key(text), set())
    return found


def _resolve(mention: Mention, choices: set[str], known: KnownEntities) -> Mention:
    variant = "variant"
    if len(choices) == 1:
        mention.entity = next(iter(choices))
        mention.how = (
            variant
            if known.entities[mention.entity].kind != "person" or name_key(mention.text) in known.by_key
            else "transliteration"
        )
        return mention
    organizations = {known.sites.get(iri, iri) for iri in choices}
    if len(organizations) == 1:
        organization = next(iter(organizations))
        mention.entity = organization
        mention.how = variant
        sites = sorted(iri for iri in choices if iri != organization)
        mention.notes.append(
            f"names the organization <{organization}> and also its site " + ", ".join(f"<{s}>" for s in sites)
        )
        return mention
    mention.choices = tuple(sorted(choices))
    mention.how = "ambiguous"
    mention.notes.append(
        f'ambiguous: "{mention.text}" may name ' + " or ".join(f"<{c}>" for c in mention.choices)
    )
    return mention


def link_surnames(
    sentences: Sequence[Sentence], article: str, mentions: list[Mention], persons: dict[str, str]
) -> list[Mention]:
    """A surname alone ("Labudin") links to the person named in full earlier in the text.

    ``persons`` maps each person entity mentioned so far to the name it was mentioned by."""
    added: list[Mention] = []
    for sentence in sentences:
        covered = [(m.start, m.end) for m in mentions if m.sentence == sentence.number]
        earlier = {
            iri: name
            for iri, name in persons.items()
            if any(m.entity == iri and m.sentence <= sentence.number for m in mentions)
        }
        by_surname: dict[str, set[str]] = {}
        for iri, name in earlier.items():
            parts = name.split()
            if len(parts) >= 2:
                by_surname.setdefault(parts[-1], set()).add(iri)
        for word in words(article[sentence.start : sentence.end], sentence.start):
            if any(s <= word.start < e for s, e in covered):
                continue
            iris = by_surname.get(word.text)
            if not iris:
                continue
            mention = Mention(sentence.number, word.start, word.end, word.text, how="surname")
            if len(iris) == 1:
                mention.entity = next(iter(iris))
            else:
                mention.choices = tuple(sorted(iris))
                mention.notes.append(
                    f'ambiguous: "{word.text}" may name ' + " or ".join(f"<{c}>" for c in mention.choices)
                )
            added.append(mention)
    return added
