"""A bulk load settles the on-disk store: the table files its many bulk writes leave are
merged, unless the load is small beside what the store already holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.store import loading
from kg.store.disk import DiskStore
from kg.store.generations import ENGINE, GENERATIONS

EXAMPLE = "http://example.com/"


def _triples(path: Path, subjects: range) -> Path:
    path.write_text(
        "".join(f'<{EXAMPLE}s{i}> <{EXAMPLE}p> "value {i}" .\n' for i in subjects), encoding="utf-8"
    )
    return path


def _table_files(store: DiskStore) -> int:
    folder = store.root / GENERATIONS / str(store.generation) / ENGINE
    return len(list(folder.glob("*.sst")))


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bulk writes of 50 quads and facts, so that a small file makes many table files."""
    monkeypatch.setattr(loading, "BULK_CHUNK", 50)


def test_a_load_merges_the_table_files_it_wrote(
    small_chunks: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _triples(tmp_path / "data.nt", range(2000))
    with DiskStore(tmp_path / "settled") as settled:
        settled.load([data])
        merged, quads = _table_files(settled), sorted(map(str, settled.quads()))
    monkeypatch.setattr("kg.store.disk.worth_settling", lambda loaded, held: False)
    with DiskStore(tmp_path / "unsettled") as unsettled:
        unsettled.load([data])
        left, same = _table_files(unsettled), sorted(map(str, unsettled.quads()))
    assert same == quads and len(quads) == 2000
    assert merged < left, (merged, left)


def test_a_small_load_into_a_large_store_does_not_rewrite_it(
    small_chunks: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settled: list[int] = []
    real = loading.settle

    def counting(engine: object) -> None:
        settled.append(1)
        real(engine)  # type: ignore[arg-type]

    monkeypatch.setattr("kg.store.disk.settle", counting)
    with DiskStore(tmp_path / "store") as store:
        store.load([_triples(tmp_path / "big.nt", range(2000))])
        assert len(settled) == 1
        store.load([_triples(tmp_path / "small.nt", range(5000, 5010))])
        assert len(settled) == 1  # 10 quads beside 2,000: left as written
        store.load([_triples(tmp_path / "third.nt", range(9000, 9300))])
        assert len(settled) == 2  # 300 of 2,310: over a tenth
        assert len(store) == 2310
