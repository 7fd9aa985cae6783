"""The neighbourhood diagram of an entity page: the entity in the middle, what points to it on
the left, what it points to on the right, drawn by the server as SVG.

The layout never cuts a label and never lets two things overlap: every label is wrapped onto
as many lines as it needs (a word longer than a line is broken inside it, every character
kept), and each box is as wide as its longest line measured with a conservative estimate of
the glyphs' widths (:func:`text_width`); neighbours are stacked in
rows, one per neighbour, and each link's label sits over the straight end of its line, in a
column of its own between the neighbours and the entity, so that labels, boxes and the other
rows' labels cannot meet. Several links to the same neighbour share one row and one label.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kg.namespaces import RDF, shorten
from kg.server.tasks import LABEL_PREDICATES, EntityView
from kg.server.views import link_for, term_name
from kg.terms import NamedNode

NODE_FONT = 12.0
LABEL_FONT = 11.0
LINE_HEIGHT = 1.3
"""Line height of wrapped text, in font sizes."""
PADDING_X = 10.0
PADDING_Y = 7.0
NODE_TEXT_WIDTH = 220.0
"""Width a neighbour's name is wrapped to (a longer word widens its box)."""
CENTRE_TEXT_WIDTH = 240.0
LABEL_TEXT_WIDTH = 170.0
ROW_GAP = 12.0
LABEL_GAP = 12.0
"""Space between a neighbour's box and its link's label."""
FAN = 40.0
"""Width of the band where the lines fan out from the entity."""
MARGIN = 12.0
PER_SIDE = 8
"""Neighbours drawn on each side; the statements below list them all."""

_NARROW = set("iljI.,:;'|!()[]{}ıі`")
_WIDE = set("mwMWЖжШшЩщЮюМм@%")


def text_width(text: str, size: float) -> float:
    """An upper estimate of the width of ``text`` in a sans-serif font of ``size`` pixels
    (wider than DejaVu Sans, Arial or Helvetica set it), so that boxes never clip."""
    em = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in "WF":
            em += 1.0
        elif char == " " or char in _NARROW:
            em += 0.34
        elif char in _WIDE:
            em += 0.95
        elif char.isdigit():
            em += 0.66
        elif char.isupper():
            em += 0.76
        else:
            em += 0.64
    return em * size * 1.04


def wrap(text: str, width: float, size: float) -> list[str]:
    """``text`` in lines no wider than ``width``, broken between words, and a word wider than
    the line inside it: every character stays, nothing is cut."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        for piece in _pieces(word, width, size):
            candidate = f"{current} {piece}" if current else piece
            if current and (text_width(candidate, size) > width or piece is not word):
                lines.append(current)
                current = piece
            else:
                current = candidate
    if current:
        lines.append(current)
    return lines or [""]


def _pieces(word: str, width: float, size: float) -> list[str]:
    """``word`` whole if it fits ``width``, else cut into pieces that do (at least a
    character each)."""
    if text_width(word, size) <= width:
        return [word]
    pieces, current = [], ""
    for char in word:
        if current and text_width(current + char, size) > width:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current]


@dataclass(frozen=True)
class Box:
    """A rectangle: left, top, width, height."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom
        )


@dataclass(frozen=True)
class Text:
    """Wrapped text: its lines, the first line's baseline, where lines are anchored (``start``
    or ``middle`` of ``x``), and the box it takes."""

    lines: tuple[str, ...]
    x: float
    baseline: float
    anchor: str
    size: float
    box: Box

    @property
    def step(self) -> float:
        return self.size * LINE_HEIGHT


def _text(lines: Sequence[str], left: float, top: float, size: float, anchor: str) -> Text:
    width = max(text_width(line, size) for line in lines)
    height = len(lines) * size * LINE_HEIGHT
    x = left + width / 2 if anchor == "middle" else left
    baseline = top + size * (LINE_HEIGHT - 1) / 2 + size * 0.8
    return Text(tuple(lines), x, baseline, anchor, size, Box(left, top, width, height))


@dataclass(frozen=True)
class DiagramNode:
    box: Box
    text: Text
    href: str | None
    title: str
    centre: bool = False


@dataclass(frozen=True)
class DiagramEdge:
    points: str
    label: Text
    title: str


@dataclass(frozen=True)
class Diagram:
    width: int
    height: int
    nodes: list[DiagramNode]
    edges: list[DiagramEdge]
    left_out: int = 0
    """Neighbours not drawn (beyond :data:`PER_SIDE` a side)."""
    min_x: int = 0
    min_y: int = 0

    def boxes(self) -> list[Box]:
        """Every box and label box drawn, to check that none overlaps another."""
        return [*(n.box for n in self.nodes), *(e.label.box for e in self.edges)]


@dataclass
class _Row:
    iri: str
    predicates: list[str] = field(default_factory=list)


def _node(
    iri: str,
    name: str,
    left: float,
    top: float,
    text_width_max: float,
    centre: bool = False,
    width: float | None = None,
) -> DiagramNode:
    lines = wrap(name, text_width_max, NODE_FONT)
    inner = max(text_width(line, NODE_FONT) for line in lines)
    box_width = width if width is not None else inner + 2 * PADDING_X
    height = len(lines) * NODE_FONT * LINE_HEIGHT + 2 * PADDING_Y
    box = Box(left, top, box_width, height)
    text = _text(lines, left + (box_width - inner) / 2, top + PADDING_Y, NODE_FONT, "middle")
    return DiagramNode(box, text, None if centre else link_for(iri), shorten(iri), centre)


def layout(
    centre_iri: str,
    centre_name: str,
    incoming: Sequence[tuple[str, str]],
    outgoing: Sequence[tuple[str, str]],
    names: Mapping[str, str],
) -> Diagram | None:
    """The diagram for links ``(neighbour IRI, predicate IRI)`` into and out of the entity."""
    sides: list[list[_Row]] = []
    left_out = 0
    for links in (incoming, outgoing):
        grouped: dict[str, _Row] = {}
        for iri, predicate in links:
            entry = grouped.setdefault(iri, _Row(iri))
            if predicate not in entry.predicates:
                entry.predicates.append(predicate)
        left_out += max(0, len(grouped) - PER_SIDE)
        sides.append(list(grouped.values())[:PER_SIDE])
    if not any(sides):
        return None

    def name_of(iri: str) -> str:
        return names.get(iri) or shorten(iri)

    # measure every row first: node and label sizes decide the columns
    measured: list[list[tuple[_Row, DiagramNode, list[str]]]] = []
    for rows in sides:
        side = []
        for row in rows:
            node = _node(row.iri, name_of(row.iri), 0, 0, NODE_TEXT_WIDTH)
            words = ", ".join(term_name(p, names) for p in row.predicates)
            side.append((row, node, wrap(words, LABEL_TEXT_WIDTH, LABEL_FONT)))
        measured.append(side)

    def column_widths(side: list[tuple[_Row, DiagramNode, list[str]]]) -> tuple[float, float]:
        if not side:
            return 0.0, 0.0
        nodes = max(n.box.width for _, n, _ in side)
        labels = max(text_width(line, LABEL_FONT) for _, _, ls in side for line in ls)
        return nodes, labels

    (left_nodes, left_labels), (right_nodes, right_labels) = map(column_widths, measured)
    centre = _node(centre_iri, centre_name, 0, 0, CENTRE_TEXT_WIDTH, centre=True)
    left_band = left_nodes + LABEL_GAP + left_labels + FAN if measured[0] else 0.0
    centre_x = left_band
    right_start = centre_x + centre.box.width + (FAN if measured[1] else 0.0)

    def row_heights(side: list[tuple[_Row, DiagramNode, list[str]]]) -> list[tuple[float, float]]:
        """(space above the row's line, space below it) for each row."""
        out = []
        for _, node, lines in side:
            label_height = len(lines) * LABEL_FONT * LINE_HEIGHT + 3
            out.append((max(node.box.height / 2, label_height), node.box.height / 2))
        return out

    heights = [row_heights(side) for side in measured]
    totals = [sum(a + b for a, b in h) + ROW_GAP * max(0, len(h) - 1) for h in heights]
    height = max([*totals, centre.box.height])
    centre_y = height / 2
    centre = _node(
        centre_iri, centre_name, centre_x, centre_y - centre.box.height / 2, CENTRE_TEXT_WIDTH, centre=True
    )
    nodes = [centre]
    edges = []
    for index, side in enumerate(measured):
        outgoing_side = index == 1
        top = (height - totals[index]) / 2
        for (row, node, lines), (above, below) in zip(side, heights[index], strict=True):
            line_y = top + above
            if outgoing_side:
                node_left = right_start + right_labels + LABEL_GAP + (right_nodes - node.box.width) / 2
                label_left = right_start
            else:
                node_left = (left_nodes - node.box.width) / 2
                label_left = left_nodes + LABEL_GAP
            placed = _node(
                row.iri,
                name_of(row.iri),
                node_left,
                line_y - node.box.height / 2,
                NODE_TEXT_WIDTH,
                width=node.box.width,
            )
            nodes.append(placed)
            label_height = len(lines) * LABEL_FONT * LINE_HEIGHT
            text = _text(lines, label_left, line_y - 3 - label_height, LABEL_FONT, "start")
            if outgoing_side:
                bend = label_left - 6
                points = [(centre.box.right, centre_y), (bend, line_y), (placed.box.x, line_y)]
            else:
                bend = label_left + left_labels + 6
                points = [(placed.box.right, line_y), (bend, line_y), (centre.box.x, centre_y)]
            edges.append(
                DiagramEdge(
                    " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                    text,
                    ", ".join(shorten(p) for p in row.predicates),
                )
            )
            top = line_y + below + ROW_GAP
    right = max(n.box.right for n in nodes)
    return Diagram(
        math.ceil(right + 2 * MARGIN),
        math.ceil(height + 2 * MARGIN),
        nodes,
        edges,
        left_out,
        math.floor(-MARGIN),
        math.floor(-MARGIN),
    )


def diagram(view: EntityView) -> Diagram | None:
    """The diagram of an entity page: its links to and from other named things (types and
    labels are left to the page)."""
    skipped = {RDF + "type", *LABEL_PREDICATES}
    outgoing = [
        (f.value.value, f.predicate.value)
        for f in view.facts
        if isinstance(f.value, NamedNode) and f.predicate.value not in skipped and f.value.value != view.iri
    ]
    incoming = [
        (f.value.value, f.predicate.value)
        for f in view.incoming
        if isinstance(f.value, NamedNode) and f.value.value != view.iri
    ]
    return layout(view.iri, view.title, incoming, outgoing, view.names)


__all__ = ["Box", "Diagram", "diagram", "layout", "text_width", "wrap"]
