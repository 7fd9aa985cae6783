"""Plain-text tables for ``kg query``, ``kg queries`` and ``kg stats``.

Values are written as they are, never read as markup, and control characters in them are shown
as escapes (``\\n``, ``\\x1b``), so a literal can neither break the table nor drive the
terminal. Columns are aligned by their width on screen: a wide East Asian character takes two
cells, a combining mark none. On a terminal a table wider than the screen has its widest
columns wrapped; into a pipe or a file every value stays on one line, for ``grep`` and ``cut``.

It uses the standard library alone, because ``kg query`` imports it on every run.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Sequence
from typing import TextIO

from kg.display import cell_width

GAP = "  "
"""Between two columns."""
NARROWEST = 10
"""No column is wrapped narrower than this (or than its heading)."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shown(text: str) -> str:
    """``text`` with its control characters written as escapes.

    >>> shown("two\\nlines, a \\x1b[2J clear")
    'two\\\\nlines, a \\\\x1b[2J clear'
    """
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(), f"\\x{ord(m.group()):02x}"), text)


def wrapped(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken at a space where one is near.

    >>> wrapped("Great Stone Industrial Park", 12)
    ['Great Stone', 'Industrial', 'Park']
    >>> wrapped("北京北京", 3)
    ['北', '京', '北', '京']
    """
    lines: list[str] = []
    line, used = "", 0
    for char in text:
        size = cell_width(char)
        while used + size > width and line:
            space = line.rfind(" ")
            cut = space + 1 if space >= width // 2 else len(line)
            lines.append(line[:cut].rstrip(" "))
            line = line[cut:]
            used = cell_width(line)
        line += char
        used += size
    lines.append(line)
    return lines


def _fitted(widths: list[int], floors: list[int], room: int) -> list[int]:
    """Column widths that fit ``room`` columns, taking from the widest first."""
    widths = list(widths)
    while (excess := sum(widths) + len(GAP) * (len(widths) - 1) - room) > 0:
        widest = max(range(len(widths)), key=lambda i: widths[i] - floors[i])
        if widths[widest] <= floors[widest]:
            break  # as narrow as it goes: the terminal wraps the rest
        others = [w for i, w in enumerate(widths) if i != widest and w > floors[i]]
        level = max([floors[widest], *others])  # down to the next widest at most, in one step
        widths[widest] -= min(excess, max(1, widths[widest] - level))
    return widths


def render(header: Sequence[str], rows: Sequence[Sequence[str]], room: int | None = None) -> list[str]:
    """The table's lines, the heading first; ``room``: the screen's width (``None``: no limit).

    >>> render(["site", "label"], [["kgr:a", "Minsk"], ["kgr:bb", "北京"]])
    ['site    label', 'kgr:a   Minsk', 'kgr:bb  北京']
    """
    return _lines(header, rows, room)[0]


def _lines(header: Sequence[str], rows: Sequence[Sequence[str]], room: int | None) -> tuple[list[str], int]:
    """The table's lines, and how many of them the heading takes."""
    heads = [shown(h) for h in header]
    body = [[shown(v) for v in row] for row in rows]
    widths = [max([cell_width(h), *(cell_width(r[i]) for r in body)]) for i, h in enumerate(heads)]
    if room is not None:
        floors = [min(w, max(NARROWEST, cell_width(h))) for w, h in zip(widths, heads, strict=True)]
        widths = _fitted(widths, floors, room)
    lines: list[str] = []
    heading = 0
    for cells in (heads, *body):
        parts = [wrapped(cell, width) for cell, width in zip(cells, widths, strict=True)]
        for depth in range(max(len(p) for p in parts)):
            pieces = [p[depth] if depth < len(p) else "" for p in parts]
            padded = [
                piece + " " * (width - cell_width(piece)) for piece, width in zip(pieces, widths, strict=True)
            ]
            lines.append(GAP.join(padded).rstrip())
        heading = heading or len(lines)
    return lines, heading


def _styled(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal that takes styles (``NO_COLOR`` and ``TERM=dumb`` say no)."""
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def print_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    footer: str | None = None,
    stream: TextIO | None = None,
) -> None:
    """The table on ``stream`` (standard output), its heading in bold and ``footer`` dimmed on a
    terminal, and fitted to the terminal's width there."""
    out = stream or sys.stdout
    styled = _styled(out)
    room = shutil.get_terminal_size().columns if out.isatty() else None
    lines, heading = _lines(header, rows, room) if header else ([], 0)
    text = [f"\x1b[1m{line}\x1b[0m" if styled and i < heading else line for i, line in enumerate(lines)]
    if footer is not None:
        text.append(f"\x1b[2m{footer}\x1b[0m" if styled else footer)
    out.write("".join(line + "\n" for line in text))
    out.flush()


__all__ = ["cell_width", "print_table", "render", "shown", "wrapped"]
