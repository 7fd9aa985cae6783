"""Quotations with their speakers, direct and reported.

Direct speech is a quoted span that is speech (:mod:`kg.draft.quotes`), or the sentences of a
paragraph closed by a sentence that is only "NAME said." Its speaker is the person named by
the attribution beside the closing mark ("…," said NAME / "…," NAME comments), before the
opening mark ("NAME said: «…»"), or, for a quotation that opens a paragraph, the person of the
sentence before it when that sentence introduces speech ("… spoke about …:", "… addressed
the participants with a welcoming speech."). Reported speech is "NAME … said that CLAUSE".
The words are always cut from the article, so they are verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.draft import vocabulary as v
from kg.draft.mentions import Mention
from kg.draft.model import Fact, Scope
from kg.draft.quotes import SPEECH_VERBS, Quoted
from kg.draft.segment import Sentence
from kg.terms import Literal, NamedNode

_VERBS = "|".join(SPEECH_VERBS)
_MARKS = '"«»“”„'
_INTRODUCES = re.compile(
    r"(:\s*$)|\b(spoke|speaks|addressed|addresses|speech|said|says|"
    r"told|commented|stated)\b"
)
_REPORTED = re.compile(rf"^(?:,[^,]*,)?\s+(?:{_VERBS})\s+that\s+(?P<clause>.+?)[.!?…]?$")
_ACCORDING = re.compile(r"^\s*,\s*(?P<clause>.+?)[.!?…]?$")


@dataclass
class Speech:
    """A quotation found in the text, before it is written as a fact."""

    sentences: list[int]
    start: int
    end: int
    speaker: Mention | None
    direct: bool
    complete: bool = True

    def words(self, article: str) -> str:
        return article[self.start : self.end]


def _persons(scope: Scope, number: int) -> list[Mention]:
    return sorted(scope.in_sentence(number, "person"), key=lambda m: m.start)


def _speaker_after(scope: Scope, quoted: Quoted, sentence: Sentence) -> Mention | None:
    if quoted.close_mark is None:
        return None
    for person in _persons(scope, sentence.number):
        if person.start <= quoted.close_mark:
            continue
        between = scope.article[quoted.close_mark + 1 : person.start]
        after = scope.article[person.end : sentence.end]
        if re.fullmatch(rf"[\s,.\u2014\u2013-]*(?:(?:{_VERBS})\s+)?", between) and (
            re.search(rf"({_VERBS})\s+$", between) or re.match(rf"(?:,[^,]*,)?\s*(?:{_VERBS})\b", after)
        ):
            return person
    return None


def _speaker_before(scope: Scope, quoted: Quoted, sentence: Sentence) -> Mention | None:
    for person in reversed(_persons(scope, sentence.number)):
        if person.end > quoted.open_mark:
            continue
        between = scope.article[person.end : quoted.open_mark]
        if re.fullmatch(rf"(?:,[^,]*,)?\s+(?:{_VERBS})\s*[:,]?\s*", between):
            return person
    return None


def _speaker_introduced(scope: Scope, sentence: Sentence) -> Mention | None:
    if sentence.number == 1:
        return None
    previous = scope.sentence(sentence.number - 1)
    if not _INTRODUCES.search(previous.text):
        return None
    persons = _persons(scope, previous.number)
    return persons[0] if persons else None


def _overlapping(scope: Scope, start: int, end: int) -> list[Sentence]:
    return [s for s in scope.sentences if s.start < end and start < s.end]


def find_speech(scope: Scope, quotations: list[Quoted]) -> list[Speech]:
    """Every quotation of the article, direct or reported, with its speaker where named."""
    found: list[Speech] = []
    for quoted in quotations:
        if not quoted.speech:
            continue
        inside = _overlapping(scope, quoted.start, quoted.end)
        if not inside:
            continue
        last = [
            s
            for s in scope.sentences
            if quoted.close_mark is not None and s.start <= quoted.close_mark < s.end
        ] or inside[-1:]
        speaker = (
            _speaker_after(scope, quoted, last[0])
            or _speaker_before(scope, quoted, inside[0])
            or _speaker_introduced(scope, inside[0])
        )
        words = quoted.words(scope.article)
        start = scope.article.index(words, quoted.start) if words else quoted.start
        found.append(
            Speech(
                [s.number for s in inside],
                start,
                start + len(words),
                speaker,
                direct=True,
                complete=quoted.complete,
            )
        )
    found.extend(_unmarked(scope, quotations))
    found.extend(_reported(scope, quotations))
    return sorted(found, key=lambda s: s.start)


def _unmarked(scope: Scope, quotations: list[Quoted]) -> list[Speech]:
    """ "We had … . More than 20 … . Mikhail Labudin said." — speech without marks."""
    found: list[Speech] = []
    for sentence in scope.sentences:
        persons = _persons(scope, sentence.number)
        if len(persons) != 1:
            continue
        person = persons[0]
        rest = (
            scope.article[sentence.start : person.start] + "NAME" + scope.article[person.end : sentence.end]
        )
        if not re.fullmatch(rf"NAME\s+(?:{_VERBS})\s*[.]|(?:{_VERBS})\s+NAME\s*[.]", rest.strip()):
            continue
        before = [
            s for s in scope.sentences if s.paragraph == sentence.paragraph and s.number < sentence.number
        ]
        if not before or any(q.start < before[-1].end and before[0].start < q.end for q in quotations):
            continue
        found.append(Speech([s.number for s in before], before[0].start, before[-1].end, person, direct=True))
    return found


def _reported(scope: Scope, quotations: list[Quoted]) -> list[Speech]:
    found: list[Speech] = []
    for sentence in scope.sentences:
        if any(q.speech and q.start < sentence.end and sentence.start < q.end for q in quotations):
            continue
        for person in _persons(scope, sentence.number):
            after = scope.article[person.end : sentence.end]
            match = _REPORTED.match(after)
            if match is None and re.search(
                r"\bAccording to\s+$", scope.article[sentence.start : person.start]
            ):
                match = _ACCORDING.match(after)
            if match is None:
                continue
            start = person.end + match.start("clause")
            end = person.end + match.end("clause")
            found.append(Speech([sentence.number], start, end, person, direct=False))
            break
    return found


def quotation_facts(scope: Scope, speech: Speech) -> list[Fact]:
    """The quotation as candidate facts: one ``schema:Quotation`` per sentence it runs over,
    each in that sentence's graph with ``kgo:inSentence`` it."""
    speaker = speech.speaker.entity if speech.speaker is not None else None
    label = scope.labels.get(speaker or "", "unattributed")
    facts: list[Fact] = []
    for index, number in enumerate(speech.sentences):
        sentence = scope.sentence(number)
        start, end = max(speech.start, sentence.start), min(speech.end, sentence.end)
        words = _words(scope.article[start:end])
        if not words:
            continue
        node = scope.mint(f"quote-s{number:02d}")
        fact = Fact(number, "quotation", node)
        fact.add(node, v.TYPE, v.QUOTATION)
        fact.add(node, v.TEXT, scope.text(words))
        fact.add(node, v.IS_BASED_ON, scope.document)
        fact.add(node, v.IN_SENTENCE, v.sentence_graph_iri(scope.slug, number))
        fact.add(node, v.SPEECH_MODE, v.DIRECT_SPEECH if speech.direct else v.REPORTED_SPEECH)
        if not speech.complete and index == len(speech.sentences) - 1:
            fact.add(node, v.INCOMPLETE, Literal("true", datatype=NamedNode(v.XSD_BOOLEAN)))
            fact.notes.append("the quotation's closing mark is not in the text: it is incomplete")
        if speaker is not None:
            fact.add(node, v.CREATOR, speaker)
        else:
            fact.notes.append("the text names no speaker for this quotation")
        mode = "direct" if speech.direct else "reported"
        fact.summary = f"{mode} quotation by {label}: {_clip(words)}"
        facts.append(fact)
    return facts


def _words(text: str) -> str:
    """Quoted words without the marks around them and the comma before a closing mark."""
    words = text.strip()
    while words and words[0] in _MARKS:
        words = words[1:].lstrip()
    while words and (words[-1] in _MARKS or words[-1] == ","):
        words = words[:-1].rstrip()
    return words


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
