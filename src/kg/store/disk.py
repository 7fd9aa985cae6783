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

import errno
import fcntl
import itertools
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

import pyoxigraph

from kg.errors import KgError, StaleStoreError, StoreError, StoreLockedError, UsageError
from kg.project import ProjectFiles, data_quads, find_root, ontology_quads
from kg.rdfio import RdfFormat, guess_format, iter_parse_file
from kg.store.base import Progress
from kg.store.embedded import EmbeddedStore, query_syntax_error
from kg.store.manifest import LoadedFile, Manifest
from kg.terms import Quad

HEAD = "HEAD"
WRITER_LOCK = "LOCK"
READERS_LOCK = "readers.lock"
GENERATIONS = "generations"
ENGINE = "oxigraph"
MANIFEST = "manifest.json"
PROGRESS_INTERVAL = 0.2
"""Seconds between two progress reports during a load."""
OPEN_ATTEMPTS = 100
"""Times a store tries to open the current generation while writers keep replacing it."""
STALE_GRACE = 2.0
"""Seconds a stale store waits for ``HEAD`` to move before saying so: ``kg add`` renames its
files into ``data/`` just before it publishes its generation, and a reader opening in between
would otherwise be told the store is stale."""


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

    ``read_only=True`` opens it for queries only: it never waits for, nor stops, a writer.
    Otherwise the store takes the writer lock when it opens (``lock_at_open``, the default) or
    at its first write, and that write fails with :class:`~kg.errors.StoreError` if another
    process changed the store in between (nothing is written; run the command again).

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

    def __init__(self, path: Path | str, *, read_only: bool = False,
                 lock_at_open: bool = True) -> None:
        self.root = Path(path)
        self.location = str(self.root)
        self.read_only = read_only
        self.path = self.root  # what the store is, for code that puts things beside it
        self._store = None  # type: ignore[assignment]
        self._writer: int | None = None
        self._reader: int | None = None
        self.generation = ""
        if read_only and read_head(self.root) is None:
            raise StoreError(f"{self.root}: no store here yet; run `kg --store {self.root} build`")
        _check_root(self.root)
        try:
            if not read_only and (lock_at_open or read_head(self.root) is None):
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
            fd = os.open(self.root / WRITER_LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise StoreError(f"{self.root}: cannot lock the store ({error.strerror})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise StoreLockedError(f"{self.root}: the store is open in another process "
                                   "(only one writer at a time)") from None
        self._writer = fd
        if read_head(self.root) is None:
            self._first_generation()
        if self._store is not None:
            self._remove_debris()

    def _open_current(self) -> None:
        """Open the generation ``HEAD`` names, read-only, holding its readers' lock; retried
        while writers publish and remove generations under us."""
        for _attempt in range(OPEN_ATTEMPTS):
            name = _current(self.root)
            if name is not None and self._open_generation(name):
                if self._writer is not None:
                    self._remove_debris()
                return
            time.sleep(0.01)
        raise StoreError(f"{self.root}: the store keeps changing under us; try again")

    def _open_generation(self, name: str) -> bool:
        """Make generation ``name`` this store's; ``False`` if a writer removed it first."""
        held = _hold(self._generation_dir(name))
        if held is None:
            return False
        try:
            engine = pyoxigraph.Store.read_only(str(self._engine_dir(name)))
        except OSError:
            _release(held)
            if not self._generation_dir(name).is_dir():
                return False
            raise StoreError(f"{self.root}: cannot open generation {name}; the store is "
                             f"damaged, remove it and run `kg build`") from None
        if self._reader is not None:
            _release(self._reader)
        self._store, self._reader, self.generation = engine, held, name
        return True

    def _writable(self) -> None:
        """Become the writer (if not yet), on the generation ``HEAD`` still names."""
        if self.read_only:
            raise UsageError(f"{self.location}: the store is open read-only")
        self.lock()
        if read_head(self.root) != self.generation:
            raise StoreError(f"{self.root}: another process changed the store since this one "
                             "opened it; nothing was written, run the command again")

    def close(self) -> None:
        self._store = None  # type: ignore[assignment]
        for fd in (getattr(self, "_reader", None), getattr(self, "_writer", None)):
            if fd is not None:
                _release(fd)
        self._reader = self._writer = None

    def __del__(self) -> None:
        with suppress(Exception):  # at interpreter exit, os may be gone before us
            self.close()  # the locks, should the caller forget

    def flush(self) -> None:
        """Nothing to do: a generation is flushed to disk before ``HEAD`` names it."""

    @property
    def engine_path(self) -> Path:
        """The Oxigraph directory of the current generation."""
        return self._engine_dir(self.generation)

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
        with self._next_generation(copy=True) as draft:
            _write_quads(draft.engine, quads, bulk=False)
            publish()
            if manifest.project is not None:
                manifest = Manifest.of_project(ProjectFiles(Path(manifest.project)),
                                               manifest.loaded)
            self._commit(draft, manifest)
        return len(quads)

    def change(self, added: Iterable[Quad], removed: Iterable[Quad]) -> None:
        """Add ``added`` and remove ``removed`` as one step: a crash leaves neither or both."""
        adding, removing = list(added), list(removed)
        if not adding and not removing and not self.read_only:
            return  # no new generation for nothing
        self._writable()
        with self._next_generation(copy=True) as draft:
            draft.engine.extend(adding)
            for quad in removing:
                draft.engine.remove(quad)
            self._commit(draft, self.manifest)

    def add_quads(self, quads: Iterable[Quad]) -> int:
        items = list(quads)
        self.change(items, ())
        return len(items)

    def remove_quads(self, quads: Iterable[Quad]) -> None:
        self.change((), quads)

    def update(self, sparql: str) -> None:
        self._writable()
        with self._next_generation(copy=True) as draft:
            try:
                draft.engine.update(sparql)
            except SyntaxError as error:
                raise query_syntax_error(error) from None
            self._commit(draft, self.manifest)

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
        with self._next_generation(copy=True) as draft:
            for path, rdf_format in chosen:
                count = _load_one(draft.engine, path, rdf_format, progress)
                total += count
                manifest.loaded.append(LoadedFile(str(path.resolve()), rdf_format.extension,
                                                  count))
            self._commit(draft, manifest)
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
        with self._next_generation(copy=False) as draft:
            project = [*ontology_quads(files), *data_quads(files)]
            _write_quads(draft.engine, project, bulk=True)
            total += len(project)
            for item in previous:
                path = Path(item.path)
                if not path.is_file():
                    missing.append(item.path)
                    continue
                count = _load_one(draft.engine, path, guess_format(path, item.format), progress)
                total += count
                reloaded.append(LoadedFile(item.path, item.format, count))
            self._commit(draft, Manifest.of_project(files, reloaded))
        return LoadSummary(files=len(files.source_files()) + len(reloaded), quads=total,
                           seconds=time.perf_counter() - started, missing=tuple(missing))

    def clear(self) -> None:
        self._writable()
        with self._next_generation(copy=False) as draft:
            self._commit(draft, Manifest())

    # -- generations ------------------------------------------------------------------------
    def _generation_dir(self, name: str) -> Path:
        return self.root / GENERATIONS / name

    def _engine_dir(self, name: str) -> Path:
        return self._generation_dir(name) / ENGINE

    def _first_generation(self) -> None:
        name = _new_name()
        directory = self._generation_dir(name)
        directory.mkdir(parents=True)
        Manifest().write(directory / MANIFEST)
        pyoxigraph.Store(str(self._engine_dir(name))).flush()  # an empty database, closed
        (directory / READERS_LOCK).touch()
        _sync_dir(directory)
        write_head(self.root, name)

    @contextmanager
    def _next_generation(self, *, copy: bool) -> Iterator[_Draft]:
        """A new, private generation (a checkpoint of the current one, or empty); removed again
        if the block fails, so that nothing of it is ever seen."""
        name = _new_name()
        directory = self._generation_dir(name)
        directory.mkdir(parents=True)
        draft = _Draft(name)
        try:
            if copy:
                self._store.backup(str(self._engine_dir(name)))
            draft.engine = pyoxigraph.Store(str(self._engine_dir(name)))
            yield draft
        except BaseException as error:
            draft.engine = None
            shutil.rmtree(directory, ignore_errors=True)
            if isinstance(error, OSError) and not isinstance(error, KgError):
                raise StoreError(f"{self.root}: write failed, the store is unchanged ({error})"
                                 ) from None
            raise

    def _commit(self, draft: _Draft, manifest: Manifest) -> None:
        """Make ``draft`` the store: everything durable and closed first, then ``HEAD``."""
        draft.engine.flush()
        draft.engine = None  # the last reference: RocksDB closes it, and it is never written again
        directory = self._generation_dir(draft.name)
        manifest.write(directory / MANIFEST)
        (directory / READERS_LOCK).touch()
        _sync_dir(directory)
        old = self.generation
        if not self._open_generation(draft.name):
            raise StoreError(f"{self.root}: the new generation vanished before it was published")
        try:
            write_head(self.root, draft.name)
        except BaseException:
            self._open_generation(old)
            raise
        self._remove_debris()  # the old generation, and any a reader held until now

    def _remove_debris(self) -> None:
        """Remove generations an interrupted write left behind, and old ones no reader holds
        any longer (we hold the writer lock: no writer can be making one now)."""
        for child in (self.root / GENERATIONS).iterdir():
            if child.name != self.generation and child.name != read_head(self.root):
                _remove_generation(child)


class _Draft:
    """A generation being written: its name, and its read-write engine until committed."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._engine: pyoxigraph.Store | None = None

    @property
    def engine(self) -> pyoxigraph.Store:
        assert self._engine is not None, "the generation is committed"
        return self._engine

    @engine.setter
    def engine(self, value: pyoxigraph.Store | None) -> None:
        self._engine = value


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
        if read_head(store.root) != store.generation:
            store._open_current()


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


def _current(root: Path) -> str | None:
    """The generation ``HEAD`` names; ``None`` if a writer removed it between our two reads."""
    try:
        return read_head(root)
    except StoreError:
        if not (root / HEAD).is_file():
            raise
        return None


def _hold(directory: Path) -> int | None:
    """A shared lock on a generation's readers' lock, so that no writer removes it while we
    read it; ``None`` if a writer is removing it (or has). Without the lock file (a store on a
    read-only file system, which no writer can change), an unlocked descriptor of the folder."""
    lock = directory / READERS_LOCK
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        if not (directory / MANIFEST).is_file():
            return None
        try:
            fd = os.open(lock, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            if error.errno not in (errno.EROFS, errno.EACCES):
                return None
            return os.open(directory, os.O_RDONLY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        still_there = lock.stat().st_ino == os.fstat(fd).st_ino
    except OSError:
        still_there = False
    if not still_there:
        os.close(fd)
        return None
    return fd


def _release(fd: int) -> None:
    os.close(fd)  # closing the descriptor releases its flock


def _remove_generation(directory: Path) -> bool:
    """Remove a generation unless a reader holds it (then a later writer will)."""
    try:
        fd = os.open(directory / READERS_LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except FileNotFoundError:
        shutil.rmtree(directory, ignore_errors=True)
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False
    try:
        shutil.rmtree(directory, ignore_errors=True)
    finally:
        os.close(fd)
    return True


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
