"""The content-keyed cache: values come back for the same text, never for another, and
``KG_CACHE=off`` turns it off."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.cache import cached
from kg.validate.reads import query_steps
from kg.validate.sparql_checks import constraint_reads

QUERY = "SELECT $this WHERE { $this <http://example.com/p> ?x . ?y <http://example.com/q> ?x }"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("KG_CACHE", raising=False)
    return tmp_path


def test_a_value_is_computed_once_per_text(folder: Path) -> None:
    calls: list[str] = []

    def compute(text: str) -> list[str]:
        calls.append(text)
        return [text.upper()]

    assert cached("test", "a", lambda: compute("a"), lambda v: isinstance(v, list)) == ["A"]
    assert cached("test", "a", lambda: compute("a"), lambda v: isinstance(v, list)) == ["A"]
    assert cached("test", "b", lambda: compute("b"), lambda v: isinstance(v, list)) == ["B"]
    assert calls == ["a", "b"]
    assert len(list(folder.glob("test-*.json"))) == 2


def test_a_damaged_or_unexpected_entry_is_computed_again(folder: Path) -> None:
    cached("test", "a", lambda: [1], lambda v: isinstance(v, list))
    (entry,) = folder.glob("test-*.json")
    entry.write_text("{not json")
    assert cached("test", "a", lambda: [2], lambda v: isinstance(v, list)) == [2]
    entry.write_text('"a string"')
    assert cached("test", "a", lambda: [3], lambda v: isinstance(v, list)) == [3]


def test_a_change_of_the_code_is_a_new_key(folder: Path, tmp_path: Path) -> None:
    source = tmp_path / "analysis.py"
    source.write_text("one")
    assert cached("test", "a", lambda: [1], bool, code=(source,)) == [1]
    source.write_text("two")
    assert cached("test", "a", lambda: [2], bool, code=(source,)) == [2]


def test_the_off_switch_reads_and_writes_nothing(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_CACHE", "off")
    assert cached("test", "a", lambda: [1], bool) == [1]
    assert cached("test", "a", lambda: [2], bool) == [2]
    assert not list(folder.iterdir())


def test_constraint_reads_come_back_from_the_cache_as_analysed(folder: Path) -> None:
    analysed = tuple(dict.fromkeys(query_steps(QUERY)))
    assert constraint_reads(QUERY) == analysed
    assert len(list(folder.glob("constraint-reads-*.json"))) == 1
    assert constraint_reads(QUERY) == analysed  # read back
