"""Sentences of an article, each with its verbatim text and where it stands.

Every line break ends a paragraph, and a paragraph never shares a sentence with the next one:
headlines and leads end without a full stop. Inside a paragraph, ``syntok`` finds the
boundaries: it knows abbreviations ("No. 1659", "Mr.", "Prof."), initials ("J. R. Smith") and
decimals, and it splits a quotation of several sentences into its sentences, as a curator
numbers them. Two of its splits are undone here: after a month's abbreviation before a day
("Sept. 17") and inside a pair of parentheses. A sentence's text is always cut from the article
by offsets, so it is the article's text, character for character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from syntok import segmenter  # type: ignore[import-untyped]

_MONTH_ABBREVIATION = re.compile(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$")
_DAY_START = re.compile(r"^\d")
_FINAL_STOP = ".!?:;…"


@dataclass(frozen=True)
class Sentence:
    """One sentence: its number (1-based, the headline first), text and offsets in the article."""

    number: int
    text: str
    start: int
    end: int
    paragraph: int
    headline: bool = False


def paragraphs(text: str) -> list[tuple[int, str]]:
    """The non-empty lines of ``text`` with their offsets, surrounding blanks trimmed."""
    found: list[tuple[int, str]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            found.append((offset + body.index(stripped[0]), stripped))
        offset += len(line)
    return found


def _spans(paragraph: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for block in segmenter.analyze(paragraph):
        for sentence in block:
            if not sentence:
                continue
            first, last = sentence[0], sentence[-1]
            spans.append((first.offset, last.offset + len(last.value)))
    return _merge(paragraph, spans)


def _merge(paragraph: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged:
            previous = paragraph[merged[-1][0] : merged[-1][1]]
            following = paragraph[start:end]
            unclosed = previous.count("(") > previous.count(")")
            if (_MONTH_ABBREVIATION.search(previous) and _DAY_START.match(following)) or unclosed:
                merged[-1] = (merged[-1][0], end)
                continue
        merged.append((start, end))
    return merged


def segment(text: str, *, headline: bool = False) -> list[Sentence]:
    """The sentences of ``text``; with ``headline``, the first line is sentence 1 whole."""
    sentences: list[Sentence] = []
    for index, (offset, paragraph) in enumerate(paragraphs(text)):
        spans = [(0, len(paragraph))] if index == 0 and headline else _spans(paragraph)
        for start, end in spans:
            body = paragraph[start:end]
            stripped = body.strip()
            if not stripped:
                continue
            begin = offset + start + body.index(stripped[0])
            sentences.append(
                Sentence(
                    number=len(sentences) + 1,
                    text=stripped,
                    start=begin,
                    end=begin + len(stripped),
                    paragraph=index,
                    headline=index == 0 and headline,
                )
            )
    return sentences


def looks_like_headline(text: str) -> bool:
    """Whether the first line of ``text`` is a headline: more lines follow, and it is short and
    ends without a sentence's final punctuation."""
    lines = paragraphs(text)
    if len(lines) < 2:
        return False
    first = lines[0][1]
    return len(first) <= 200 and first[-1] not in _FINAL_STOP and not first.endswith(('"', "»", "”"))
