"""Whole-store operations on any store: load files, rebuild from the project, dump.

Each picks the fastest safe path its store offers: the on-disk store loads and rebuilds as one
atomically published generation and dumps with the engine's own writer; the others go through
the :class:`~kg.store.base.Store` interface (a remote store loads in batches, with progress).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO

from kg.errors import UsageError
from kg.project import ProjectFiles, data_quads, ontology_quads
from kg.rdfio import N_QUADS, TRIG, RdfFormat, format_named, guess_format, serialize
from kg.store.base import Store
from kg.store.disk import DiskStore, LoadCallback, LoadProgress, LoadSummary
from kg.store.embedded import EmbeddedStore

DUMP_FORMATS = (N_QUADS, TRIG)


def load_files(store: Store, paths: Sequence[Path | str], fmt: str | None = None, *,
               progress: LoadCallback | None = None) -> LoadSummary:
    """Load RDF files into ``store``. On disk: all files or none. Remotely: file by file, batch
    by batch; a failure says what was written."""
    if not paths:
        raise UsageError("nothing to load: give one or more files")
    if isinstance(store, DiskStore):
        return replace(store.load(paths, fmt, progress=progress), store_quads=len(store))
    started = time.perf_counter()
    total = 0
    for raw in paths:
        path = Path(raw)
        chosen = guess_format(path, fmt)

        def report(count: int, path: Path = path) -> None:
            if progress is not None:
                progress(LoadProgress(path, count))

        total += store.load_file(path, chosen.extension, progress=report)
    return LoadSummary(files=len(paths), quads=total, seconds=time.perf_counter() - started,
                       store_quads=len(store))


def rebuild(store: Store, files: ProjectFiles, *,
            progress: LoadCallback | None = None) -> LoadSummary:
    """Make ``store`` hold the project's ontology (in ``kgg:ontology``) and data, nothing else.

    On disk the files ``kg load`` added are loaded again, and the switch is one atomic step. On
    an endpoint, every graph ``kg`` sees is dropped, then the project is added in one all-or-
    nothing write."""
    if isinstance(store, DiskStore):
        return replace(store.build(files, progress=progress), store_quads=len(store))
    started = time.perf_counter()
    quads = [*ontology_quads(files), *data_quads(files)]  # parse all before dropping anything
    store.clear()
    count = store.add_quads(quads)
    if progress is not None:
        progress(LoadProgress(files.root, count))
    return LoadSummary(files=len(files.source_files()), quads=count,
                       seconds=time.perf_counter() - started, store_quads=len(store))


def dump_format(name: str | None, output: Path | None) -> RdfFormat:
    """N-Quads or TriG: named, else guessed from the output file, else N-Quads."""
    if name is None:
        chosen = guess_format(output) if output is not None and output.suffix else N_QUADS
    else:
        chosen = format_named(name)
    if chosen not in DUMP_FORMATS:
        raise UsageError(f"kg dump writes the whole dataset: use nq or trig, not "
                         f"{chosen.extension} (`kg export` writes graph formats)")
    return chosen


def dump(store: Store, fmt: RdfFormat, output: IO[bytes]) -> None:
    """Write every quad of ``store`` to ``output``."""
    if isinstance(store, EmbeddedStore):
        store.engine.dump(output, fmt.engine)
        return
    serialize(store.quads(), fmt, output)


def dump_to_file(store: Store, fmt: RdfFormat, path: Path) -> None:
    """Dump into ``path`` whole or not at all (a temporary file renamed over it at the end)."""
    directory = path.parent if str(path.parent) else Path()
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise UsageError(f"{path}: cannot write ({error.strerror})") from None
    temporary = Path(name)
    try:
        temporary.chmod(0o666 & ~_umask())  # mkstemp makes it private; a dump is a plain file
        with os.fdopen(handle, "wb") as out:
            dump(store, fmt, out)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
