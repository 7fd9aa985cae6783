"""The on-disk store: built from the project on first use, checked against it on every later
one, loaded and rebuilt all or nothing, dumped whole; and the commands that do so."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import run_kg
from kg.errors import RdfSyntaxError, StaleStoreError, StoreLockedError, UnreadableInputError, UsageError
from kg.project import ProjectFiles
from kg.rdfio import N_QUADS, TRIG, parse_bytes
from kg.store.bulk import dump, dump_to_file, load_files, rebuild
from kg.store.disk import DiskStore, open_disk_store
from kg.store.generations import GENERATIONS, HEAD
from kg.terms import Literal, NamedNode, Quad

EXAMPLE = "http://example.com/"


def ntriples(path: Path, subjects: range) -> Path:
    path.write_text(
        "".join(f'<{EXAMPLE}s{i}> <{EXAMPLE}p> "value {i}" .\n' for i in subjects), encoding="utf-8"
    )
    return path


def contents(store: DiskStore) -> list[str]:
    return sorted(map(str, store.quads()))


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store"


def test_a_new_store_is_built_from_the_project(project_dir: Path, store_path: Path) -> None:
    with open_disk_store(store_path, project_dir) as store:
        expected = ProjectFiles(project_dir)
        assert len(store) > 0
        assert set(store.manifest.files) == {
            p.relative_to(project_dir).as_posix() for p in expected.source_files()
        }
        first = contents(store)
    with open_disk_store(store_path, project_dir) as again:
        assert contents(again) == first


def test_a_changed_data_file_makes_the_store_stale_until_rebuilt(project_dir: Path, store_path: Path) -> None:
    open_disk_store(store_path, project_dir).close()
    data_file = project_dir / "data" / "actp-rf-business-mission-results.trig"
    data_file.write_text(
        data_file.read_text(encoding="utf-8").replace(
            "ACTP RF business mission", "ACTP RF business mission to Belarus"
        ),
        encoding="utf-8",
    )
    relative = data_file.relative_to(project_dir).as_posix()
    with pytest.raises(
        StaleStoreError,
        match=rf"{relative} changed since the store was built; "
        r"run `kg --store .* build`",
    ):
        open_disk_store(store_path, project_dir)
    with DiskStore(store_path) as store:
        rebuild(store, ProjectFiles(project_dir))
    with open_disk_store(store_path, project_dir) as store:
        labels = {q.object.value for q in store.quads() if isinstance(q.object, Literal)}
        assert "ACTP RF business mission to Belarus" in labels


def test_new_and_removed_data_files_make_the_store_stale(project_dir: Path, store_path: Path) -> None:
    open_disk_store(store_path, project_dir).close()
    (project_dir / "data" / "extra.trig").write_text(
        f"<{EXAMPLE}g> {{ <{EXAMPLE}s> <{EXAMPLE}p> 1 }}", encoding="utf-8"
    )
    with pytest.raises(StaleStoreError, match=r"data/extra\.trig is new"):
        open_disk_store(store_path, project_dir)
    (project_dir / "data" / "extra.trig").unlink()
    open_disk_store(store_path, project_dir).close()
    ProjectFiles(project_dir).data_files()[0].unlink()
    with pytest.raises(StaleStoreError, match="was removed"):
        open_disk_store(store_path, project_dir)


def test_a_new_modification_time_alone_is_not_a_change(project_dir: Path, store_path: Path) -> None:
    open_disk_store(store_path, project_dir).close()
    for path in ProjectFiles(project_dir).source_files():
        os.utime(path, (1_000_000_000, 1_000_000_000))  # as a fresh checkout would
    open_disk_store(store_path, project_dir).close()


def test_load_adds_every_file(store_path: Path, tmp_path: Path) -> None:
    first = ntriples(tmp_path / "a.nt", range(100))
    second = ntriples(tmp_path / "b.nt", range(100, 250))
    with DiskStore(store_path) as store:
        summary = store.load([first, second])
        assert (summary.files, summary.quads, len(store)) == (2, 250, 250)
        assert [item.quads for item in store.manifest.loaded] == [100, 150]
    with DiskStore(store_path) as reopened:
        assert len(reopened) == 250


def test_a_bad_file_anywhere_in_a_load_changes_nothing(store_path: Path, tmp_path: Path) -> None:
    good = ntriples(tmp_path / "good.nt", range(1000))
    bad = tmp_path / "bad.nt"
    bad.write_text(
        f'<{EXAMPLE}s> <{EXAMPLE}p> "fine" .\n<{EXAMPLE}s> <{EXAMPLE}p> oops .\n', encoding="utf-8"
    )
    with DiskStore(store_path) as store:
        store.add_quads(
            [
                Quad(
                    NamedNode(EXAMPLE + "x"),
                    NamedNode(EXAMPLE + "p"),
                    Literal("before"),
                    NamedNode(EXAMPLE + "g"),
                )
            ]
        )
        before = contents(store)
        with pytest.raises(RdfSyntaxError) as error:
            store.load([good, bad])
        assert error.value.path == str(bad) and error.value.line == 2
        assert contents(store) == before
        with pytest.raises(UnreadableInputError, match="no such file"):
            store.load([good, tmp_path / "missing.nt"])
        assert contents(store) == before
    assert len(list((store_path / GENERATIONS).iterdir())) == 1


def test_build_loads_again_what_kg_load_added(project_dir: Path, store_path: Path, tmp_path: Path) -> None:
    extra = ntriples(tmp_path / "extra.nt", range(10))
    gone = ntriples(tmp_path / "gone.nt", range(10, 15))
    with open_disk_store(store_path, project_dir) as store:
        project_only = len(store)
        store.load([extra, gone])
    gone.unlink()
    with DiskStore(store_path) as store:
        summary = store.build(ProjectFiles(project_dir))
        assert summary.missing == (str(gone.resolve()),)
        assert len(store) == project_only + 10
        assert "not found, so not reloaded" in summary.line()


def test_only_one_process_writes(store_path: Path) -> None:
    with DiskStore(store_path), pytest.raises(StoreLockedError, match="another process"):
        DiskStore(store_path)


def test_a_folder_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match="not empty and is not a kg store"):
        DiskStore(tmp_path)
    with pytest.raises(UsageError, match="not a directory"):
        DiskStore(tmp_path / "notes.txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_debris_of_an_interrupted_write_is_removed_on_open(store_path: Path) -> None:
    DiskStore(store_path).close()
    debris = store_path / GENERATIONS / "19990101T000000-deadbeef"
    (debris / "oxigraph").mkdir(parents=True)
    with DiskStore(store_path) as store:
        assert not debris.exists()
        assert (store_path / HEAD).read_text().strip() == store.generation


def test_clear_empties_the_store_in_one_step(store_path: Path, tmp_path: Path) -> None:
    with DiskStore(store_path) as store:
        store.load([ntriples(tmp_path / "a.nt", range(10))])
        store.clear()
        assert len(store) == 0


@pytest.mark.parametrize("fmt", [N_QUADS, TRIG], ids=["nq", "trig"])
def test_dump_writes_every_quad_with_its_graph(
    project_dir: Path, store_path: Path, tmp_path: Path, fmt: object
) -> None:
    with open_disk_store(store_path, project_dir) as store:
        target = tmp_path / f"dump.{fmt.extension}"  # type: ignore[attr-defined]
        dump_to_file(store, fmt, target)  # type: ignore[arg-type]
        assert set(parse_bytes(target.read_bytes(), fmt)) == set(store.quads())  # type: ignore[arg-type]
        assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_dump_of_any_store_goes_through_the_seam(tmp_path: Path) -> None:
    import io

    from kg.store.embedded import EmbeddedStore

    store = EmbeddedStore()
    load_files(store, [ntriples(tmp_path / "a.nt", range(3))])
    out = io.BytesIO()
    dump(store, N_QUADS, out)
    assert len(out.getvalue().splitlines()) == 3


# -- the commands -------------------------------------------------------------------------------
def test_kg_load_prints_one_summary_line(project_dir: Path, store_path: Path, tmp_path: Path) -> None:
    data = ntriples(tmp_path / "a.nt", range(500))
    result = run_kg("--project", project_dir, "--store", store_path, "load", data)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1
    assert result.stdout.startswith("loaded 500 quads from 1 file(s)")
    dumped = run_kg("--project", project_dir, "--store", store_path, "dump")
    assert dumped.returncode == 0, dumped.stderr
    assert f"<{EXAMPLE}s499>" in dumped.stdout


def test_a_stale_store_is_one_line_and_kg_build_repairs_it(project_dir: Path, store_path: Path) -> None:
    open_disk_store(store_path, project_dir).close()
    shutil.copy(ProjectFiles(project_dir).data_files()[0], project_dir / "data" / "copy.trig")
    query = ("--project", project_dir, "--store", store_path, "query", "-e", "ASK { ?s ?p ?o }", "-f", "json")
    stale = run_kg(*query)
    assert stale.returncode == 3
    assert stale.stderr.startswith("kg: error: ") and stale.stderr.count("\n") == 1
    assert "data/copy.trig is new" in stale.stderr and "build" in stale.stderr
    built = run_kg("--project", project_dir, "--store", store_path, "build")
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("built ")
    assert run_kg(*query).returncode == 0


def test_store_commands_need_a_store(project_dir: Path, tmp_path: Path) -> None:
    result = run_kg("--project", project_dir, "load", ntriples(tmp_path / "a.nt", range(1)))
    assert result.returncode == 2
    assert "--store PATH" in result.stderr and "Traceback" not in result.stderr


def test_kg_dump_refuses_graph_formats(project_dir: Path, tmp_path: Path) -> None:
    result = run_kg("--project", project_dir, "dump", "-f", "ttl")
    assert result.returncode == 2
    assert "use one of nq, trig" in result.stderr


def test_a_load_reports_its_progress(store_path: Path, tmp_path: Path) -> None:
    data = ntriples(tmp_path / "a.nt", range(3000))
    seen: list[tuple[str, int]] = []
    with DiskStore(store_path) as store:
        store.load([data], progress=lambda status: seen.append((status.file.name, status.quads)))
    assert seen[-1] == ("a.nt", 3000)
    assert [count for _, count in seen] == sorted(count for _, count in seen)
