"""The neighbourhood diagram lays out without clipping or overlaps, whatever the labels.

An entity with long names around it (long phrases, one very long word, Cyrillic, long
predicate labels, several links to one neighbour) is drawn; geometry says no two boxes or
labels overlap, no line runs through a box it does not join, everything lies inside the
picture, and every name is there whole, on as many lines as it needs. The browser test checks
the same with the font Chromium really uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from itertools import combinations, pairwise

import pytest

from kg.api import Project
from kg.server.diagram import PER_SIDE, Box, Diagram, diagram, layout, text_width, wrap
from kg.server.tasks import describe
from kg.terms import Literal, NamedNode, Quad
from test_server_support import Served, fresh_project, running

KGR = "https://kg.example.org/id/"
EX = "https://example.org/vocabulary#"
PROBE = KGR + "diagram-probe"
GRAPH = "https://kg.example.org/graph/diagram-probe"
NAMES = [
    "Great Stone Industrial Park",
    "China-Belarus Industrial Park Great Stone Development Company, Closed Joint-Stock Company",
    "Pneumonoultramicroscopicsilicovolcanoconiosisresearchinstitutewithoutanyspaces",
    "Белорусская торгово-промышленная палата, Минское городское отделение",
    "WWWWWWWWWWWWWWWWWW MMMMMMMMMMMMMMM",
    "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii llllllllllllll",
    "Минский городской технопарк",
    "State Committee on Science and Technology of the Republic of Belarus",
    "A",
    "One more neighbour beyond the eight on a side",
]
PREDICATES = [
    ("signed further cooperation agreements with", None),
    ("is the organization that administers the territory of", None),
    ("x", None),
    ("отвечает за организацию деловой программы визита", None),
]
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"


def probe_quads() -> list[Quad]:
    graph = NamedNode(GRAPH)
    quads = [
        Quad(
            NamedNode(PROBE),
            NamedNode(PREF),
            Literal("The diagram probe: an entity with a rather long name of its own", language="en"),
            graph,
        )
    ]
    for index, (name, _) in enumerate(PREDICATES):
        quads.append(Quad(NamedNode(f"{EX}p{index}"), NamedNode(LABEL), Literal(name, language="en"), graph))
    for index, name in enumerate(NAMES):
        neighbour = NamedNode(f"{KGR}diagram-neighbour-{index}")
        quads.append(Quad(neighbour, NamedNode(PREF), Literal(name, language="en"), graph))
        predicate = NamedNode(f"{EX}p{index % len(PREDICATES)}")
        quads.append(Quad(NamedNode(PROBE), predicate, neighbour, graph))
        if index % 3 == 0:  # a second link to the same neighbour shares its row
            quads.append(
                Quad(NamedNode(PROBE), NamedNode(f"{EX}p{(index + 1) % len(PREDICATES)}"), neighbour, graph)
            )
        if index % 2 == 0:  # and some point back
            quads.append(Quad(neighbour, predicate, NamedNode(PROBE), graph))
    return quads


def project_with_long_labels() -> Project:
    project = fresh_project()
    project.store.add_quads(probe_quads())
    return project


@pytest.fixture(scope="module")
def project() -> Project:
    return project_with_long_labels()


@pytest.fixture(scope="module")
def probe(project: Project) -> Diagram:
    view = describe(project, PROBE)
    assert view is not None
    drawn = diagram(view)
    assert drawn is not None
    return drawn


def _inside(inner: Box, outer: Box, slack: float = 0.01) -> bool:
    return (
        inner.x >= outer.x - slack
        and inner.y >= outer.y - slack
        and inner.right <= outer.right + slack
        and inner.bottom <= outer.bottom + slack
    )


def _crosses(start: tuple[float, float], end: tuple[float, float], box: Box) -> bool:
    """Whether the segment runs through the inside of ``box`` (Liang-Barsky clipping)."""
    (x0, y0), (x1, y1) = start, end
    inner = Box(box.x + 0.5, box.y + 0.5, box.width - 1, box.height - 1)
    low, high = 0.0, 1.0
    for p, q in (
        (x0 - x1, x0 - inner.x),
        (x1 - x0, inner.right - x0),
        (y0 - y1, y0 - inner.y),
        (y1 - y0, inner.bottom - y0),
    ):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def test_no_two_boxes_or_labels_overlap(probe: Diagram) -> None:
    boxes = probe.boxes()
    assert len(probe.nodes) == 1 + len(probe.edges) > 8
    for first, second in combinations(boxes, 2):
        assert not first.overlaps(second), (first, second)


def test_no_line_runs_through_a_box_it_does_not_join(probe: Diagram) -> None:
    for edge in probe.edges:
        points = [tuple(float(v) for v in p.split(",")) for p in edge.points.split()]
        joined = {
            i
            for i, n in enumerate(probe.nodes)
            if any(abs(n.box.x - x) < 0.2 or abs(n.box.right - x) < 0.2 for x, _ in (points[0], points[-1]))
            and any(n.box.y <= y <= n.box.bottom for _, y in (points[0], points[-1]))
        }
        for index, node in enumerate(probe.nodes):
            if index in joined:
                continue
            for start, end in pairwise(points):
                assert not _crosses(start, end, node.box), (edge.title, node.title)  # type: ignore[arg-type]
        for other in probe.edges:
            for start, end in pairwise(points):
                assert not _crosses(start, end, other.label.box), (edge.title, other.title)  # type: ignore[arg-type]


def test_everything_lies_inside_the_picture(probe: Diagram) -> None:
    frame = Box(probe.min_x, probe.min_y, probe.width, probe.height)
    for box in probe.boxes():
        assert _inside(box, frame), box


def test_no_text_is_cut(probe: Diagram, project: Project) -> None:
    names = project.labels([n.title.replace("kgr:", KGR) for n in probe.nodes])
    for node in probe.nodes:
        assert "…" not in "".join(node.text.lines)
        iri = node.title.replace("kgr:", KGR)
        assert "".join(node.text.lines).replace(" ", "") == names[iri].replace(" ", "")  # every character
        assert _inside(node.text.box, node.box)
        for line in node.text.lines:
            assert text_width(line, node.text.size) <= node.box.width
    for edge in probe.edges:
        assert "…" not in "".join(edge.label.lines)
        for line in edge.label.lines:
            assert text_width(line, edge.label.size) <= edge.label.box.width + 0.01


def test_long_names_wrap_and_a_long_word_breaks_whole() -> None:
    lines = wrap(NAMES[1], 220, 12)
    assert len(lines) > 1 and " ".join(lines) == NAMES[1]
    assert all(text_width(line, 12) <= 220 for line in lines)
    assert all(text_width(f"{line} {after.split()[0]}", 12) > 220 for line, after in pairwise(lines))
    word = NAMES[2]
    pieces = wrap(word, 220, 12)  # wider than the column: broken inside, every character kept
    assert len(pieces) > 1 and "".join(pieces) == word
    assert all(text_width(piece, 12) <= 220 for piece in pieces)
    assert wrap("", 220, 12) == [""]


def test_neighbours_beyond_the_side_limit_are_counted(probe: Diagram) -> None:
    outgoing = {f"{KGR}diagram-neighbour-{i}" for i in range(len(NAMES))}
    incoming = {f"{KGR}diagram-neighbour-{i}" for i in range(0, len(NAMES), 2)}
    drawn = len(probe.nodes) - 1
    assert drawn == min(PER_SIDE, len(outgoing)) + min(PER_SIDE, len(incoming))
    assert probe.left_out == len(outgoing) - PER_SIDE


def test_several_links_to_one_neighbour_share_a_row() -> None:
    drawn = layout(PROBE, "probe", [], [(KGR + "a", EX + "p0"), (KGR + "a", EX + "p1")], {EX + "p0": "first"})
    assert drawn is not None and len(drawn.edges) == 1
    assert " ".join(drawn.edges[0].label.lines) == "first, p1"
    assert drawn.edges[0].title == f"<{EX}p0>, <{EX}p1>".replace("<", "").replace(">", "")


# -- the page draws what the layout says ---------------------------------------------------------------
@pytest.fixture(scope="module")
def served(project: Project) -> Iterator[Served]:
    with running(project) as server:
        yield server


def test_the_svg_on_the_page_is_the_layout(served: Served, probe: Diagram) -> None:
    with served.client() as client:
        page = client.get("/id/diagram-probe", headers={"Accept": "text/html"}).text
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    rects = [
        Box(*(float(v) for v in m))
        for m in re.findall(r'<rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.]+)" height="([\d.]+)"', svg)
    ]
    assert [(round(b.x, 1), round(b.y, 1), round(b.width, 1)) for b in rects] == [
        (round(n.box.x, 1), round(n.box.y, 1), round(n.box.width, 1)) for n in probe.nodes
    ]
    texts = [
        " ".join(unescape(t) for t in re.findall(r"<tspan[^>]*>(.*?)</tspan>", block))
        for block in re.findall(r"<text[^>]*>(.*?)</text>", svg)
    ]
    for node in probe.nodes:
        assert " ".join(node.text.lines) in texts
    assert "…" not in svg
    assert f"{probe.left_out} more neighbour" in page
