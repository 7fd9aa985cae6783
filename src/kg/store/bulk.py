"""Whole-store operations on any store: load files, rebuild from the project, dump.

Each store picks its fastest safe path (the on-disk store loads and rebuilds as one atomically
published generation; a remote store stages a rebuild and switches it in with one request).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO

from kg.errors import UsageError
from kg.formats import DUMP_FORMATS, RDF_FORMAT_NAMES, listed
from kg.project import DATA_SUFFIXES, ProjectFiles
from kg.rdfio import N_QUADS, RdfFormat, format_named, guess_format, serialize
from kg.store.base import LoadCallback, LoadSummary, Store


def load_files(
    store: Store,
    paths: Sequence[Path | str],
    fmt: str | None = None,
    *,
    progress: LoadCallback | None = None,
    base: str | None = None,
) -> LoadSummary:
    """Load RDF files into ``store`` (a folder stands for every RDF file under it, by
    extension). On disk: all files or none. Remotely: file by file, batch by batch; a failure
    says what was written. Relative IRIs resolve against ``base``."""
    if not paths:
        raise UsageError("nothing to load: give one or more files")
    files = rdf_files(paths)
    return replace(store.load(files, fmt, progress=progress, base=base), store_quads=len(store))


def rdf_files(paths: Sequence[Path | str]) -> list[Path]:
    """``paths`` with each folder replaced by the RDF files under it (any depth, by extension,
    sorted); a folder without any is an error."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            out.append(path)
            continue
        found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in DATA_SUFFIXES)
        if not found:
            raise UsageError(
                f"{path}: no RDF files under this folder (by extension: {listed(RDF_FORMAT_NAMES)})"
            )
        out.extend(found)
    return out


def rebuild(store: Store, files: ProjectFiles, *, progress: LoadCallback | None = None) -> LoadSummary:
    """Make ``store`` hold the project's ontology (in ``kgg:ontology``) and data, nothing else,
    switched in as one step."""
    return replace(store.build(files, progress=progress), store_quads=len(store))


def dump_format(name: str | None, output: Path | None) -> RdfFormat:
    """N-Quads or TriG: named, else guessed from the output file, else N-Quads."""
    if name is None:
        chosen = guess_format(output) if output is not None and output.suffix else N_QUADS
    else:
        chosen = format_named(name)
    if chosen not in DUMP_FORMATS:
        names = listed([f.extension for f in DUMP_FORMATS])
        raise UsageError(
            f"a dump holds the whole dataset: use one of {names}, not {chosen.extension} "
            "(an export writes graph formats)",
            cli=f"kg dump writes the whole dataset: use one of {names}, not "
            f"{chosen.extension} (`kg export` writes graph formats)",
        )
    return chosen


def dump(store: Store, fmt: RdfFormat, output: IO[bytes]) -> None:
    """Write every quad of ``store`` (as given: not the facts view) to ``output``."""
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
