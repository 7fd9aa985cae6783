"""Quotation marks: where each quoted span opens and closes, and whether it is speech.

Straight double quotes, curly quotes (“…”, „…“) and guillemets («…») are recognized. A
straight quote opens after a space, a line start or an opening bracket, and closes otherwise.
A quotation open at the end of a paragraph continues when the next paragraph opens with a
mark (the convention for speech running over paragraphs); open at the end of the text, it is
incomplete. A quoted span is *speech* when it starts a paragraph, follows a colon, is followed
by a speech verb, or holds more than one sentence; otherwise it is a *title*, the name of a
session or a programme in quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.draft.segment import paragraphs

_PAIRS = {"«": "»", "“": "”", "„": "“", '"': '"'}
SPEECH_VERBS = (
    "said",
    "says",
    "say",
    "comments",
    "commented",
    "comment",
    "concluded",
    "concludes",
    "noted",
    "notes",
    "added",
    "adds",
    "stated",
    "states",
    "explained",
    "explains",
    "emphasized",
    "emphasised",
    "stressed",
    "stresses",
    "remarked",
    "remarks",
    "declared",
    "told",
    "believes",
    "summed up",
)
_AFTER_SPEECH = re.compile(
    r"^[\s,.\u2014\u2013-]*(?:(?:he|she|they|we|it)\s+)?(" + "|".join(SPEECH_VERBS) + r")\b"
    r"|^[\s,\u2014\u2013-]+[A-ZА-Я][\w.-]*( [A-ZА-Я][\w.-]*)* (" + "|".join(SPEECH_VERBS) + r")\b"
)
_INNER_STOP = re.compile(r"[.!?…]\s+\S")


@dataclass(frozen=True)
class Quoted:
    """A quoted span: ``start``/``end`` bound the words inside the marks (article offsets)."""

    open_mark: int
    start: int
    end: int
    close_mark: int | None
    speech: bool

    @property
    def complete(self) -> bool:
        return self.close_mark is not None

    def words(self, text: str) -> str:
        """The quoted words, verbatim; a comma the sentence put before the closing mark is not
        part of them."""
        return text[self.start : self.end].strip().rstrip(",").rstrip()


def _opens(text: str, index: int) -> bool:
    before = text[index - 1] if index > 0 else " "
    return before.isspace() or before in "([{\u2014\u2013-:"


def find_quotations(text: str) -> list[Quoted]:
    """Every quoted span of ``text``, in order."""
    lines = paragraphs(text)
    found: list[Quoted] = []
    open_at: int | None = None
    closer = ""
    for number, (offset, line) in enumerate(lines):
        position = 0
        if open_at is not None:
            if line[:1] in _PAIRS:
                position = 1  # the mark that continues the quotation into this paragraph
            else:
                previous_offset, previous = lines[number - 1]
                found.append(_quoted(text, open_at, previous_offset + len(previous), None))
                open_at = None
        while position < len(line):
            char = line[position]
            absolute = offset + position
            if open_at is None and char in _PAIRS and (char != '"' or _opens(text, absolute)):
                open_at, closer = absolute, _PAIRS[char]
            elif open_at is not None and char == closer:
                found.append(_quoted(text, open_at, absolute, absolute))
                open_at = None
            position += 1
    if open_at is not None:
        last_offset, last = lines[-1]
        found.append(_quoted(text, open_at, last_offset + len(last), None))
    return found


def _quoted(text: str, open_mark: int, end: int, close_mark: int | None) -> Quoted:
    start = open_mark + 1
    inner = text[start:end]
    line_start = text.rfind("\n", 0, open_mark) + 1
    before = text[line_start:open_mark].rstrip()
    after = text[close_mark + 1 : close_mark + 80] if close_mark is not None else ""
    speech = (
        not before
        or before.endswith(":")
        or bool(_AFTER_SPEECH.match(after))
        or bool(_INNER_STOP.search(inner))
        or close_mark is None
    )
    return Quoted(open_mark=open_mark, start=start, end=end, close_mark=close_mark, speech=speech)
