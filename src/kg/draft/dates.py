"""Dates as a text states them: a day with or without its year, or a range of days.

"On July 3" is a month and a day and nothing more: it becomes an ``xsd:gMonthDay``, never a
date with a guessed year. "September 17-19, 2024" is a range with its year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_RANGE = r"(?P<day>\d{1,2})(?:\s*[-–]\s*(?P<last>\d{1,2}))?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_MONTH_FIRST = re.compile(rf"\b{_MONTH}\s+{_RANGE}(?:st|nd|rd|th)?\b(?:,?\s+{_YEAR}\b)?", re.IGNORECASE)
_DAY_FIRST = re.compile(
    rf"\b{_RANGE}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b(?:,?\s+{_YEAR}\b)?", re.IGNORECASE
)


@dataclass(frozen=True)
class StatedDate:
    """A date as stated: ``text`` is the article's words, ``start``/``end`` their offsets."""

    text: str
    start: int
    end: int
    month: int
    day: int
    last_day: int | None
    year: int | None

    def first(self) -> str:
        """``YYYY-MM-DD`` when the year is stated, else ``--MM-DD`` (an ``xsd:gMonthDay``)."""
        return self._format(self.day)

    def last(self) -> str | None:
        return None if self.last_day is None else self._format(self.last_day)

    def _format(self, day: int) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{day:02d}"


def _valid(month: int, day: int) -> bool:
    days = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    return 1 <= day <= days[month - 1]


def find_dates(text: str, offset: int = 0) -> list[StatedDate]:
    """The dates stated in ``text`` (offsets shifted by ``offset``), in order."""
    found: list[StatedDate] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            if not match.group("month")[0].isupper():
                continue  # months are capitalized; "may" is more often a verb
            month = MONTHS[match.group("month").lower()]
            day = int(match.group("day"))
            last = int(match.group("last")) if match.group("last") else None
            if not _valid(month, day) or (last is not None and (not _valid(month, last) or last <= day)):
                continue
            year = int(match.group("year")) if match.group("year") else None
            taken.append((match.start(), match.end()))
            found.append(
                StatedDate(
                    match.group(0), offset + match.start(), offset + match.end(), month, day, last, year
                )
            )
    return sorted(found, key=lambda d: d.start)
