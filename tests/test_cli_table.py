"""The tables ``kg query`` prints: values as they are, aligned on screen, fitted to a terminal,
and a query path that imports none of the heavy libraries."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from tests.conftest import ROOT, run_kg

from kg.cli.table import cell_width, print_table, render, wrapped


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_markup_and_control_characters_in_a_value_are_shown_as_text() -> None:
    result = run_kg("query", "-e", "SELECT ('[/x]' AS ?a) ('[bold]b\\nline \\u001b[2J' AS ?b) {}")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["a", "b"]
    assert lines[1] == "[/x]  [bold]b\\nline \\x1b[2J"  # the newline and ESC as escapes
    assert "\x1b" not in result.stdout
    assert lines[2] == "1 row(s)"


def test_columns_line_up_by_their_width_on_screen() -> None:
    lines = render(["name", "n"], [["北京", "1"], ["Minsk", "2"], ["Ре\u0301чица", "3"]])
    # the second column starts in the same screen column on every line: after the widest name,
    # Речица (six columns, its accent taking none; 北京 takes four), and the gap
    starts = {cell_width(line[: line.rindex(" ") + 1]) for line in lines}
    assert starts == {6 + 2}


def test_a_table_wider_than_the_terminal_is_wrapped_to_it() -> None:
    long = "Association of Clusters, Technoparks, and Special Economic Zones of Russia"
    lines = render(["thing", "name"], [["kgr:actp-rf", long]], room=40)
    assert max(cell_width(line) for line in lines) <= 40
    assert " ".join(line[len("kgr:actp-rf  ") :].strip() for line in lines[1:]) == long
    assert render(["thing", "name"], [["kgr:actp-rf", long]]) == [
        "thing        name",
        f"kgr:actp-rf  {long}",
    ]


def test_columns_are_narrowed_widest_first_down_to_a_floor() -> None:
    lines = render(["a", "b"], [["x" * 60, "y" * 30]], room=50)
    assert max(cell_width(line) for line in lines) <= 50
    assert cell_width(lines[1].split("  ")[0]) == cell_width(lines[1].split("  ")[1]) == 24
    huge = render(["a"], [["z" * 200_000]], room=80)  # one very long value: fitted at once
    assert len(huge) == 1 + 200_000 // 80 and all(cell_width(line) <= 80 for line in huge)


def test_wrapping_keeps_every_character_and_respects_the_width() -> None:
    for text, width in [("a" * 25, 10), ("北京" * 7, 5), ("one two three four five", 7)]:
        lines = wrapped(text, width)
        assert all(cell_width(line) <= width for line in lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_styles_only_on_a_terminal_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    screen, pipe = Terminal(), io.StringIO()
    print_table(["a"], [["x"]], "1 row(s)", stream=screen)
    print_table(["a"], [["x"]], "1 row(s)", stream=pipe)
    assert screen.getvalue() == "\x1b[1ma\x1b[0m\nx\n\x1b[2m1 row(s)\x1b[0m\n"
    assert pipe.getvalue() == "a\nx\n1 row(s)\n"
    monkeypatch.setenv("NO_COLOR", "1")
    plain = Terminal()
    print_table(["a"], [["x"]], "1 row(s)", stream=plain)
    assert plain.getvalue() == pipe.getvalue()


HEAVY = ("rich", "rdflib", "pyshacl", "starlette", "jinja2", "uvicorn", "kg.validate")

PROBE = """
import sys
from kg.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY} or m.startswith('kg.validate'))
print(repr(heavy), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args", [["query", "visited-sites"], ["query", "visited-sites", "-f", "csv"], ["--help"]]
)
def test_a_query_imports_none_of_the_heavy_libraries(args: list[str]) -> None:
    probe = PROBE.replace("{HEAVY}", repr(set(HEAVY)))
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.stdout, done.stderr  # it answered
    assert done.stderr.strip().splitlines()[-1] == "[]"
