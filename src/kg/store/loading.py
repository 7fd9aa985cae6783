"""The load path of the embedded stores: files streamed into the bulk loader, with progress.

Kept lean: it is the hot loop of ``kg load`` and ``kg build``. The quads are counted by
``zip`` with ``itertools.count``, in C, and progress is read off the counter by a reporter
thread, so the loop itself does nothing else.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path

import pyoxigraph

from kg.rdfio import RdfFormat, iter_parse_file
from kg.store import engine as oxi
from kg.store.base import LoadCallback, LoadProgress
from kg.terms import Quad

PROGRESS_INTERVAL = 0.2
"""Seconds between two progress reports during a load."""
BULK_CHUNK = 100_000
"""Quads and facts handed to one bulk load. Oxigraph's bulk loader keeps batches of a million
in flight on several threads (about 2 GB at 1M quads with their facts, whatever the file's
size); chunks this size keep a load near 200 MB, as fast as chunks five times larger (measured
at 1M quads). The many small table files they leave are merged by :func:`settle`."""
SETTLE_SHARE = 10
"""A load settles the store (see :func:`settle`) when it wrote at least one quad in this many
of those the store's loaded files hold, so that a small file added to a large store does not
rewrite it all."""


def bulk_write(engine: pyoxigraph.Store, quads: Iterable[Quad]) -> None:
    """Write quads, and their facts, into a generation nobody reads yet."""
    stream = oxi.with_facts(quads)
    while chunk := list(itertools.islice(stream, BULK_CHUNK)):
        engine.bulk_extend(chunk)


def settle(engine: pyoxigraph.Store) -> None:
    """Merge the table files a bulk load left (Oxigraph's ``optimize``, a full compaction).

    Every bulk load writes its own sorted files; queries over a store of many overlapping files
    read them all. Settled, the store answers queries two to three times faster (measured at 1M
    quads with the named queries), for about a fifth more load time."""
    engine.optimize()


def worth_settling(loaded: int, held: int) -> bool:
    """Whether a load of ``loaded`` quads into a store whose loaded files hold ``held`` (this
    load's included) should settle it.

    >>> worth_settling(1_000_000, 1_000_000), worth_settling(1_000, 10_000_000)
    (True, False)
    """
    return loaded * SETTLE_SHARE >= held


def load_one(
    engine: pyoxigraph.Store, path: Path, rdf_format: RdfFormat, progress: LoadCallback | None
) -> int:
    """Stream one file into ``engine``; returns the quads read."""
    counter = itertools.count()
    quads = map(itemgetter(0), zip(iter_parse_file(path, rdf_format), counter, strict=False))
    with _reporting(progress, path, counter):
        bulk_write(engine, quads)
    return _peek(counter)


@contextmanager
def _reporting(progress: LoadCallback | None, path: Path, counter: itertools.count[int]) -> Iterator[None]:
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
    return int(repr(counter)[len("count(") : -1])
