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

A generation is never changed once ``HEAD`` names it: every store opens its generation with
Oxigraph's read-only mode, and every write, however small, makes a new one. So any number of
processes read beside the one that writes (RocksDB leaves reading a database another process
writes undefined; here nobody writes a database anybody reads). Two locks (``flock``, released
by the kernel when a process dies, even by SIGKILL) keep order::

    PATH/LOCK                           held (exclusive) by the one writer
    PATH/generations/NAME/readers.lock  held (shared) by every store that has NAME open

A writer removes an old generation only once no reader holds it; one still held is left for a
later writer to remove. A generation that ``HEAD`` does not name is debris of an interrupted
write or an old generation a reader held; the next writer removes it. A second writer gets
:class:`~kg.errors.StoreLockedError`. ``DiskStore(path)`` takes the writer lock when it opens;
``open_disk_store`` (the command line's way in) takes it at its first write, so queries,
exports and statistics never wait for, or stop, a writer.

The store is an index of the project's files: opening it checks that ``ontology/`` and ``data/``
are as they were at the last build and raises :class:`~kg.errors.StaleStoreError` (telling the
user to run ``kg build``) if not, rather than answer from an out-of-date index or rebuild
behind the user's back (a rebuild re-reads everything, and may take long on a big store).
"""

from __future__ import annotations

import fcntl
import gc
import os
import shutil
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph

from kg.errors import KgError, StaleStoreError, StoreError, StoreLockedError, UsageError
from kg.project import ProjectFiles, data_quads, find_root, ontology_quads
from kg.rdfio import RdfFormat, guess_format, iter_parse_file
from kg.results import QueryResult
from kg.store import engine as oxi
from kg.store import generations as gen
from kg.store.base import (
    Capabilities,
    LoadCallback,
    LoadProgress,
    LoadSummary,
    Progress,
    QueryRequest,
    Store,
    Trial,
    as_request,
)
from kg.store.embedded import EngineStore
from kg.store.isolated import run_in_worker
from kg.store.loading import bulk_write, load_one, settle, worth_settling
from kg.store.manifest import LoadedFile, Manifest
from kg.terms import Quad, Term

OPEN_ATTEMPTS = 100
"""Times a store tries to open the current generation while writers keep replacing it."""
STALE_GRACE = 2.0
"""Seconds a stale store waits for ``HEAD`` to move before saying so: ``kg add`` renames its
files into ``data/`` just before it publishes its generation, and a reader opening in between
would otherwise be told the store is stale."""

__all__ = ["DiskSnapshot", "DiskStore", "LoadCallback", "LoadProgress", "LoadSummary", "open_disk_store"]


@dataclass(frozen=True)
class DiskSnapshot:
    """One generation of an on-disk store, for another process to open read-only."""

    root: str
    generation: str

    def open(self) -> Store:
        return DiskStore(self.root, read_only=True, generation=self.generation)


class DiskStore(EngineStore):
    """An Oxigraph store in a directory, changed only by whole, atomically published generations.

    ``read_only=True`` opens it for queries only: it never waits for, nor stops, a writer
    (``generation`` pins one generation instead of the current one). Otherwise the store takes
    the writer lock when it opens (``lock_at_open``, the default) or at its first write, and
    that write fails with :class:`~kg.errors.StoreError` if another process changed the store in
    between (nothing is written; run the command again).

    >>> import tempfile
    >>> from kg.terms import NamedNode, Literal, Quad
    >>> folder = tempfile.mkdtemp()
    >>> store = DiskStore(folder)
    >>> store.add_quads([Quad(NamedNode("http://example.com/s"), NamedNode("http://example.com/p"),
    ...                       Literal("o"), NamedNode("http://example.com/g"))])
    1
    >>> reader = DiskStore(folder, read_only=True); len(reader)
    1
    >>> store.close(); reader.close(); len(DiskStore(folder))
    1
    """

    capabilities = Capabilities(local=True, persistent=True, trials=True, killable_queries=True)

    def __init__(
        self,
        path: Path | str,
        *,
        read_only: bool = False,
        lock_at_open: bool = True,
        generation: str | None = None,
    ) -> None:
        self.root = Path(path)
        self.location = str(self.root)
        self.read_only = read_only
        self.path = self.root
        self._store = None  # type: ignore[assignment]
        self._writer: int | None = None
        self._reader: int | None = None
        self.generation = ""
        if read_only and gen.read_head(self.root) is None:
            raise StoreError(f"{self.root}: no store here yet; run `kg --store {self.root} build`")
        gen.check_root(self.root)
        try:
            if generation is not None:
                if not read_only or not self._open_generation(generation):
                    raise StoreError(f"{self.root}: generation {generation} is gone")
                return
            if not read_only and (lock_at_open or gen.read_head(self.root) is None):
                self.lock()
            self._open_current()
        except BaseException:
            self.close()
            raise

    # -- locks and opening ------------------------------------------------------------------
    def lock(self) -> None:
        """Take the writer lock now (a server that writes holds it from its start); idempotent.

        Raises :class:`~kg.errors.StoreLockedError` if another process holds it."""
        if self.read_only:
            raise UsageError(f"{self.location}: the store is open read-only")
        if self._writer is not None:
            return
        try:
            fd = os.open(self.root / gen.WRITER_LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise StoreError(f"{self.root}: cannot lock the store ({error.strerror})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise StoreLockedError(
                f"{self.root}: the store is open in another process (only one writer at a time)"
            ) from None
        self._writer = fd
        if gen.read_head(self.root) is None:
            self._first_generation()
        if self._store is not None:
            self._remove_debris()

    def _open_current(self) -> None:
        """Open the generation ``HEAD`` names, read-only, holding its readers' lock; retried
        while writers publish and remove generations under us."""
        for _attempt in range(OPEN_ATTEMPTS):
            name = gen.current(self.root)
            if name is not None and self._open_generation(name):
                if self._writer is not None:
                    self._remove_debris()
                return
            time.sleep(0.01)
        raise StoreError(f"{self.root}: the store keeps changing under us; try again")

    def _open_generation(self, name: str) -> bool:
        """Make generation ``name`` this store's; ``False`` if a writer removed it first."""
        held = gen.hold(self._generation_dir(name))
        if held is None:
            return False
        try:
            engine = pyoxigraph.Store.read_only(str(self._engine_dir(name)))
        except OSError:
            gen.release(held)
            if not self._generation_dir(name).is_dir():
                return False
            raise StoreError(
                f"{self.root}: cannot open generation {name}; the store is "
                f"damaged, remove it and run `kg build`"
            ) from None
        if self._reader is not None:
            gen.release(self._reader)
        self._store, self._reader, self.generation = engine, held, name
        return True

    def _writable(self) -> None:
        """Become the writer (if not yet), on the generation ``HEAD`` still names."""
        if self.read_only:
            raise UsageError(f"{self.location}: the store is open read-only")
        self.lock()
        if gen.read_head(self.root) != self.generation:
            raise StoreError(
                f"{self.root}: another process changed the store since this one "
                "opened it; nothing was written, run the command again"
            )

    def close(self) -> None:
        self._store = None  # type: ignore[assignment]
        for fd in (getattr(self, "_reader", None), getattr(self, "_writer", None)):
            if fd is not None:
                gen.release(fd)
        self._reader = self._writer = None

    def __del__(self) -> None:
        with suppress(Exception):  # at interpreter exit, os may be gone before us
            self.close()  # the locks, should the caller forget

    def flush(self) -> None:
        """Nothing to do: a generation is flushed to disk before ``HEAD`` names it."""

    def snapshot(self) -> DiskSnapshot:
        return DiskSnapshot(str(self.root), self.generation)

    def query(
        self,
        query: QueryRequest | str,
        *,
        bindings: Mapping[str, Term] | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        request = as_request(query, bindings, timeout)
        if request.timeout is None:
            return oxi.run_query(self._store, request, self.location)
        prefixes = None if request.prefixes is None else dict(request.prefixes)
        task = _ReadOnlyQuery(
            str(self._engine_dir(self.generation)), replace(request, prefixes=prefixes), self.location
        )
        return run_in_worker(task, request.timeout, inherit=False)

    # -- what the store was built from ------------------------------------------------------
    @property
    def manifest(self) -> Manifest:
        return Manifest.read(self._generation_dir(self.generation) / gen.MANIFEST)

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
    def change(self, added: Iterable[Quad], removed: Iterable[Quad] = ()) -> None:
        """Add ``added`` and remove ``removed`` as one step: a crash leaves neither or both."""
        adding, removing = list(added), list(removed)
        if not adding and not removing:
            self._writable()
            return  # no new generation for nothing
        with self.trial(adding, removing) as trial:
            trial.commit()

    @contextmanager
    def trial(self, added: Sequence[Quad], removed: Sequence[Quad]) -> Iterator[Trial]:
        """The change made in a new generation nobody sees until it is committed. A read-only
        store makes it in a private folder instead, to judge and discard (never to commit)."""
        if not self.read_only:
            self._writable()
        with self._next_generation(copy=True, private=self.read_only) as draft:
            oxi.apply(draft.engine, added, removed)
            trial = _GenerationTrial(self, draft)
            try:
                yield trial
            finally:
                trial.release()
            if not trial.committed:
                raise _Discard

    def load(
        self,
        paths: Sequence[Path | str],
        fmt: str | None = None,
        *,
        progress: LoadCallback | None = None,
        base: str | None = None,
    ) -> LoadSummary:
        """Bulk-load RDF files, all or none: a failure (bad syntax, a full disk, a kill) anywhere
        leaves the store as it was. ``fmt`` applies to every file; by default each file's
        extension decides. Relative IRIs are resolved against ``base``."""
        self._writable()
        chosen = [(Path(p), guess_format(p, fmt)) for p in paths]
        started = time.perf_counter()
        manifest = self.manifest
        total = 0
        with self._next_generation(copy=True) as draft:
            for path, rdf_format in chosen:
                if base is None:
                    count = load_one(draft.engine, path, rdf_format, progress)
                else:
                    count = _load_with_base(draft.engine, path, rdf_format, base, progress)
                total += count
                manifest.loaded.append(LoadedFile(str(path.resolve()), rdf_format.extension, count, base))
            if worth_settling(total, sum(item.quads for item in manifest.loaded)):
                settle(draft.engine)
            self._commit(draft, manifest)
        return LoadSummary(files=len(chosen), quads=total, seconds=time.perf_counter() - started)

    def load_file(
        self, path: Path, fmt: str, *, progress: Progress | None = None, base: str | None = None
    ) -> int:
        def report(status: LoadProgress) -> None:
            if progress is not None:
                progress(status.quads)

        return self.load([path], fmt or None, progress=report, base=base).quads

    def build(self, files: ProjectFiles, *, progress: LoadCallback | None = None) -> LoadSummary:
        """Rebuild from the project's ontology and data, then reload the files ``kg load`` added
        (those that still exist); the old contents are replaced in one step."""
        self._writable()
        started = time.perf_counter()
        previous = self.manifest.loaded
        reloaded: list[LoadedFile] = []
        missing: list[str] = []
        total = 0
        with self._next_generation(copy=False) as draft:
            project = [*ontology_quads(files), *data_quads(files)]
            bulk_write(draft.engine, project)
            total += len(project)
            for item in previous:
                path = Path(item.path)
                if not path.is_file():
                    missing.append(item.path)
                    continue
                rdf_format = guess_format(path, item.format)
                if item.base is None:
                    count = load_one(draft.engine, path, rdf_format, progress)
                else:
                    count = _load_with_base(draft.engine, path, rdf_format, item.base, progress)
                total += count
                reloaded.append(LoadedFile(item.path, item.format, count, item.base))
            settle(draft.engine)
            self._commit(draft, Manifest.of_project(files, reloaded))
        return LoadSummary(
            files=len(files.source_files()) + len(reloaded),
            quads=total,
            seconds=time.perf_counter() - started,
            missing=tuple(missing),
        )

    def clear(self) -> None:
        self._writable()
        with self._next_generation(copy=False) as draft:
            self._commit(draft, Manifest())

    # -- generations ------------------------------------------------------------------------
    def _generation_dir(self, name: str) -> Path:
        return self.root / gen.GENERATIONS / name

    def _engine_dir(self, name: str) -> Path:
        return self._generation_dir(name) / gen.ENGINE

    def _first_generation(self) -> None:
        name = gen.new_name()
        directory = self._generation_dir(name)
        directory.mkdir(parents=True)
        Manifest().write(directory / gen.MANIFEST)
        pyoxigraph.Store(str(self._engine_dir(name))).flush()  # an empty database, closed
        (directory / gen.READERS_LOCK).touch()
        gen.sync_dir(directory)
        gen.write_head(self.root, name)

    @contextmanager
    def _next_generation(self, *, copy: bool, private: bool = False) -> Iterator[_Draft]:
        """A new, private generation (a checkpoint of the current one, or empty); removed again
        if the block fails or is discarded, so that nothing of it is ever seen. ``private``
        puts it outside ``generations/`` (a reader's trial, held by a lock, never published)."""
        name = gen.new_name()
        held: int | None = None
        if private:
            directory, held = gen.private_dir(self.root, name)
            engine_dir = directory / gen.ENGINE
        else:
            directory = self._generation_dir(name)
            directory.mkdir(parents=True)
            engine_dir = self._engine_dir(name)
        draft = _Draft(name, held=held)
        try:
            if copy:
                self._store.backup(str(engine_dir))
            draft.engine = pyoxigraph.Store(str(engine_dir))
            yield draft
        except BaseException as error:
            draft.engine = None
            # the failed write's frames still hold the engine: let RocksDB close first, so
            # that nothing of it is written after the folder is gone
            traceback.clear_frames(error.__traceback__)
            gc.collect()
            shutil.rmtree(directory, ignore_errors=True)
            draft.release()
            if isinstance(error, _Discard):
                return
            if isinstance(error, OSError) and not isinstance(error, KgError):
                raise StoreError(f"{self.root}: write failed, the store is unchanged ({error})") from None
            raise

    def _commit(self, draft: _Draft, manifest: Manifest) -> None:
        """Make ``draft`` the store: everything durable and closed first, then ``HEAD``."""
        draft.engine.flush()
        draft.engine = None  # the last reference: RocksDB closes it, and it is never written again
        directory = self._generation_dir(draft.name)
        manifest.write(directory / gen.MANIFEST)
        (directory / gen.READERS_LOCK).touch()
        gen.sync_dir(directory)
        old = self.generation
        if not self._open_generation(draft.name):
            raise StoreError(f"{self.root}: the new generation vanished before it was published")
        try:
            gen.write_head(self.root, draft.name)
        except BaseException:
            self._open_generation(old)
            raise
        self._remove_debris()  # the old generation, and any a reader held until now

    def _remove_debris(self) -> None:
        """Remove generations an interrupted write left behind, and old ones no reader holds
        any longer (we hold the writer lock: no writer can be making one now)."""
        for child in (self.root / gen.GENERATIONS).iterdir():
            if child.name != self.generation and child.name != gen.read_head(self.root):
                gen.remove_generation(child)
        gen.remove_private_debris(self.root)


@dataclass(frozen=True)
class _ReadOnlyQuery:
    """A query a clean process runs on its own read-only view of one generation."""

    directory: str
    request: QueryRequest
    location: str

    def __call__(self) -> QueryResult:
        return oxi.run_query(pyoxigraph.Store.read_only(self.directory), self.request, self.location)


class _Discard(Exception):
    """A trial ended without a commit: its generation goes."""


class _Draft:
    """A generation being written: its name, and its read-write engine until committed."""

    def __init__(self, name: str, *, held: int | None = None) -> None:
        self.name = name
        self.held = held
        self._engine: pyoxigraph.Store | None = None

    @property
    def private(self) -> bool:
        return self.held is not None

    def release(self) -> None:
        """Let go of a private draft's lock (its folder is gone by now)."""
        if self.held is not None:
            gen.release(self.held)
            self.held = None

    @property
    def engine(self) -> pyoxigraph.Store:
        if self._engine is None:
            raise StoreError("the generation is already committed")
        return self._engine

    @engine.setter
    def engine(self, value: pyoxigraph.Store | None) -> None:
        self._engine = value


class _DraftView(EngineStore):
    """A generation being written, seen as a store (for judging a change before it is made)."""

    capabilities = Capabilities(local=True, persistent=True, trials=False, killable_queries=False)

    def __init__(self, engine: pyoxigraph.Store, location: str) -> None:
        self._store = engine
        self.location = location
        self.read_only = True

    def change(self, added: Iterable[Quad], removed: Iterable[Quad] = ()) -> None:
        self._writable()

    def load_file(
        self, path: Path, fmt: str, *, progress: Progress | None = None, base: str | None = None
    ) -> int:
        self._writable()
        return 0

    def clear(self) -> None:
        self._writable()


class _GenerationTrial:
    """A change made in a private generation: :meth:`commit` publishes it."""

    def __init__(self, store: DiskStore, draft: _Draft) -> None:
        self.store = store
        self.draft = draft
        self.after: Store = _DraftView(draft.engine, f"{store.location} (with the change)")
        self.committed = False

    def commit(self, publish: Callable[[], None] | None = None) -> None:
        """Run ``publish`` (which renames new ``data/`` files into place), then publish the
        generation; its manifest records the new files, so a crash in between leaves a store
        that says it is stale, never a wrong one."""
        manifest = self.store.manifest
        if publish is not None:
            publish()
            if manifest.project is not None:
                manifest = Manifest.of_project(ProjectFiles(Path(manifest.project)), manifest.loaded)
        if self.draft.private:
            raise UsageError(f"{self.store.location}: the store is open read-only")
        self.release()
        self.store._commit(self.draft, manifest)
        self.committed = True

    def release(self) -> None:
        """Let go of the generation's engine (RocksDB closes when its last reference goes)."""
        self.after._store = None  # type: ignore[attr-defined]


def open_disk_store(path: Path, project: Path | None = None) -> DiskStore:
    """The on-disk store at ``path`` for the project: built on first use, checked for staleness
    on every later one (:class:`~kg.errors.StaleStoreError` says to run ``kg build``).

    It takes the writer lock only at its first write: the command line opens every store this
    way, so `kg query`, `kg export` and `kg stats` run beside a `kg add` or `kg load`."""
    files = ProjectFiles(find_root(project))
    store = DiskStore(path, lock_at_open=False)
    try:
        if store.manifest.project is None:
            store.build(files)
        else:
            _wait_until_fresh(store, files)
    except BaseException:
        store.close()
        raise
    return store


def _wait_until_fresh(store: DiskStore, files: ProjectFiles) -> None:
    """Check freshness; if stale, give a writer that has renamed its files into ``data/`` but
    not yet published its generation :data:`STALE_GRACE` seconds to do so."""
    deadline = time.monotonic() + STALE_GRACE
    while True:
        try:
            store.check_fresh(files)
            return
        except StaleStoreError:
            if time.monotonic() > deadline or store._writer is not None:
                raise
        time.sleep(0.02)
        if gen.read_head(store.root) != store.generation:
            store._open_current()


def _load_with_base(
    engine: pyoxigraph.Store, path: Path, rdf_format: RdfFormat, base: str, progress: LoadCallback | None
) -> int:
    """Stream one file whose relative IRIs resolve against ``base`` (progress at the end)."""
    counted = 0

    def quads() -> Iterator[Quad]:
        nonlocal counted
        for quad in iter_parse_file(path, rdf_format, base_iri=base):
            counted += 1
            yield quad

    bulk_write(engine, quads())
    if progress is not None:
        progress(LoadProgress(path, counted))
    return counted
