"""Results, reports and projects as people read them in a terminal or a notebook: plain-text
tables, and the HTML a notebook shows (``_repr_html_``).

Values are escaped in HTML and cut for display only (a cell shows at most
:data:`CELL_CHARS` characters); the objects themselves keep every value whole.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from html import escape

CELL_CHARS = 80
"""Characters a cell shows in a text or HTML table; longer values end in ``…``."""
HTML_ROWS = 100
"""Rows a notebook shows of a result; the rest are counted."""


def _cut(text: str, size: int | None = CELL_CHARS) -> str:
    return text if size is None or len(text) <= size else text[: size - 1] + "…"


def cell_width(text: str) -> int:
    """The columns ``text`` takes on a terminal.

    >>> cell_width("Minsk"), cell_width("北京"), cell_width("e\\u0301")
    (5, 4, 1)
    """
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def text_table(columns: Sequence[str], rows: Iterable[Sequence[str | None]]) -> str:
    """``rows`` under ``columns``, padded into aligned columns; ``None`` is an empty cell.

    >>> print(text_table(["name", "n"], [("Minsk", "1"), (None, "22")]))
    name   n
    -----  --
    Minsk  1
           22
    """
    cells = [[_cut(" ".join((v or "").split())) for v in row] for row in rows]
    widths = [max([cell_width(c), *(cell_width(r[i]) for r in cells)]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (w - cell_width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    return "\n".join([line(list(columns)), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def html_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[str | None]],
    *,
    more: int = 0,
    caption: str | None = None,
    cut: bool = True,
) -> str:
    """A table for a notebook; ``more`` rows not shown are counted under it; values are cut
    to :data:`CELL_CHARS` unless ``cut`` is false."""
    size = CELL_CHARS if cut else None
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_cut(v or '', size))}</td>" for v in row) + "</tr>" for row in rows
    )
    title = f"<caption>{escape(caption)}</caption>" if caption else ""
    tail = f"<p>… and {more} more row{'s' if more != 1 else ''}</p>" if more else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{tail}"


def html_facts(pairs: Sequence[tuple[str, str]], caption: str | None = None) -> str:
    """A two-column table of names and values."""
    return html_table(["", ""], [list(p) for p in pairs], caption=caption, cut=False).replace(
        "<thead><tr><th></th><th></th></tr></thead>", ""
    )


class ResultTable(list[tuple[str | None, ...]]):
    """Rows of plain strings (a list of tuples, as before) that print as an aligned table and
    show as an HTML table in a notebook. ``variables`` names the columns."""

    def __init__(self, variables: Sequence[str], rows: Iterable[tuple[str | None, ...]]) -> None:
        super().__init__(rows)
        self.variables = list(variables)

    def __str__(self) -> str:
        return text_table(self.variables, self)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        shown = self[:HTML_ROWS]
        return html_table(self.variables, shown, more=len(self) - len(shown))


__all__ = ["CELL_CHARS", "HTML_ROWS", "ResultTable", "cell_width", "html_facts", "html_table", "text_table"]
