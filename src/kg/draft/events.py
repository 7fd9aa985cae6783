"""Candidate facts about events: what was held, who took part, who organized, and when.

* "(a|the) … EVENT-NOUN … was|will be held [in PLACE | on the territory of PLACE]
  [between A and B]" gives an event, its location and its participants;
* "X took part in (the) EVENT" gives X as a participant;
* "ORG organizes (the) EVENT" and "ORG … co-organizer of (the) EVENT" give the organizer;
* a stated date goes to the event it is stated for ("On July 3, a meeting was held";
  "the Congress, which will be held on September 17-19, 2024"), exactly as stated.

An event named in the text is a candidate entity already; an event described by a common
noun ("a meeting") becomes a new source-bound event labelled with the article's words.
"""

from __future__ import annotations

import re

from kg.draft import vocabulary as v
from kg.draft.candidates import EVENT_HEADS
from kg.draft.dates import find_dates
from kg.draft.model import Fact, Scope
from kg.terms import Literal, NamedNode

_EVENT_NOUNS = "|".join(sorted(EVENT_HEADS, key=len, reverse=True))
_HELD = re.compile(
    rf"\b(?:an?|the)\s+(?P<phrase>(?:[\w-]+\s+){{0,3}}?(?:{_EVENT_NOUNS})\b"
    r"(?:\s+\"[^\"]+\"|\s+«[^»]+»|\s+“[^”]+”)?)"
    r"\s+(?:was|were|will be|is|are|has been)\s+(?:also\s+)?held\b",
    re.IGNORECASE,
)
_HELD_VERB = re.compile(r"\b(?:was|were|will be|is|are|has been)\s+(?:also\s+)?held\b")
_TOOK_PART = re.compile(r"\btook part in\s+(?:the\s+)?")
_ORGANIZER_OF = re.compile(r"(?<!co-)\borgani[sz]ers?\s+of\s+(?:the\s+)?")
_ORGANIZES = re.compile(r"\borgani[sz]es\s+(?:the\s+)?")
_CO_ORGANIZER = re.compile(r"\bco-organi[sz]ers?\s+of\s+(?:the\s+)?")
_PHRASE_AFTER = re.compile(
    rf"(?P<phrase>(?:[\w-]+\s+){{0,3}}?(?:{_EVENT_NOUNS})\b(?:\s+of\s+(?:the\s+)?[\w\s-]+?)?"
    r"(?:\s+\"[^\"]+\"|\s+«[^»]+»|\s+“[^”]+”)?)(?=\s*(?:,|\.|$|\s+which|\s+that|\s+on\s|\s+in\s))"
)


_TITLE = re.compile(r"[\"«“]([^\"»”]+)[\"»”]")


class EventFinder:
    """The events of one sentence, each created once, and the facts about them."""

    def __init__(self, scope: Scope, number: int) -> None:
        self.scope = scope
        self.number = number
        self.sentence = scope.sentence(number)
        self.facts: list[Fact] = []
        self.events: list[tuple[int, int, str]] = []  # (start, end, IRI) in article offsets

    def _mentioned_event(self, start: int, end: int) -> str | None:
        for mention in self.scope.in_sentence(self.number, "event"):
            if start <= mention.start < end:
                return mention.entity
        return None

    def event_at(self, start: int, phrase: str) -> tuple[str, Fact | None]:
        """The event a phrase at ``start`` names: one already mentioned inside it, or new."""
        end = start + len(phrase)
        for begin, finish, existing in self.events:
            if begin == start and finish == end:
                return existing, None
        known = self._mentioned_event(start, end) if not phrase[:1].islower() else None
        if known is None and phrase[:1].isupper():
            known = self._mentioned_event(start, end)
        if known is not None:
            self.events.append((start, end, known))
            return known, None
        title = _TITLE.search(phrase)
        label = title.group(1) if title else phrase
        node = self.scope.mint(label)
        fact = Fact(self.number, "event", node)
        fact.add(node, v.TYPE, v.EVENT)
        fact.add(node, v.PREF_LABEL, self.scope.text(label))
        fact.summary = f"event: {phrase}"
        self.facts.append(fact)
        self.events.append((start, end, node))
        return node, fact

    def _fact(self, node: str, summary: str) -> Fact:
        fact = Fact(self.number, "event-link", node, summary=summary)
        self.facts.append(fact)
        return fact

    def _held(self) -> list[tuple[str, int]]:
        """Each event said to be held, with where the text after "held" starts."""
        text = self.sentence.text
        found: list[tuple[str, int]] = []
        for match in _HELD.finditer(text):
            start = self.sentence.start + match.start("phrase")
            node, _ = self.event_at(start, match.group("phrase"))
            found.append((node, match.end()))
        if found:
            return found
        verb = _HELD_VERB.search(text)
        if verb is not None:
            named = sorted(
                (
                    m
                    for m in self.scope.in_sentence(self.number, "event")
                    if m.end <= self.sentence.start + verb.start()
                ),
                key=lambda m: m.start,
            )
            if named and named[0].entity:
                self.events.append((named[0].start, named[0].end, named[0].entity))
                found.append((named[0].entity, verb.end()))
        return found

    def held(self) -> None:
        text = self.sentence.text
        for node, offset in self._held():
            rest = text[offset:]
            place = re.match(r"\s+(?:in|on the territory of(?: the)?|at(?: the)?)\s+", rest)
            if place:
                at = self.sentence.start + offset + place.end()
                where = [
                    m
                    for m in self.scope.in_sentence(self.number)
                    if m.start == at and self.scope.kind(m) in ("place", "site", "organization")
                ]
                if where:
                    self._fact(node, f"location: {where[0].text}").add(
                        node, v.LOCATION, where[0].entity or ""
                    )
            between = re.search(r"\bbetween\s+", rest)
            if between:
                after = self.sentence.start + offset + between.end()
                parties = [
                    m
                    for m in self.scope.in_sentence(self.number)
                    if m.start >= after and self.scope.kind(m) in ("person", "organization")
                ]
                kind = self.scope.kind(parties[0]) if parties else ""
                for party in parties:
                    if self.scope.kind(party) == kind:
                        self._fact(node, f"participant: {party.text}").add(
                            node, v.PARTICIPANT, party.entity or ""
                        )

    def _phrase_after(self, offset: int) -> tuple[int, str] | None:
        rest = self.scope.article[offset : self.sentence.end]
        match = _PHRASE_AFTER.match(rest)
        if match is None:
            return None
        return offset, match.group("phrase")

    def _event_after(self, offset: int) -> str | None:
        named = [m for m in self.scope.in_sentence(self.number, "event") if m.start == offset]
        if named:
            return named[0].entity
        found = self._phrase_after(offset)
        if found is None:
            return None
        return self.event_at(*found)[0]

    def links(self) -> None:
        """The subject of "took part in", "organizes", "co-organizer of" is the first person or
        organization the sentence names before the verb."""
        text = self.sentence.text
        subjects = sorted(
            (
                m
                for m in self.scope.in_sentence(self.number)
                if self.scope.kind(m) in ("person", "organization")
            ),
            key=lambda m: m.start,
        )
        for pattern, predicate, word in (
            (_TOOK_PART, v.PARTICIPANT, "participant"),
            (_ORGANIZER_OF, v.ORGANIZER, "organizer"),
            (_ORGANIZES, v.ORGANIZER, "organizer"),
            (_CO_ORGANIZER, v.CO_ORGANIZER, "co-organizer"),
        ):
            for clause in pattern.finditer(text):
                at = self.sentence.start + clause.start()
                before = [m for m in subjects if m.end <= at]
                if not before:
                    continue
                subject = before[0]
                event = self._event_after(self.sentence.start + clause.end())
                if event is not None:
                    self._fact(event, f"{word}: {subject.text}").add(event, predicate, subject.entity or "")

    def dates(self) -> None:
        for stated in find_dates(self.sentence.text, self.sentence.start):
            event = self._event_for(stated.start)
            if event is None:
                fact = Fact(self.number, "date", "", summary=f"date not attached: {stated.text}")
                fact.notes.append(f'the date "{stated.text}" is stated for no event the drafter found')
                self.facts.append(fact)
                continue
            fact = self._fact(event, f"date: {stated.text}")
            if stated.year is None:
                fact.add(
                    event, v.DATE_WITHOUT_YEAR, Literal(stated.first(), datatype=NamedNode(v.XSD_GMONTHDAY))
                )
                if stated.last_day is not None:
                    fact.notes.append(
                        f'"{stated.text}" is a range without a year: only its first day is recorded'
                    )
            else:
                fact.add(event, v.START_DATE, Literal(stated.first(), datatype=NamedNode(v.XSD_DATE)))
                last = stated.last()
                if last is not None:
                    fact.add(event, v.END_DATE, Literal(last, datatype=NamedNode(v.XSD_DATE)))

    def _event_for(self, offset: int) -> str | None:
        before = [e for e in self.events if e[1] <= offset]
        which = re.search(
            r",\s+which\s+(?:will be|was|is)\s+held\s+(?:on\s+)?$",
            self.scope.article[self.sentence.start : offset],
        )
        named = sorted(
            ((m.start, m.end, m.entity or "") for m in self.scope.in_sentence(self.number, "event")),
            key=lambda e: e[0],
        )
        if which:
            earlier = [e for e in (*before, *named) if e[1] <= offset]
            return max(earlier, key=lambda e: (e[1], e[0]))[2] if earlier else None
        after = [e for e in self.events if e[0] >= offset]
        if after:
            return min(after, key=lambda e: e[0])[2]
        candidates = before or list(named)
        return candidates[-1][2] if len(candidates) == 1 else None


def event_facts(scope: Scope, number: int) -> tuple[list[Fact], list[tuple[int, int, str]]]:
    """The event facts of sentence ``number``, and every event it names or describes."""
    finder = EventFinder(scope, number)
    finder.held()
    finder.links()
    finder.dates()
    named = [(m.start, m.end, m.entity) for m in scope.in_sentence(number, "event") if m.entity]
    return finder.facts, [*finder.events, *named]
