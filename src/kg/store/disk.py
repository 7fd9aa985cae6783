"""The on-disk embedded store: an Oxigraph directory whose every change is one atomic step.

Oxigraph's bulk loader is fast but not transactional: a load killed half-way leaves half a load.
So a load (and a build, and an ``add`` that also rewrites ``data/``) writes a new *generation*
of the store, and publishes it by replacing one small file, ``HEAD``, with ``os.replace`` (atomic
on POSIX). Until then readers and a crash see the old generation, whole. A new generation starts
as a RocksDB checkpoint of the current one, which hard-links the immutable table files: it costs
milliseconds, not a copy. Layout::

    PATH/HEAD                           the name of the current generation
    PATH/generations/NAME/oxigraph/     the Oxigraph (RocksDB) store
    PATH/generations/NAME/manifest.json what it was built from (see ``kg.store.manifest``)

A generation that ``HEAD`` does not name is debris of an interrupted write; the next writer
removes it. Only the process holding the current generation's lock writes, so two writers
cannot race: the second gets :class:`~kg.errors.StoreLockedError`.

The store is an index of the project's files: opening it checks that ``ontology/`` and ``data/``
are as they were at the last build and raises :class:`~kg.errors.StaleStoreError` (telling the
user to run ``kg build``) if not, rather than answer from an out-of-date index or rebuild
behind the user's back (a rebuild re-reads everything, and may take long on a big store).
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

import pyoxigraph

from kg.errors import KgError, StaleStoreError, StoreError, StoreLockedError, UsageError
from kg.project import ProjectFiles, data_quads, find_root, ontology_quads
from kg.rdfio import RdfFormat, guess_format, iter_parse_file
from kg.store.base import Progress
from kg.store.embedded import EmbeddedStore
from kg.store.manifest import LoadedFile, Manifest
from kg.terms import Quad

HEAD = "HEAD"
GENERATIONS = "generations"
ENGINE = "oxigraph"
MANIFEST = "manifest.json"
PROGRESS_INTERVAL = 0.2
"""Seconds between two progress reports during a load."""


@dataclass(frozen=True)
class LoadProgress:
    """Where a load is: the file, and the quads read from it so far."""

    file: Path
    quads: int


LoadCallback = Callable[[LoadProgress], None]


@dataclass(frozen=True)
class LoadSummary:
    """What a load or a build did."""

    files: int
    quads: int
    seconds: float
    missing: tuple[str, ...] = ()
    store_quads: int | None = None
    """How many quads the store holds after (counting them takes a scan: filled on request)."""

    def line(self) -> str:
        rate = self.quads / self.seconds if self.seconds > 0 else 0.0
        text = (f"loaded {self.quads:,} quads from {self.files} file(s) in {self.seconds:.1f} s "
                f"({rate:,.0f} quads/s)")
        if self.store_quads is not None:
            text += f"; the store holds {self.store_quads:,}"
        if self.missing:
            text += f"; not found, so not reloaded: {', '.join(self.missing)}"
        return text


class DiskStore(EmbeddedStore):
    """An Oxigraph store in a directory, changed only by whole, atomically published generations.

    >>> import tempfile
    >>> from kg.terms import NamedNode, Literal, Quad
    >>> folder = tempfile.mkdtemp()
    >>> store = DiskStore(folder)
    >>> store.add_quads([Quad(NamedNode("http://example.com/s"), NamedNode("http://example.com/p"),
    ...                       Literal("o"), NamedNode("http://example.com/g"))])
    1
    >>> store.close(); len(DiskStore(folder))
    1
    """

    def __init__(self, path: Path | str) -> None:
        self.root = Path(path)
        _check_root(self.root)
        for _attempt in range(10):
            name = read_head(self.root) or self._first_generation()
            try:
                super().__init__(self._engine_dir(name))
            except StoreLockedError:
                raise StoreLockedError(f"{self.root}: the store is open in another process "
                                       "(only one writer at a time)") from None
            if read_head(self.root) == name:
                break
            self._store = None  # type: ignore[assignment]  # HEAD moved while we opened: again
        else:
            raise StoreError(f"{self.root}: the store keeps changing under us; try again")
        self.generation = name
        self.location = str(self.root)
        self._remove_debris()

    # -- reading what the store was built from ----------------------------------------------
    @property
    def manifest(self) -> Manifest:
        return Manifest.read(self._generation_dir(self.generation) / MANIFEST)

    def check_fresh(self, files: ProjectFiles) -> None:
        """Raise :class:`StaleStoreError` if the project's files changed since the last build."""
        changes = self.manifest.changes(files)
        if changes:
            more = f" (and {len(changes) - 1} more)" if len(changes) > 1 else ""
            raise StaleStoreError(
                f"{self.root}: {changes[0]}{more} since the store was built; "
                f"run `kg --store {self.root} build` to rebuild it"
            )

    # -- writing ----------------------------------------------------------------------------
    def add_contribution(self, quads: Sequence[Quad], publish: Callable[[], None]) -> int:
        """Add ``quads`` and run ``publish`` (which renames the new ``data/`` files into place);
        the store changes only after ``publish`` succeeded, and its manifest then records the new
        files, so a crash in between leaves a store that says it is stale, never a wrong one."""
        self._writable()
        manifest = self.manifest
        with self._next_generation(copy=True) as (name, engine):
            _write_quads(engine, quads, bulk=False)
            publish()
            if manifest.project is not None:
                manifest = Manifest.of_project(ProjectFiles(Path(manifest.project)),
                                               manifest.loaded)
            self._commit(name, engine, manifest)
        return len(quads)

    def load(self, paths: Sequence[Path | str], fmt: str | None = None, *,
             progress: LoadCallback | None = None) -> LoadSummary:
        """Bulk-load RDF files, all or none: a failure (bad syntax, a full disk, a kill) anywhere
        leaves the store as it was. ``fmt`` applies to every file; by default each file's
        extension decides."""
        self._writable()
        chosen = [(Path(p), guess_format(p, fmt)) for p in paths]
        started = time.perf_counter()
        manifest = self.manifest
        total = 0
        with self._next_generation(copy=True) as (name, engine):
            for path, rdf_format in chosen:
                count = _load_one(engine, path, rdf_format, progress)
                total += count
                manifest.loaded.append(LoadedFile(str(path.resolve()), rdf_format.extension,
                                                  count))
            self._commit(name, engine, manifest)
        return LoadSummary(files=len(chosen), quads=total,
                           seconds=time.perf_counter() - started)

    def load_file(self, path: Path, fmt: str, *, progress: Progress | None = None) -> int:
        def report(status: LoadProgress) -> None:
            if progress is not None:
                progress(status.quads)

        return self.load([path], fmt or None, progress=report).quads

    def build(self, files: ProjectFiles, *, progress: LoadCallback | None = None) -> LoadSummary:
        """Rebuild from the project's ontology and data, then reload the files ``kg load`` added
        (those that still exist); the old contents are replaced in one step."""
        self._writable()
        started = time.perf_counter()
        previous = self.manifest.loaded
        reloaded: list[LoadedFile] = []
        missing: list[str] = []
        total = 0
        with self._next_generation(copy=False) as (name, engine):
            project = [*ontology_quads(files), *data_quads(files)]
            _write_quads(engine, project, bulk=True)
            total += len(project)
            for item in previous:
                path = Path(item.path)
                if not path.is_file():
                    missing.append(item.path)
                    continue
                count = _load_one(engine, path, guess_format(path, item.format), progress)
                total += count
                reloaded.append(LoadedFile(item.path, item.format, count))
            self._commit(name, engine, Manifest.of_project(files, reloaded))
        return LoadSummary(files=len(files.source_files()) + len(reloaded), quads=total,
                           seconds=time.perf_counter() - started, missing=tuple(missing))

    def clear(self) -> None:
        self._writable()
        with self._next_generation(copy=False) as (name, engine):
            self._commit(name, engine, Manifest())

    # -- generations ------------------------------------------------------------------------
    def _generation_dir(self, name: str) -> Path:
        return self.root / GENERATIONS / name

    def _engine_dir(self, name: str) -> Path:
        return self._generation_dir(name) / ENGINE

    def _first_generation(self) -> str:
        name = _new_name()
        directory = self._generation_dir(name)
        directory.mkdir(parents=True)
        Manifest().write(directory / MANIFEST)
        _sync_dir(directory)
        write_head(self.root, name)
        return name

    @contextmanager
    def _next_generation(self, *, copy: bool) -> Iterator[tuple[str, pyoxigraph.Store]]:
        """A new, private generation (a checkpoint of the current one, or empty); removed again
        if the block fails, so that nothing of it is ever seen."""
        name = _new_name()
        directory = self._generation_dir(name)
        directory.mkdir(parents=True)
        try:
            if copy:
                self._store.backup(str(self._engine_dir(name)))
            engine = pyoxigraph.Store(str(self._engine_dir(name)))
            yield name, engine
        except BaseException as error:
            shutil.rmtree(directory, ignore_errors=True)
            if isinstance(error, OSError) and not isinstance(error, KgError):
                raise StoreError(f"{self.root}: write failed, the store is unchanged ({error})"
                                 ) from None
            raise

    def _commit(self, name: str, engine: pyoxigraph.Store, manifest: Manifest) -> None:
        """Make generation ``name`` the store: everything durable first, then ``HEAD``."""
        engine.flush()
        directory = self._generation_dir(name)
        manifest.write(directory / MANIFEST)
        _sync_dir(directory)
        write_head(self.root, name)
        old = self.generation
        self._store, self.generation = engine, name
        self.path = self._engine_dir(name)
        shutil.rmtree(self._generation_dir(old), ignore_errors=True)

    def _remove_debris(self) -> None:
        """Remove generations an interrupted write left behind (we hold the lock: no writer
        can be making one now)."""
        if self.read_only:
            return
        for child in (self.root / GENERATIONS).iterdir():
            if child.name != self.generation:
                shutil.rmtree(child, ignore_errors=True)


def open_disk_store(path: Path, project: Path | None = None) -> DiskStore:
    """The on-disk store at ``path`` for the project: built on first use, checked for staleness
    on every later one (:class:`~kg.errors.StaleStoreError` says to run ``kg build``)."""
    files = ProjectFiles(find_root(project))
    store = DiskStore(path)
    try:
        if store.manifest.project is None:
            store.build(files)
        else:
            store.check_fresh(files)
    except BaseException:
        store.close()
        raise
    return store


# -- the load path: kept lean, it is the hot loop of `kg load` --------------------------------
def _load_one(engine: pyoxigraph.Store, path: Path, rdf_format: RdfFormat,
              progress: LoadCallback | None) -> int:
    """Stream one file into ``engine``; returns the quads read.

    The quads are counted by ``zip`` with ``itertools.count``, in C: a Python generator that
    counted would cost a tenth of the load's time. Progress is read off the counter by a
    reporter thread, so the loop itself does nothing else."""
    counter = itertools.count()
    quads = map(itemgetter(0), zip(iter_parse_file(path, rdf_format), counter, strict=False))
    with _reporting(progress, path, counter):
        _write_quads(engine, quads, bulk=True)
    return _peek(counter)


@contextmanager
def _reporting(progress: LoadCallback | None, path: Path,
               counter: itertools.count[int]) -> Iterator[None]:
    """Report ``counter`` to ``progress`` a few times a second while the block runs, and once
    at its end."""
    if progress is None:
        yield
        return
    stop = threading.Event()

    def report() -> None:
        while not stop.wait(PROGRESS_INTERVAL):
            progress(LoadProgress(path, _peek(counter)))

    reporter = threading.Thread(target=report, name="kg-load-progress", daemon=True)
    reporter.start()
    try:
        yield
    finally:
        stop.set()
        reporter.join()
    progress(LoadProgress(path, _peek(counter)))


def _peek(counter: itertools.count[int]) -> int:
    """The next value of ``counter``, without taking it."""
    return int(repr(counter)[len("count("):-1])


def _write_quads(engine: pyoxigraph.Store, quads: Iterable[Quad], *, bulk: bool) -> None:
    """Write into a private generation: the bulk loader for loads, a transaction otherwise."""
    if bulk:
        engine.bulk_extend(quads)
    else:
        engine.extend(quads)


# -- HEAD and the directory -------------------------------------------------------------------
def read_head(root: Path) -> str | None:
    try:
        name = (root / HEAD).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise StoreError(f"{root}: cannot read the store's HEAD ({error})") from None
    if not name or not (root / GENERATIONS / name).is_dir():
        raise StoreError(f"{root}: HEAD names a missing generation {name!r}; "
                         "the store is damaged, remove it and run `kg build`")
    return name


def write_head(root: Path, name: str) -> None:
    """Point ``HEAD`` at generation ``name``: the one atomic step that publishes a write."""
    temporary = root / f".{HEAD}.{secrets.token_hex(4)}"
    with temporary.open("w", encoding="ascii") as out:
        out.write(name + "\n")
        out.flush()
        os.fsync(out.fileno())
    temporary.replace(root / HEAD)
    _sync_dir(root)


def _check_root(root: Path) -> None:
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root}: not a directory; --store takes a directory")
    if root.is_dir() and not (root / HEAD).exists() and any(root.iterdir()) \
            and not (root / GENERATIONS).is_dir():
        raise UsageError(f"{root}: the directory is not empty and is not a kg store; "
                         "give a new or empty directory")
    try:
        (root / GENERATIONS).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"{root}: cannot create the store ({error.strerror})") from None


def _new_name() -> str:
    return f"{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"


def _sync_dir(directory: Path) -> None:
    """fsync a directory, so that a rename or a new file in it survives a power cut."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
