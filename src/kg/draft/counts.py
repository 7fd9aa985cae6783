"""Stated counts: "more than 100 companies", "up to 900 million rubles", "50 regions".

A bound is a bound: "more than N" is ``schema:minValue N+1``, "at least N" ``minValue N``,
"up to N" ``maxValue N``, "less than N" ``maxValue N-1``; a plain number is ``schema:value``.
The counted words follow the number ("companies", "cooperation agreements") and become
``schema:unitText``; the whole phrase is kept as ``kgo:sourceWording``. Approximations ("about
25 km"), decree and item numbers ("No. 1659"), years and the days of dates are not counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.draft import vocabulary as v
from kg.draft.dates import find_dates
from kg.draft.model import Fact, Scope
from kg.terms import Literal, NamedNode

NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "thirty": 30,
    "fifty": 50,
    "hundred": 100,
}
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_BOUND = (
    r"(?P<bound>more than|over|at least|up to|less than|fewer than|no more than|about|"
    r"around|nearly|almost|approximately)\s+"
)
_NUMBER = r"(?P<number>\d[\d,]*(?:\.\d+)?|" + "|".join(NUMBER_WORDS) + r")"
_SCALE = r"(?:\s+(?P<scale>thousand|million|billion))?"
_STOP = (
    r"(?:of|from|in|at|to|for|with|and|or|was|were|are|is|can|could|will|would|have|has|"
    r"had|per|on|by|that|which)"
)
_UNIT = rf"(?P<unit>(?:(?!{_STOP}\b)[a-z][\w-]*)(?:\s+(?!{_STOP}\b)[a-z][\w-]*){{0,2}})"
_COUNT = re.compile(rf"(?<![\w.-])(?:{_BOUND})?{_NUMBER}{_SCALE}\s+{_UNIT}", re.IGNORECASE)
_PARTICIPATION = re.compile(r"\b(attended by|participants?|took part|attendees|listeners)\b", re.IGNORECASE)
_APPROXIMATE = {"about", "around", "nearly", "almost", "approximately"}


@dataclass(frozen=True)
class StatedCount:
    text: str
    start: int
    end: int
    value: int
    bound: str | None
    unit: str


def find_counts(text: str, offset: int = 0) -> list[StatedCount]:
    dates = [(d.start - offset, d.end - offset) for d in find_dates(text)]
    found: list[StatedCount] = []
    for match in _COUNT.finditer(text):
        number = match.group("number").lower()
        before = text[: match.start()]
        if re.search(r"\bNo\.?\s*$|\bNo\s*$|№\s*$", before):
            continue
        if any(s <= match.start("number") < e for s, e in dates):
            continue
        if number.isdigit() and len(number) == 4 and 1800 <= int(number) <= 2100 and not match.group("bound"):
            continue
        if text[match.end("number") : match.end("number") + 1] == "-":
            continue
        bound = (match.group("bound") or "").lower() or None
        if bound in _APPROXIMATE:
            continue
        if number in NUMBER_WORDS:
            value = NUMBER_WORDS[number]
        else:
            try:
                value = int(number.replace(",", ""))
            except ValueError:
                continue
        value *= _SCALES.get((match.group("scale") or "").lower(), 1)
        found.append(
            StatedCount(
                match.group(0),
                offset + match.start(),
                offset + match.end(),
                value,
                bound,
                match.group("unit"),
            )
        )
    return found


def count_facts(scope: Scope, number: int, events: list[tuple[int, int, str]]) -> list[Fact]:
    """The counts of sentence ``number``. A count of those who took part ("attended by more
    than 30 representatives", "among the participants … more than 100 companies") is the
    ``kgo:participantCount`` of the sentence's one event; a count right after another ("from
    50 regions") is its ``schema:valueReference``."""
    sentence = scope.sentence(number)
    facts: list[Fact] = []
    distinct = sorted({e[2] for e in events})
    participants = bool(_PARTICIPATION.search(sentence.text))
    previous: StatedCount | None = None
    previous_node = ""
    for count in find_counts(sentence.text, sentence.start):
        node = scope.mint(f"count-{count.text}")
        fact = Fact(number, "count", node)
        fact.add(node, v.TYPE, v.QUANTITATIVE_VALUE)
        integer = NamedNode(v.XSD_INTEGER)
        if count.bound in ("more than", "over"):
            fact.add(node, v.MIN_VALUE, Literal(str(count.value + 1), datatype=integer))
        elif count.bound == "at least":
            fact.add(node, v.MIN_VALUE, Literal(str(count.value), datatype=integer))
        elif count.bound in ("up to", "no more than"):
            fact.add(node, v.MAX_VALUE, Literal(str(count.value), datatype=integer))
        elif count.bound in ("less than", "fewer than"):
            fact.add(node, v.MAX_VALUE, Literal(str(count.value - 1), datatype=integer))
        else:
            fact.add(node, v.VALUE, Literal(str(count.value), datatype=integer))
        fact.add(node, v.UNIT_TEXT, scope.text(count.unit))
        fact.add(node, v.SOURCE_WORDING, scope.text(count.text))
        related = (
            previous is not None
            and re.fullmatch(r"\s+from\s+", scope.article[previous.end : count.start]) is not None
        )
        if related:
            fact.add(previous_node, v.VALUE_REFERENCE, node)
        elif participants and len(distinct) == 1:
            fact.add(distinct[0], v.PARTICIPANT_COUNT, node)
        else:
            fact.notes.append("what this count is about is left to the reviewer")
        fact.summary = f"count: {count.text}"
        facts.append(fact)
        previous, previous_node = count, node
    return facts
