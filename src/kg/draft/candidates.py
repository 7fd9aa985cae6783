"""Candidate new entities: names in the text that the graph does not know yet.

A name is a run of capitalized words (joined by "of", "the", "and", "for") that no known
mention covers. Its kind comes from its head word, the last word before any "of": "Committee"
makes an organization, "Region" a place, "Congress" an event. Two or three plain capitalized
words are a person when a title or a speech verb stands beside them ("Vladimir Popov, Deputy
Governor", "said Timofey Buneev"). A title in front ("Head of the Ryazan Region Nikolay
Lyubimov") is cut off and the person after a place or organization split from it. Spellings of
one candidate within the article are merged; each candidate is checked against the known
labels with ``rapidfuzz``, and a near-duplicate is kept for the review note.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from kg.draft.known import KnownEntities
from kg.draft.mentions import Mention, Word, words
from kg.draft.names import name_key, strip_article
from kg.draft.quotes import SPEECH_VERBS
from kg.draft.segment import Sentence

EVENT_HEADS = frozenset(
    {
        "congress",
        "meeting",
        "conference",
        "forum",
        "session",
        "summit",
        "exhibition",
        "mission",
        "visit",
        "seminar",
        "workshop",
        "festival",
        "expo",
        "fair",
        "week",
        "assembly",
    }
)
ORGANIZATION_HEADS = frozenset(
    {
        "association",
        "committee",
        "ministry",
        "government",
        "agency",
        "union",
        "alliance",
        "corporation",
        "company",
        "council",
        "department",
        "technopark",
        "cluster",
        "university",
        "institute",
        "bank",
        "fund",
        "foundation",
        "chamber",
        "administration",
        "office",
        "service",
        "group",
        "holding",
        "duma",
        "parliament",
        "centre",
        "center",
        "organization",
        "organisation",
        "brics",
        "zone",
        "park",
        "authority",
        "society",
        "club",
        "board",
    }
)
PLACE_HEADS = frozenset(
    {
        "region",
        "district",
        "oblast",
        "krai",
        "republic",
        "city",
        "territory",
        "town",
        "village",
        "hotel",
        "province",
        "county",
        "state",
        "country",
        "street",
        "square",
    }
)
TITLE_WORDS = frozenset(
    {
        "director",
        "head",
        "deputy",
        "governor",
        "chairman",
        "chairwoman",
        "chair",
        "minister",
        "president",
        "vice",
        "ceo",
        "manager",
        "secretary",
        "advisor",
        "adviser",
        "mayor",
        "rector",
        "founder",
        "chief",
        "executive",
        "coordinator",
        "leader",
        "general",
        "first",
        "senior",
    }
)
_CONNECTORS = frozenset({"of", "the", "and", "for"})
_SENTENCE_OPENERS = frozenset(
    {
        "the",
        "a",
        "an",
        "on",
        "in",
        "also",
        "among",
        "during",
        "according",
        "however",
        "today",
        "many",
        "it",
        "this",
        "these",
        "those",
        "we",
        "i",
        "as",
        "after",
        "before",
        "summing",
        "our",
        "their",
        "his",
        "her",
        "its",
        "at",
        "by",
        "with",
        "from",
        "to",
        "for",
        "since",
        "while",
        "when",
        "then",
        "there",
        "here",
        "moreover",
        "furthermore",
        "besides",
    }
)
_BREAKS = re.compile(r"[,;:()«»“”\"„!?]|\.\s")
NEAR_DUPLICATE = 85.0


@dataclass
class Candidate:
    """A new entity the draft proposes: its IRI, its label (from the text), where it was seen."""

    iri: str
    label: str
    kind: str
    sentence: int
    spellings: list[str] = field(default_factory=list)
    near: list[tuple[str, str, float]] = field(default_factory=list)  # (iri, label, score)


@dataclass(frozen=True)
class Name:
    sentence: int
    start: int
    end: int
    text: str
    kind: str


def head_word(text: str) -> str:
    before_of = re.split(r"\s+of\s+", text, maxsplit=1)[0]
    parts = before_of.split()
    return parts[-1].lower() if parts else ""


def kind_of(text: str) -> str | None:
    head = head_word(text)
    if head in EVENT_HEADS:
        return "event"
    if head in ORGANIZATION_HEADS:
        return "organization"
    if head in PLACE_HEADS:
        return "place"
    return None


def _name_like(word: Word) -> bool:
    return word.text[:1].isupper()


def _runs(sentence: Sentence, article: str, covered: Sequence[tuple[int, int]]) -> list[list[Word]]:
    items = words(article[sentence.start : sentence.end], sentence.start)
    runs: list[list[Word]] = []
    current: list[Word] = []
    for index, word in enumerate(items):
        inside = any(s <= word.start < e for s, e in covered)
        gap = article[current[-1].end : word.start] if current else ""
        if current and (inside or _BREAKS.search(gap) or "\n" in gap):
            runs.append(current)
            current = []
        if inside:
            continue
        if _name_like(word):
            current.append(word)
        elif word.text.lower() in _CONNECTORS and current:
            ahead = index + 1
            while ahead < len(items) and items[ahead].text.lower() in _CONNECTORS:
                ahead += 1
            following = items[ahead] if ahead < len(items) else None
            if (
                following is not None
                and _name_like(following)
                and not any(s <= following.start < e for s, e in covered)
            ):
                current.append(word)
            else:
                runs.append(current)
                current = []
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    cleaned: list[list[Word]] = []
    for run in runs:
        while run and run[-1].text.lower() in _CONNECTORS:
            run = run[:-1]
        if run and run[0].start == sentence.start and run[0].text.lower() in _SENTENCE_OPENERS:
            run = run[1:]
        while run and run[0].text.lower() in _CONNECTORS:
            run = run[1:]
        if run:
            cleaned.append(run)
    return cleaned


def _strip_title(run: list[Word]) -> list[Word]:
    """Cut a title in front of a name: "Deputy Governor of the Kaluga Region" gives the region."""
    index = 0
    while index < len(run) and run[index].text.lower() in TITLE_WORDS:
        index += 1
    if index and index < len(run) and run[index].text.lower() in _CONNECTORS:
        while index < len(run) and run[index].text.lower() in _CONNECTORS:
            index += 1
        return run[index:]
    return run


def _person_context(article: str, sentence: Sentence, start: int, end: int) -> bool:
    after = article[end : sentence.end]
    before = article[sentence.start : start]
    title = re.match(r",\s+(?:the\s+)?(\w+)", after)
    if title and title.group(1).lower() in TITLE_WORDS:
        return True
    verbs = "|".join((*SPEECH_VERBS, "spoke", "addressed", "took", "met", "signed"))
    if re.match(rf"\s+({verbs})\b", after) or re.search(rf"\b({verbs})\s*$", before):
        return True
    return bool(re.search(r"\b(between|and|by|with)\s*$", before)) and bool(re.match(r",\s", after))


_NOT_NAMES = frozenset(
    {
        "decree",
        "no",
        "law",
        "order",
        "resolution",
        "program",
        "programme",
        "project",
        "plan",
        "strategy",
        "code",
    }
)


def _person(run: list[Word]) -> bool:
    return 2 <= len(run) <= 3 and all(
        w.text.isalpha()
        and w.text[:1].isupper()
        and w.text[1:].islower()
        and w.text.lower() not in _NOT_NAMES | TITLE_WORDS | EVENT_HEADS | ORGANIZATION_HEADS | PLACE_HEADS
        for w in run
    )


def find_names(sentence: Sentence, article: str, covered: Sequence[tuple[int, int]]) -> list[Name]:
    """The new names of a sentence, with their kinds ("" when the name gives none)."""
    names: list[Name] = []
    for raw in _runs(sentence, article, covered):
        run = _strip_title(raw)
        if not run:
            continue
        # a person after a place or organization: "the Ryazan Region Nikolay Lyubimov"
        for cut in range(1, len(run) - 1):
            if (
                kind_of(" ".join(w.text for w in run[:cut])) in ("place", "organization")
                and _person(run[cut:])
                and _person_context(article, sentence, run[cut].start, run[-1].end)
            ):
                names.append(
                    _name(
                        sentence,
                        article,
                        run[:cut],
                        kind_of(" ".join(w.text for w in run[:cut])) or "organization",
                    )
                )
                run = run[cut:]
                names.append(_name(sentence, article, run, "person"))
                run = []
                break
        if not run:
            continue
        text = article[run[0].start : run[-1].end]
        kind = kind_of(text)
        if len(run) == 1 and text.lower() in EVENT_HEADS | ORGANIZATION_HEADS | PLACE_HEADS:
            continue  # a bare head noun ("the Association") refers back; see kg.draft.resolve
        if kind == "event" and _in_title(article, sentence, run[0].start):
            continue  # a quoted title names the event itself
        if kind is None and _person(run) and _person_context(article, sentence, run[0].start, run[-1].end):
            kind = "person"
        if (
            kind is None
            and len(run) == 1
            and re.search(r"\b(in|to|from)\s+$", article[sentence.start : run[0].start])
            and run[0].text.isalpha()
        ):
            kind = "place"
        names.append(_name(sentence, article, run, kind or ""))
    return names


def _in_title(article: str, sentence: Sentence, offset: int) -> bool:
    before = article[sentence.start : offset]
    return (
        any(before.count(o) > before.count(c) for o, c in (("«", "»"), ("“", "”")))
        or before.count('"') % 2 == 1
    )


def _name(sentence: Sentence, article: str, run: list[Word], kind: str) -> Name:
    start, end = run[0].start, run[-1].end
    text = article[start:end]
    if text.lower().startswith("the "):
        start += 4
        text = text[4:]
    return Name(sentence.number, start, end, text, kind)


def _similarity(a: str, b: str, **_: object) -> float:
    """Token-sort similarity; or the best partial match when the names are of like length
    ("Great Stone Industrial Parks Administration" and "Great Stone Industrial Park"), never
    a short name inside a long one ("Russia" in "Ministry of Industry and Trade of Russia")."""
    score = fuzz.token_sort_ratio(a, b)
    shorter, longer = sorted((len(a), len(b)))
    if longer and shorter / longer >= 0.6:
        score = max(score, fuzz.partial_ratio(a, b))
    return float(score)


def near_duplicates(label: str, known: KnownEntities, limit: int = 3) -> list[tuple[str, str, float]]:
    """Known entities whose labels are close to ``label`` (``rapidfuzz`` over name keys), best first."""
    choices: dict[str, tuple[str, str]] = {}
    for entity in known.entities.values():
        for text, _ in entity.labels:
            choices.setdefault(f"{entity.iri}\t{text}", (entity.iri, text))
    keys = {item: name_key(text) for item, (_, text) in choices.items()}
    found = process.extract(
        name_key(label), keys, scorer=_similarity, score_cutoff=NEAR_DUPLICATE, limit=limit * 3
    )
    best: dict[str, tuple[str, str, float]] = {}
    for _, score, item in found:
        iri, text = choices[item]
        if iri not in best or best[iri][2] < score:
            best[iri] = (iri, text, float(score))
    return sorted(best.values(), key=lambda t: (-t[2], t[0]))[:limit]


def same_candidate(a: str, b: str) -> bool:
    """Two spellings of one new name in an article: "International Technology Congress" and
    "International Technological Congress", "General Meeting" and "General Meeting of
    Members"."""
    key_a, key_b = name_key(strip_article(a)), name_key(strip_article(b))
    if key_a == key_b:
        return True
    if head_word(a).lower() != head_word(b).lower():
        return False
    shorter, longer = sorted((key_a, key_b), key=len)
    return longer.startswith(shorter + " ") or fuzz.ratio(key_a, key_b) >= 88


def mention_for(name: Name, iri: str) -> Mention:
    return Mention(name.sentence, name.start, name.end, name.text, entity=iri, how="new", candidate=True)
